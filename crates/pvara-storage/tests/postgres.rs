//! The storage test story on PostgreSQL: a fresh database per test, dropped afterwards.
//! Needs a server: `PVARA_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/postgres).

#![allow(clippy::unwrap_used)]

use pvara_storage::testing;
use pvara_storage::{Engines, Location, OpenOptions};
use sqlx::Connection;

fn admin_url() -> String {
    std::env::var("PVARA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database of its own, created for one test.
struct FreshDatabase {
    name: String,
}

impl FreshDatabase {
    async fn create() -> (Self, String) {
        let name = format!("pvara_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url()).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let base = admin_url();
        let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
        (Self { name }, url)
    }

    async fn drop_now(self) {
        let mut admin = sqlx::PgConnection::connect(&admin_url()).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .execute(&mut admin)
            .await
            .unwrap();
    }
}

async fn fresh() -> (FreshDatabase, Engines) {
    let (db, url) = FreshDatabase::create().await;
    let engines = pvara_storage::open(&Location::Postgres(url), &OpenOptions::default())
        .await
        .unwrap();
    (db, engines)
}

macro_rules! story {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let (db, engines) = fresh().await;
            testing::$name(&engines).await;
            drop(engines);
            db.drop_now().await;
        }
    )*};
}

story!(
    users_story,
    jobs_story,
    submission_story,
    transition_story,
    listing_story,
    worker_reads_story,
    append_story,
    consumer_story,
    wakeup_story,
    relay_story,
    group_sharing_story,
);
