//! What every [`Store`] must do.

use chrono::Utc;
use pvara_domain::application::NewApplication;
use pvara_domain::ids::{ApplicationId, EventId};
use pvara_domain::status::Status;
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::error::StoreError;
use crate::model::{
    ApplicationQuery, Checkpoint, Cursor, Delivery, Position, Rescore, ScoreRecord, SortOrder, Transition,
    WorkBatch,
};

fn scored(application: &NewApplication, total: u8, messages: Vec<crate::model::OutboxMessage>) -> Transition {
    Transition {
        application_id: application.id,
        job_id: application.job_id,
        from: Status::Submitted,
        to: Status::UnderReview,
        actor: "system:test".to_owned(),
        reason: "scored".to_owned(),
        details: None,
        at: pvara_domain::time::to_stored_precision(Utc::now()),
        score: Some(ScoreRecord {
            total,
            breakdown: serde_json::json!({ "total": total }),
            scorer_version: "test-1".to_owned(),
        }),
        messages,
    }
}

/// Users: unique e-mail, lookup by e-mail.
pub async fn users_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let id = a_user(store, "ada@example.org", Role::Recruiter).await;
    let found = store.user_by_email("ada@example.org").await.unwrap().unwrap();
    assert_eq!((found.id, found.role), (id, Role::Recruiter));
    assert!(store.user_by_email("nobody@example.org").await.unwrap().is_none());
    let again = crate::model::NewUser {
        id: pvara_domain::ids::UserId::new(),
        email: pvara_domain::user::Email::parse("e", "ada@example.org").unwrap(),
        full_name: pvara_domain::user::FullName::parse("Other").unwrap(),
        role: Role::Applicant,
        password_hash: "x".to_owned(),
        created_at: pvara_domain::time::to_stored_precision(Utc::now()),
        email_verified_at: None,
        verification: None,
        language: pvara_domain::language::Language::En,
    };
    assert!(matches!(
        store.create_user(again).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.counts().await.unwrap().users, 1);
}

/// Jobs round-trip; closed jobs are not listed as open.
pub async fn jobs_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Admin).await;
    let open = a_job(staff);
    let closed = a_closed_job(staff);
    store.create_job(open.clone()).await.unwrap();
    store.create_job(closed.clone()).await.unwrap();
    assert_eq!(store.job(open.id).await.unwrap().unwrap(), open);
    let listed: Vec<_> = store
        .open_jobs(pvara_domain::time::to_stored_precision(Utc::now()), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(listed, vec![open.id]);
}

/// Submission writes application, history and event together, or nothing.
pub async fn submission_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let applicant = a_user(store, "cand@example.org", Role::Applicant).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();

    let application = an_application(job.id, applicant, "Bilal Ahmed");
    store
        .submit_application(application.clone(), vec![submitted_message(&application)])
        .await
        .unwrap();
    let before = store.counts().await.unwrap();
    assert_eq!((before.applications, before.history), (1, 1));
    assert_eq!(events_written(engines).await, 1);

    let record = store.application(application.id).await.unwrap().unwrap();
    assert_eq!(record.status, Status::Submitted);
    assert_eq!(record.candidate, application.candidate);
    assert_eq!(record.history.len(), 1);
    assert_eq!(record.history[0].to, Status::Submitted);
    assert_eq!(record.reference, application.reference);
    assert_eq!(
        store.application_owner(application.id).await.unwrap(),
        Some((applicant, job.id, Status::Submitted))
    );
    // The short reference finds the application; an unknown one finds nothing.
    assert_eq!(
        store
            .application_by_reference(&application.reference)
            .await
            .unwrap(),
        Some(application.id)
    );
    let unknown = pvara_domain::reference::Reference::from_bits(u64::from(u32::MAX));
    assert_ne!(unknown, application.reference);
    assert_eq!(store.application_by_reference(&unknown).await.unwrap(), None);

    // A second application to the same job: refused, and its event is not written.
    let twice = an_application(job.id, applicant, "Bilal Ahmed");
    let refused = store
        .submit_application(twice.clone(), vec![submitted_message(&twice)])
        .await;
    assert!(matches!(refused, Err(StoreError::Conflict(_))), "{refused:?}");
    let unknown_job = an_application(pvara_domain::ids::JobId::new(), applicant, "X");
    let refused = store
        .submit_application(unknown_job.clone(), vec![submitted_message(&unknown_job)])
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound(_))), "{refused:?}");
    assert_eq!(store.counts().await.unwrap(), before);
    assert_eq!(events_written(engines).await, 1);
    assert!(store.application(ApplicationId::new()).await.unwrap().is_none());
    // Someone else's application that drew the same reference is refused as such, so the
    // caller draws again, and nothing of it is written.
    let other = a_user(store, "other@example.org", Role::Applicant).await;
    let mut same_reference = an_application(job.id, other, "Sana Malik");
    same_reference.reference = application.reference.clone();
    let refused = store
        .submit_application(same_reference.clone(), vec![submitted_message(&same_reference)])
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(crate::error::REFERENCE_TAKEN))),
        "{refused:?}"
    );
    assert_eq!(store.counts().await.unwrap().applications, 1);
}

/// Submissions arriving together (which engines may commit as one group) each get their own
/// answer: a duplicate, an unknown job or a closed job is refused alone, the rest are written.
pub async fn concurrent_submission_story(engines: &Engines) {
    let store = engines.store.clone();
    let staff = a_user(store.as_ref(), "staff@example.org", Role::Recruiter).await;
    let job = a_job(staff);
    let closed = a_closed_job(staff);
    store.create_job(job.clone()).await.unwrap();
    store.create_job(closed.clone()).await.unwrap();
    let mut applications = Vec::new();
    for i in 0..40 {
        let applicant = a_user(store.as_ref(), &format!("c{i}@example.org"), Role::Applicant).await;
        applications.push(an_application(job.id, applicant, "Sana Iqbal"));
    }
    let twin = an_application(job.id, applications[0].applicant_id, "Sana Iqbal");
    let nowhere = an_application(pvara_domain::ids::JobId::new(), applications[1].applicant_id, "X");
    let late = an_application(closed.id, applications[2].applicant_id, "X");
    applications.extend([twin, nowhere, late]);
    let before = events_written(engines).await;
    let mut running = tokio::task::JoinSet::new();
    for (i, application) in applications.into_iter().enumerate() {
        let store = store.clone();
        running.spawn(async move {
            let message = submitted_message(&application);
            (i, store.submit_application(application, vec![message]).await)
        });
    }
    let mut outcomes = running.join_all().await;
    outcomes.sort_by_key(|(i, _)| *i);
    let ok = outcomes.iter().filter(|(_, o)| o.is_ok()).count();
    assert_eq!(ok, 40, "{outcomes:?}");
    let first_or_twin: Vec<_> = [0, 40].iter().map(|&i| &outcomes[i].1).collect();
    assert_eq!(
        first_or_twin
            .iter()
            .filter(|o| matches!(o, Err(StoreError::Conflict(_))))
            .count(),
        1,
        "exactly one of two applications to the same job is refused: {first_or_twin:?}"
    );
    assert!(
        matches!(outcomes[41].1, Err(StoreError::NotFound(_))),
        "{:?}",
        outcomes[41]
    );
    assert!(
        matches!(outcomes[42].1, Err(StoreError::Closed(_))),
        "{:?}",
        outcomes[42]
    );
    let counts = store.counts().await.unwrap();
    assert_eq!((counts.applications, counts.history), (40, 40));
    assert_eq!(events_written(engines).await, before + 40);
}

/// Conditional transitions: applied once, then stale; a batch reports which applied.
pub async fn transition_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let applicant = a_user(store, "cand@example.org", Role::Applicant).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    let application = an_application(job.id, applicant, "Sara");
    store
        .submit_application(application.clone(), vec![])
        .await
        .unwrap();
    let message = submitted_message(&application);

    let batch = WorkBatch {
        account_mails: Vec::new(),
        transitions: vec![
            scored(&application, 70, vec![message.clone()]),
            scored(&application, 99, vec![message]),
        ],
        rescores: vec![],
        messages: vec![],
        deliveries: vec![],
        stale_rubric: false,
        checkpoint: Some(Checkpoint {
            group: "g".to_owned(),
            positions: vec![Position {
                topic: "application-submitted".to_owned(),
                partition: 0,
                next_offset: 5,
            }],
        }),
    };
    // The second transition of the same application finds it moved on: one effect, one event.
    assert_eq!(
        store.apply_batch(batch).await.unwrap().transitions,
        vec![true, false]
    );
    let record = store.application(application.id).await.unwrap().unwrap();
    assert_eq!(record.status, Status::UnderReview);
    assert_eq!(record.score.as_ref().map(|s| s.total), Some(70));
    assert_eq!(record.history.len(), 2);
    assert_eq!(events_written(engines).await, 1);
    rescore_story(engines, &application).await;

    let groups = engines.log.groups().await.unwrap();
    let committed = groups
        .iter()
        .find(|g| g.group == "g" && g.partition == 0)
        .map(|g| g.committed);
    assert_eq!(committed, Some(5));

    let mut reject = scored(&application, 0, vec![]);
    reject.score = None;
    reject.to = Status::Rejected;
    assert!(matches!(
        store.transition(reject.clone()).await,
        Err(StoreError::StaleStatus)
    ));
    reject.from = Status::UnderReview;
    store.transition(reject.clone()).await.unwrap();
    assert_eq!(
        store.application(application.id).await.unwrap().unwrap().status,
        Status::Rejected
    );
    reject.application_id = ApplicationId::new();
    assert!(matches!(
        store.transition(reject).await,
        Err(StoreError::NotFound(_))
    ));
}

/// A rescore replaces the score it names and no other, keeps the status, and records the change.
async fn rescore_story(engines: &Engines, application: &NewApplication) {
    let store = engines.store.as_ref();
    let input = store.scoring_inputs(&[application.id]).await.unwrap().remove(0);
    let stored = input.score.expect("the scoring input carries the stored score");
    assert_eq!((stored.total, stored.scorer_version.as_str()), (70, "test-1"));
    let rescore = |id: ApplicationId| Rescore {
        application_id: id,
        replaces: "test-1".to_owned(),
        previous_total: 70,
        score: ScoreRecord {
            total: 82,
            breakdown: serde_json::json!({ "total": 82 }),
            scorer_version: "test-1+model".to_owned(),
        },
        actor: "system:test".to_owned(),
        reason: "refined".to_owned(),
        at: pvara_domain::time::to_stored_precision(Utc::now()),
        messages: vec![submitted_message(application)],
    };
    let batch = |rescores| WorkBatch {
        rescores,
        ..Default::default()
    };
    let applied = store
        .apply_batch(batch(vec![
            rescore(application.id),
            rescore(ApplicationId::new()),
        ]))
        .await
        .unwrap();
    assert_eq!(applied.rescores, vec![true, false]);
    // Redelivered: the score it replaces is gone, so nothing changes.
    let again = store
        .apply_batch(batch(vec![rescore(application.id)]))
        .await
        .unwrap();
    assert_eq!(again.rescores, vec![false]);
    let record = store.application(application.id).await.unwrap().unwrap();
    assert_eq!(record.status, Status::UnderReview);
    assert_eq!(record.history.len(), 2, "a rescore is no status change");
    assert_eq!(
        record.score.map(|s| (s.total, s.scorer_version)),
        Some((82, "test-1+model".to_owned()))
    );
    let changes: Vec<(u8, u8, &str)> = record
        .score_changes
        .iter()
        .map(|c| (c.previous, c.total, c.scorer_version.as_str()))
        .collect();
    assert_eq!(changes, [(70, 82, "test-1+model")]);
    assert_eq!(
        events_written(engines).await,
        2,
        "one event, from the rescore applied"
    );
}

/// Keyset pagination visits every row once, in order, under each sort and filter.
pub async fn listing_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let job = a_job(staff);
    let other_job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    store.create_job(other_job.clone()).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..12u8 {
        let applicant = a_user(store, &format!("c{i}@example.org"), Role::Applicant).await;
        let application = an_application(job.id, applicant, &format!("C {i}"));
        store
            .submit_application(application.clone(), vec![])
            .await
            .unwrap();
        // Scores repeat (ties) and two stay unscored.
        if i < 10 {
            store
                .apply_batch(WorkBatch {
                    account_mails: Vec::new(),
                    transitions: vec![scored(&application, (i % 4) * 20, vec![])],
                    ..Default::default()
                })
                .await
                .unwrap();
        }
        ids.push(application.id);
    }
    let elsewhere = an_application(
        other_job.id,
        a_user(store, "x@example.org", Role::Applicant).await,
        "X",
    );
    store.submit_application(elsewhere, vec![]).await.unwrap();

    for sort in [
        SortOrder::ScoreDesc,
        SortOrder::ScoreAsc,
        SortOrder::SubmittedAsc,
        SortOrder::SubmittedDesc,
    ] {
        let mut seen = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let query = ApplicationQuery {
                job_id: Some(job.id),
                sort,
                limit: 5,
                after,
                ..Default::default()
            };
            let page = store.list_applications(&query).await.unwrap();
            after = page.last().map(Cursor::after);
            let done = page.len() < 5;
            seen.extend(page);
            if done {
                break;
            }
        }
        assert_eq!(seen.len(), 12, "{sort:?}");
        let keys: Vec<(i64, ApplicationId)> = seen
            .iter()
            .map(|s| (s.ai_score.map_or(-1, i64::from), s.id))
            .collect();
        let mut expected = keys.clone();
        match sort {
            SortOrder::ScoreDesc => expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1))),
            SortOrder::ScoreAsc => expected.sort(),
            SortOrder::SubmittedAsc => expected.sort_by_key(|k| k.1),
            SortOrder::SubmittedDesc => expected.sort_by_key(|k| std::cmp::Reverse(k.1)),
        }
        assert_eq!(keys, expected, "{sort:?}");
    }
    let top = ApplicationQuery {
        job_id: Some(job.id),
        min_score: Some(60),
        limit: 100,
        ..Default::default()
    };
    let top = store.list_applications(&top).await.unwrap();
    assert!(!top.is_empty() && top.iter().all(|s| s.ai_score >= Some(60)));
    let pending = ApplicationQuery {
        status: Some(Status::Submitted),
        limit: 100,
        ..Default::default()
    };
    assert_eq!(store.list_applications(&pending).await.unwrap().len(), 3);
}

/// What the workers read: scoring inputs, mail contexts in request order, deliveries.
pub async fn worker_reads_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let applicant = a_user(store, "cand@example.org", Role::Applicant).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    let application = an_application(job.id, applicant, "Hina");
    store
        .submit_application(application.clone(), vec![])
        .await
        .unwrap();

    let inputs = store
        .scoring_inputs(&[application.id, ApplicationId::new()])
        .await
        .unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(*inputs[0].job, job);
    assert_eq!(inputs[0].candidate, application.candidate);

    let missing = ApplicationId::new();
    let contexts = store
        .mail_contexts(&[(missing, Status::Submitted), (application.id, Status::Submitted)])
        .await
        .unwrap();
    assert!(contexts[0].is_none());
    let context = contexts[1].as_ref().unwrap();
    assert_eq!(
        (context.full_name.as_str(), context.job_title.as_str()),
        ("Hina", "Engineer")
    );
    assert_eq!(context.entry.as_ref().map(|e| e.to), Some(Status::Submitted));
    assert_eq!(context.step, 1, "the first entry of the application's history");

    let event = EventId::new();
    let delivery = Delivery {
        event_id: event,
        application_id: application.id,
        template: "applicationReceived".to_owned(),
        message_id: "<m@pvara>".to_owned(),
        delivered_at: pvara_domain::time::to_stored_precision(Utc::now()),
        failure: None,
    };
    // A refused mail is recorded too (it is not tried again), with the relay's reply.
    let refused = Delivery {
        event_id: EventId::new(),
        template: "underReview".to_owned(),
        message_id: "<n@pvara>".to_owned(),
        delivered_at: delivery.delivered_at + chrono::Duration::seconds(1),
        failure: Some("permanent error (550): mailbox unavailable".to_owned()),
        ..delivery.clone()
    };
    let batch = WorkBatch {
        account_mails: Vec::new(),
        deliveries: vec![delivery.clone(), delivery.clone(), refused.clone()],
        ..Default::default()
    };
    store.apply_batch(batch).await.unwrap();
    assert_eq!(
        store.delivered(&[event, EventId::new()]).await.unwrap(),
        vec![event]
    );
    assert_eq!(store.counts().await.unwrap().deliveries, 2);
    assert_eq!(
        store.deliveries(application.id).await.unwrap(),
        vec![delivery, refused],
        "an application's mail, oldest first, as recorded"
    );
    store.ping().await.unwrap();
}
