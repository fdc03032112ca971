//! The storage test story on the embedded SQLite engine, one fresh database file per test.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use pvara_domain::event::Topic;
use pvara_domain::user::Role;
use pvara_storage::sqlite::SqliteEngine;
use pvara_storage::testing;
use pvara_storage::{Engines, Location, OpenOptions, StoreError};

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
    reset_story,
);

/// Engines whose events wait in the outbox, as a database written by an older pvara has them:
/// the relay into the embedded log must still move them.
async fn fresh_through_outbox() -> (tempfile::TempDir, Engines) {
    let dir = tempfile::tempdir().unwrap();
    let engine = SqliteEngine::open(&dir.path().join("pvara.db")).await.unwrap();
    engine.route_events_through_outbox();
    let engines = Engines {
        store: Arc::new(engine.clone()),
        log: Arc::new(engine.log()),
        relay: Arc::new(engine.log()),
    };
    let topics = pvara_domain::event::all_topic_names();
    engines.log.ensure_topics(&topics, 3).await.unwrap();
    (dir, engines)
}

#[tokio::test]
async fn relay_story() {
    let (_dir, engines) = fresh_through_outbox().await;
    testing::relay_story(&engines).await;
}

#[tokio::test]
async fn with_the_embedded_log_events_skip_the_outbox() {
    let (_dir, engines) = fresh().await;
    let store = engines.store.as_ref();
    let staff = testing::a_user(store, "staff@example.org", Role::Recruiter).await;
    let applicant = testing::a_user(store, "cand@example.org", Role::Applicant).await;
    let job = testing::a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    let application = testing::an_application(job.id, applicant, "Bilal Ahmed");
    let mut consumer = engines
        .log
        .subscribe("g", Topic::ApplicationSubmitted.name())
        .await
        .unwrap();
    store
        .submit_application(
            application.clone(),
            vec![testing::submitted_message(&application)],
        )
        .await
        .unwrap();
    assert_eq!(store.counts().await.unwrap().outbox, 0);
    // On the log at once, with nothing relayed.
    let records = consumer.poll(10, Duration::ZERO).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].key.as_deref(),
        Some(application.id.to_string().as_str())
    );
    assert_eq!(engines.relay.relay_batch(10).await.unwrap(), 0);
}

#[tokio::test]
async fn processes_that_disagree_on_the_event_log_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Sqlite(dir.path().join("pvara.db"));
    drop(
        pvara_storage::open(&location, &OpenOptions::default())
            .await
            .unwrap(),
    );
    let kafka = OpenOptions {
        kafka: Some(testing::test_kafka()),
        ..OpenOptions::default()
    };
    let refused = pvara_storage::open(&location, &kafka).await.unwrap_err();
    assert!(matches!(refused, StoreError::Config(_)), "{refused:?}");
    assert!(refused.to_string().contains("embedded event log"), "{refused}");
    // The first choice stays, and processes that share it still start.
    pvara_storage::open(&location, &OpenOptions::default())
        .await
        .unwrap();
}

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
