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
use crate::model::{ScoreRecord, ScoringChange, ScoringEffect, Transition, WorkBatch};

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
        transitions.push(moved(application.id, job.id, to, "rules-3/rubric-1"));
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
        effect: ScoringEffect::Rescore,
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
    for (i, version) in ["rules-3/rubric-1", "rules-3/rubric-2"].into_iter().enumerate() {
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
        stale_rubric: true,
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

/// Progress counts by the rubric a score was made under, as data: a score under rubric 10 is not
/// one under rubric 1 (a substring test on the version text took it for one), and a person's
/// score counts as current whatever the rubric.
pub async fn rubric_progress_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    let mut transitions = Vec::new();
    for (i, version) in [
        "rules-3/rubric-1",
        "rules-3/rubric-10",
        "override:rules-3/rubric-7",
    ]
    .into_iter()
    .enumerate()
    {
        let applicant = a_user(store, &format!("p{i}@example.org"), Role::Applicant).await;
        let application = an_application(job.id, applicant, &format!("P {i}"));
        store
            .submit_application(application.clone(), vec![])
            .await
            .unwrap();
        transitions.push(moved(application.id, job.id, Status::UnderReview, version));
    }
    store
        .apply_batch(WorkBatch {
            transitions,
            ..Default::default()
        })
        .await
        .unwrap();
    let progress = |version| store.rescore_progress(job.id, version);
    let one = progress(1).await.unwrap();
    assert_eq!(
        (one.open, one.current),
        (3, 2),
        "rubric 1 and the person's, not rubric 10"
    );
    let ten = progress(10).await.unwrap();
    assert_eq!((ten.open, ten.current), (3, 2), "rubric 10 and the person's");
    assert!(
        store
            .jobs_scored_by_other_rules("rules-3")
            .await
            .unwrap()
            .is_empty()
    );
    // A job with a score by older rules is one to score again; a person's score is not.
    let older = a_job(staff);
    store.create_job(older.clone()).await.unwrap();
    let mut transitions = Vec::new();
    for (i, version) in ["rules-2/rubric-1", "override:rules-2/rubric-1"]
        .into_iter()
        .enumerate()
    {
        let applicant = a_user(store, &format!("o{i}@example.org"), Role::Applicant).await;
        let application = an_application(older.id, applicant, &format!("O {i}"));
        store
            .submit_application(application.clone(), vec![])
            .await
            .unwrap();
        transitions.push(moved(application.id, older.id, Status::UnderReview, version));
    }
    store
        .apply_batch(WorkBatch {
            transitions,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store.jobs_scored_by_other_rules("rules-3").await.unwrap(),
        vec![older.id]
    );
    assert_eq!(
        progress(1).await.unwrap().current,
        2,
        "a score by other rules is not current for its rubric"
    );
}
