//! The event-log story on Kafka (a Kafka-protocol broker at `PVARA_TEST_KAFKA_BROKERS`, default
//! 127.0.0.1:9092), with the outbox in SQLite. Each test has its own topic prefix.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pvara_storage::testing::{self, test_kafka, test_kafka_sasl};
use pvara_storage::{Engines, Location, OpenOptions};

async fn fresh() -> (tempfile::TempDir, Engines) {
    let dir = tempfile::tempdir().unwrap();
    let options = OpenOptions {
        kafka: Some(test_kafka()),
        ..OpenOptions::default()
    };
    let engines = pvara_storage::open(&Location::Sqlite(dir.path().join("pvara.db")), &options)
        .await
        .unwrap();
    (dir, engines)
}

macro_rules! story {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let (_dir, engines) = fresh().await;
            testing::$name(&engines).await;
        }
    )*};
}

story!(
    append_story,
    consumer_story,
    wakeup_story,
    group_sharing_story,
    relay_story,
    reset_story,
    reset_refused_while_active_story,
);

/// The same stories against a broker that demands SASL_SSL (SCRAM-SHA-512 over TLS with a
/// certificate from the suite's test CA).
mod sasl_ssl {
    use super::*;

    async fn fresh() -> (tempfile::TempDir, Engines) {
        let dir = tempfile::tempdir().unwrap();
        let options = OpenOptions {
            kafka: Some(test_kafka_sasl(None, true)),
            ..OpenOptions::default()
        };
        let engines = pvara_storage::open(&Location::Sqlite(dir.path().join("pvara.db")), &options)
            .await
            .unwrap();
        (dir, engines)
    }

    story!(append_story, consumer_story, relay_story);

    async fn refusal(options: pvara_storage::kafka::KafkaOptions) -> String {
        let dir = tempfile::tempdir().unwrap();
        let options = OpenOptions {
            kafka: Some(options),
            ..OpenOptions::default()
        };
        let started = std::time::Instant::now();
        let error = pvara_storage::open(&Location::Sqlite(dir.path().join("pvara.db")), &options)
            .await
            .expect_err("refused");
        eprintln!("refused after {:?}", started.elapsed());
        error.to_string()
    }

    #[tokio::test]
    async fn a_wrong_password_stops_the_start_with_why() {
        let message = refusal(test_kafka_sasl(Some("not the password"), true)).await;
        assert!(message.contains("SASL authentication"), "{message}");
        assert!(message.contains("sasl.password"), "{message}");
    }

    #[tokio::test]
    async fn an_untrusted_certificate_stops_the_start_with_why() {
        let message = refusal(test_kafka_sasl(None, false)).await;
        assert!(message.to_lowercase().contains("certificate"), "{message}");
        assert!(message.contains("ssl.ca.location"), "{message}");
    }
}
