//! A PostgreSQL database of its own for one test, so tests never see each other's rows.
//! The server comes from `PVARA_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/postgres).

use sqlx::Connection;

fn admin_url() -> String {
    std::env::var("PVARA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

#[derive(Debug)]
pub struct TestDatabase {
    pub name: String,
    /// URL of the new database.
    pub url: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let name = format!("pvara_test_{}", uuid::Uuid::new_v4().simple());
        let admin = admin_url();
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .expect("PostgreSQL for tests is not reachable");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let url = format!(
            "{}/{name}",
            admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base)
        );
        Self { name, url }
    }

    /// Drops the database, disconnecting whoever is still on it.
    pub async fn drop_now(self) {
        let mut conn = sqlx::PgConnection::connect(&admin_url()).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

/// Kafka options for one test against the suite broker's SASL_SSL listener (`scripts/kafka`):
/// SCRAM-SHA-512 as `pvara` with `password`, trusting the CA in `PVARA_TEST_KAFKA_TLS` (unless
/// `trust_ca` is false).
pub fn test_kafka_sasl(password: Option<&str>, trust_ca: bool) -> crate::kafka::KafkaOptions {
    #[allow(clippy::expect_used)]
    let tls = std::path::PathBuf::from(
        std::env::var("PVARA_TEST_KAFKA_TLS").expect("PVARA_TEST_KAFKA_TLS: run the suite with scripts/test"),
    );
    #[allow(clippy::expect_used)]
    let real = std::fs::read_to_string(tls.join("password")).expect("the SCRAM password of scripts/kafka");
    let mut properties = vec![
        ("security.protocol".to_owned(), "SASL_SSL".to_owned()),
        ("sasl.mechanism".to_owned(), "SCRAM-SHA-512".to_owned()),
        ("sasl.username".to_owned(), "pvara".to_owned()),
        (
            "sasl.password".to_owned(),
            password.unwrap_or(real.trim()).to_owned(),
        ),
    ];
    if trust_ca {
        properties.push((
            "ssl.ca.location".to_owned(),
            tls.join("ca.pem").display().to_string(),
        ));
    }
    crate::kafka::KafkaOptions {
        brokers: std::env::var("PVARA_TEST_KAFKA_SASL_BROKERS")
            .unwrap_or_else(|_| "127.0.0.1:9094".to_owned()),
        properties,
        ..test_kafka()
    }
}

/// Kafka options for one test: the brokers from `PVARA_TEST_KAFKA_BROKERS` (default
/// 127.0.0.1:9092) and a prefix of its own, so tests sharing the broker never see each other.
pub fn test_kafka() -> crate::kafka::KafkaOptions {
    crate::kafka::KafkaOptions {
        brokers: std::env::var("PVARA_TEST_KAFKA_BROKERS").unwrap_or_else(|_| "127.0.0.1:9092".to_owned()),
        properties: Vec::new(),
        replication: 1,
        prefix: format!("test-{}.", uuid::Uuid::new_v4().simple()),
        client_id: "pvara-test".to_owned(),
    }
}
