//! Rubric changes: the new rubric and a re-score event per open application, in one
//! transaction; a stale version refused; progress counted by rubric.

use chrono::Utc;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::scoring::Rubric;
use pvara_domain::status::Status;
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::error::StoreError;
use crate::model::{OutboxMessage, ScoreRecord, ScoringChange, Transition, WorkBatch};

fn event(application: ApplicationId, change: &ScoringChange) -> Result<OutboxMessage, String> {
    Ok(OutboxMessage {
        topic: "rescore-requested".to_owned(),
        key: Some(application.to_string()),
        value: format!("{}", change.requirements.rubric.version).into_bytes(),
        headers: vec![],
    })
}

fn stale_event(application: ApplicationId, _job: JobId, version: u32) -> Result<OutboxMessage, String> {
    Ok(OutboxMessage {
        topic: "rescore-requested".to_owned(),
        key: Some(application.to_string()),
        value: format!("{version}").into_bytes(),
        headers: vec![],
    })
}

/// Moves an application on from Submitted, scored `version`.
fn moved(id: ApplicationId, job: JobId, to: Status, version: &str) -> Transition {
    Transition {
        application_id: id,
        job_id: job,
        from: Status::Submitted,
        to,
        actor: "system:test".to_owned(),
        reason: "test".to_owned(),
        details: None,
        at: pvara_domain::time::to_stored_precision(Utc::now()),
        score: Some(ScoreRecord {
            total: 50,
            breakdown: serde_json::json!({}),
            scorer_version: version.to_owned(),
        }),
        messages: vec![],
    }
}

pub async fn rubric_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    let mut transitions = Vec::new();
    for (i, to) in [Status::UnderReview, Status::TestInvited, Status::Rejected]
        .into_iter()
        .enumerate()
    {
        let applicant = a_user(store, &format!("a{i}@example.org"), Role::Applicant).await;
        let application = an_application(job.id, applicant, &format!("A {i}"));
        store
            .submit_application(application.clone(), vec![])
            .await
            .unwrap();
        transitions.push(moved(application.id, job.id, to, "rules-2/rubric-1"));
    }
    let batch = WorkBatch {
        transitions,
        ..Default::default()
    };
    store.apply_batch(batch).await.unwrap();
    let progress = store.rescore_progress(job.id, 1).await.unwrap();
    assert_eq!(
        (progress.open, progress.current),
        (2, 2),
        "the rejected one is not open"
    );

    let before = events_written(engines).await;
    let mut requirements = job.requirements.clone();
    requirements.rubric = Rubric::default()
        .revise(requirements.rubric.weights, requirements.rubric.knockouts)
        .unwrap();
    let change = ScoringChange {
        job_id: job.id,
        replaces: 1,
        requirements,
        applications_in: crate::model::open_statuses(),
        at: pvara_domain::time::to_stored_precision(Utc::now()),
        request_id: None,
        event,
    };
    assert_eq!(store.change_scoring(change.clone()).await.unwrap(), 2);
    assert_eq!(
        events_written(engines).await,
        before + 2,
        "one event per open application"
    );
    let stored = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(stored.requirements.rubric.version, 2);
    let progress = store.rescore_progress(job.id, 2).await.unwrap();
    assert_eq!((progress.open, progress.current), (2, 0));

    // A second editor working from version 1 is refused, and writes nothing.
    assert!(matches!(
        store.change_scoring(change.clone()).await,
        Err(StoreError::Changed(_))
    ));
    assert_eq!(events_written(engines).await, before + 2);
    // A score made under rubric 1 that commits after the change (the scoring worker read the job
    // before it) gets a re-score event in its own transaction; one made under rubric 2 does not.
    let mut late = Vec::new();
    for (i, version) in ["rules-2/rubric-1", "rules-2/rubric-2"].into_iter().enumerate() {
        let applicant = a_user(store, &format!("late{i}@example.org"), Role::Applicant).await;
        let application = an_application(job.id, applicant, &format!("Late {i}"));
        store
            .submit_application(application.clone(), vec![])
            .await
            .unwrap();
        late.push(moved(application.id, job.id, Status::UnderReview, version));
    }
    let before_late = events_written(engines).await;
    let batch = WorkBatch {
        transitions: late,
        stale_rubric: Some(stale_event),
        ..Default::default()
    };
    store.apply_batch(batch).await.unwrap();
    assert_eq!(
        events_written(engines).await,
        before_late + 1,
        "one re-score event, for the score by the old rubric"
    );

    let unknown = ScoringChange {
        job_id: JobId::new(),
        ..change
    };
    assert!(matches!(
        store.change_scoring(unknown).await,
        Err(StoreError::NotFound(_))
    ));
}
