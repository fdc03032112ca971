//! The storage test story on the embedded SQLite engine, one fresh database file per test.

#![allow(clippy::unwrap_used)]

use pvara_storage::testing;
use pvara_storage::{Engines, Location, OpenOptions};

async fn fresh() -> (tempfile::TempDir, Engines) {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Sqlite(dir.path().join("pvara.db"));
    let engines = pvara_storage::open(&location, &OpenOptions::default())
        .await
        .unwrap();
    (dir, engines)
}

macro_rules! story {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let (_dir, engines) = fresh().await;
            testing::$name(&engines).await;
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
    reset_story,
);

#[tokio::test]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Sqlite(dir.path().join("pvara.db"));
    {
        let engines = pvara_storage::open(&location, &OpenOptions::default())
            .await
            .unwrap();
        testing::a_user(
            engines.store.as_ref(),
            "kept@example.org",
            pvara_domain::user::Role::Admin,
        )
        .await;
    }
    let engines = pvara_storage::open(&location, &OpenOptions::default())
        .await
        .unwrap();
    assert!(
        engines
            .store
            .user_by_email("kept@example.org")
            .await
            .unwrap()
            .is_some()
    );
}

#[test]
fn locations_are_parsed_by_scheme() {
    assert_eq!(
        Location::parse("sqlite:///tmp/x.db").unwrap(),
        Location::Sqlite("/tmp/x.db".into())
    );
    assert_eq!(
        Location::parse("data/x.db").unwrap(),
        Location::Sqlite("data/x.db".into())
    );
    assert!(Location::parse("mysql://localhost/db").is_err());
    let pg = Location::parse("postgres://pvara:s3cret@db.internal:5432/pvara").unwrap();
    assert_eq!(format!("{pg:?}"), "postgres://pvara:***@db.internal:5432/pvara");
    assert_eq!(
        pg,
        Location::Postgres("postgres://pvara:s3cret@db.internal:5432/pvara".to_owned())
    );
}
