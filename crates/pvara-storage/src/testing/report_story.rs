//! What the reports read: each application's history with the machine's score (the one an
//! override replaced), and equality answers kept in their own table and erased with the person.

use chrono::Utc;
use pvara_domain::equality::Answers;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::status::Status;
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::model::{ScoreRecord, Submission, Transition, WorkBatch};
use crate::workspace::AnswersOf;

fn scored(id: ApplicationId, job: JobId, total: u8, breakdown: serde_json::Value) -> Transition {
    Transition {
        application_id: id,
        job_id: job,
        from: Status::Submitted,
        to: Status::UnderReview,
        actor: "system:test".to_owned(),
        reason: "test".to_owned(),
        details: None,
        at: pvara_domain::time::to_stored_precision(Utc::now()),
        score: Some(ScoreRecord {
            total,
            breakdown,
            scorer_version: "rules-3/rubric-1".to_owned(),
        }),
        messages: vec![],
    }
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    Answers(
        pairs
            .iter()
            .map(|(d, a)| (d.to_string(), a.to_string()))
            .collect(),
    )
}

pub async fn report_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    let given = [
        answers(&[("sex", "female"), ("province", "sindh")]),
        answers(&[("sex", "prefer-not-to-say")]),
        Answers::default(),
    ];
    let mut ids = Vec::new();
    let mut applicants = Vec::new();
    for (i, equality) in given.iter().enumerate() {
        let applicant = a_user(store, &format!("r{i}@example.org"), Role::Applicant).await;
        let application = an_application(job.id, applicant, &format!("R {i}"));
        ids.push(application.id);
        applicants.push(applicant);
        let submission = Submission {
            application,
            cv: None,
            messages: vec![],
            equality: equality.clone(),
            declaration: None,
        };
        store.submit(submission).await.unwrap();
    }
    // The first was scored 30 by the machine and overridden to 80 by a person.
    let overridden = serde_json::json!({"total": 30, "overridden": {"total": 80, "machineTotal": 30}});
    let batch = WorkBatch {
        transitions: vec![
            scored(ids[0], job.id, 80, overridden),
            scored(ids[1], job.id, 50, serde_json::json!({"total": 50})),
        ],
        ..Default::default()
    };
    store.apply_batch(batch).await.unwrap();

    let mut histories = store.job_histories(job.id).await.unwrap();
    histories.sort_by_key(|h| h.application);
    let read: Vec<(ApplicationId, Option<u8>, Vec<Status>)> = histories
        .iter()
        .map(|h| {
            (
                h.application,
                h.machine_score,
                h.steps.iter().map(|s| s.status).collect(),
            )
        })
        .collect();
    let (submitted, review) = (Status::Submitted, Status::UnderReview);
    assert_eq!(
        read,
        [
            (ids[0], Some(30), vec![submitted, review]),
            (ids[1], Some(50), vec![submitted, review]),
            (ids[2], None, vec![submitted]),
        ],
        "the machine's score, not the override"
    );

    let mut stored = store.equality_answers(AnswersOf::Job(job.id)).await.unwrap();
    stored.sort_by_key(|(id, _)| *id);
    assert_eq!(
        stored,
        [(ids[0], given[0].clone()), (ids[1], given[1].clone())],
        "no row for no answers"
    );
    let own = store
        .equality_answers(AnswersOf::Application(ids[1]))
        .await
        .unwrap();
    assert_eq!(own, [(ids[1], given[1].clone())]);
    assert!(
        store
            .equality_answers(AnswersOf::Job(JobId::new()))
            .await
            .unwrap()
            .is_empty()
    );

    // Erasure takes the answers with the rest of the person.
    store.erase_user(applicants[0], Utc::now()).await.unwrap();
    let left: Vec<ApplicationId> = store
        .equality_answers(AnswersOf::Job(job.id))
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(left, [ids[1]]);
}
