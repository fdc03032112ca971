//! The storage test story on PostgreSQL: a fresh database per test, dropped afterwards.
//! Needs a server: `PVARA_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/postgres).

#![allow(clippy::unwrap_used)]

use pvara_storage::testing::{self, TestDatabase};
use pvara_storage::{Engines, Location, OpenOptions};

async fn fresh() -> (TestDatabase, Engines) {
    let db = TestDatabase::create().await;
    let engines = pvara_storage::open(&Location::Postgres(db.url.clone()), &OpenOptions::default())
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
    account_token_story,
    jobs_story,
    submission_story,
    concurrent_submission_story,
    transition_story,
    rubric_story,
    rubric_progress_story,
    workspace_story,
    panel_story,
    draft_story,
    merit_story,
    import_story,
    report_story,
    listing_story,
    worker_reads_story,
    append_story,
    consumer_story,
    wakeup_story,
    relay_story,
    reset_story,
    reset_refused_while_active_story,
    group_sharing_story,
);
