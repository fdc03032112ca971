//! The event-log story on Kafka (a Kafka-protocol broker at `PVARA_TEST_KAFKA_BROKERS`, default
//! 127.0.0.1:9092), with the outbox in SQLite. Each test has its own topic prefix.

#![allow(clippy::unwrap_used)]

use pvara_storage::testing::{self, test_kafka};
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
