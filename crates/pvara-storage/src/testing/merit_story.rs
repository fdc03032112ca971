//! National recruitment, the same on every engine: a job's rules versioned, declarations kept
//! with the application, marks recorded idempotently, a merit list prepared by one person and
//! published by another (never by the same), immutable once published, and representations
//! filed once and decided once.

use chrono::{NaiveDate, Utc};
use pvara_domain::merit::allocation::allocate;
use pvara_domain::merit::list::MeritList;
use pvara_domain::merit::{Applicant, Declaration, Drive, Mark};
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::error::StoreError;
use crate::merit::{
    Approval, MarkKind, MarksUpload, RepresentationDecision, RepresentationRecord, RepresentationsOf,
};
use crate::model::Submission;

fn now() -> chrono::DateTime<Utc> {
    pvara_domain::time::to_stored_precision(crate::clock::now())
}

fn mark(m: u32) -> Mark {
    Mark::from_hundredths(m * 100).unwrap()
}

pub async fn merit_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let preparer = a_user(store, "merit-prep@example.org", Role::Recruiter).await;
    let approver = a_user(store, "merit-appr@example.org", Role::Admin).await;
    let job = a_job(preparer);
    store.create_job(job.clone()).await.unwrap();

    // Rules are versioned: a change names the version it replaces.
    let v1 = Drive::default().parse(1).unwrap();
    store.set_drive(job.id, &v1, 0).await.unwrap();
    assert!(matches!(
        store.set_drive(job.id, &v1, 0).await,
        Err(StoreError::Changed(_))
    ));
    let v2 = Drive {
        shortlist_per_post: 2,
        ..v1.clone()
    }
    .parse(2)
    .unwrap();
    store.set_drive(job.id, &v2, 1).await.unwrap();
    let stored = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(stored.requirements.drive, Some(v2.clone()));
    assert!(matches!(
        store.set_drive(pvara_domain::ids::JobId::new(), &v2, 0).await,
        Err(StoreError::NotFound("job"))
    ));

    // Declarations are written with the application.
    let mut applications = Vec::new();
    for (n, name) in ["Ayesha Khan", "Bilal Ahmed", "Chandni Lal"]
        .into_iter()
        .enumerate()
    {
        let applicant = a_user(store, &format!("merit-cand{n}@example.org"), Role::Applicant).await;
        let application = an_application(job.id, applicant, name);
        let declaration = (n < 2).then(|| Declaration {
            date_of_birth: NaiveDate::from_ymd_opt(1995, 1, 1 + n as u32).unwrap(),
            domicile: "Sindh".to_owned(),
            claims: Vec::new(),
            subject: None,
        });
        store
            .submit(Submission {
                application: application.clone(),
                cv: None,
                messages: vec![submitted_message(&application)],
                equality: Default::default(),
                declaration: declaration.clone(),
            })
            .await
            .unwrap();
        assert_eq!(store.declaration(application.id).await.unwrap(), declaration);
        applications.push(application);
    }

    // Marks: recorded, recorded again unchanged (nothing changes), corrected; a mark for an
    // application of another job is ignored.
    let marks = |test: u32| MarksUpload {
        job: job.id,
        marks: applications
            .iter()
            .enumerate()
            .flat_map(|(n, a)| {
                [
                    (a.id, MarkKind::Test, mark(test - n as u32 * 10)),
                    (a.id, MarkKind::Interview, mark(70)),
                ]
            })
            .collect(),
        by: preparer,
        at: now(),
    };
    assert_eq!(store.record_marks(marks(80)).await.unwrap(), 6);
    assert_eq!(
        store.record_marks(marks(80)).await.unwrap(),
        0,
        "the same file again changes nothing"
    );
    assert_eq!(store.record_marks(marks(81)).await.unwrap(), 3);
    let other_job = a_job(preparer);
    store.create_job(other_job.clone()).await.unwrap();
    let stray = MarksUpload {
        job: other_job.id,
        ..marks(50)
    };
    assert_eq!(store.record_marks(stray).await.unwrap(), 0);

    let candidates = store.merit_candidates(job.id).await.unwrap();
    assert_eq!(candidates.len(), 3);
    let first = candidates
        .iter()
        .find(|c| c.application == applications[0].id)
        .unwrap();
    assert_eq!((first.test, first.interview), (Some(mark(81)), Some(mark(70))));
    assert_eq!(first.reference, applications[0].reference);
    assert!(first.declaration.is_some());

    // A list prepared, prepared again (replacing the unapproved one), approved by another person.
    let closing = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let contenders: Vec<_> = candidates
        .iter()
        .map(|c| {
            v2.contender(
                Applicant {
                    application: c.application,
                    reference: c.reference.clone(),
                    submitted_at: c.submitted_at,
                    declaration: c.declaration.as_ref(),
                    education: c.education,
                    years_experience: c.years_experience,
                    test: c.test,
                    interview: c.interview,
                },
                closing,
            )
        })
        .collect();
    let list = MeritList {
        job: job.id,
        version: 1,
        drive_version: 2,
        vacancies: 1,
        allocation: allocate(&v2, 1, &contenders),
    };
    store
        .save_merit_list(&list, "first", preparer, now())
        .await
        .unwrap();
    store
        .save_merit_list(&list, &list.fingerprint(), preparer, now())
        .await
        .unwrap();
    let heads = store.merit_lists(job.id).await.unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!(heads[0].fingerprint, list.fingerprint());
    assert_eq!(heads[0].approved, None);
    assert_eq!(
        store.merit_entry(applications[0].id).await.unwrap(),
        None,
        "not published yet"
    );

    let approval = |by| Approval {
        job: job.id,
        version: 1,
        fingerprint: list.fingerprint(),
        by,
        at: now(),
        messages: Vec::new(),
    };
    let unseen = Approval {
        fingerprint: "first".to_owned(),
        ..approval(approver)
    };
    assert!(
        matches!(
            store.approve_merit_list(unseen).await,
            Err(StoreError::Changed(_))
        ),
        "a list prepared again since it was read is not approved"
    );
    assert!(matches!(
        store.approve_merit_list(approval(preparer)).await,
        Err(StoreError::Conflict("approver"))
    ));
    let before = events_written(engines).await;
    let mut publish = approval(approver);
    publish.messages = vec![submitted_message(&applications[0])];
    store.approve_merit_list(publish).await.unwrap();
    assert_eq!(
        events_written(engines).await,
        before + 1,
        "the publication's events commit with it"
    );
    assert!(matches!(
        store.approve_merit_list(approval(approver)).await,
        Err(StoreError::NotFound("merit list"))
    ));
    assert!(matches!(
        store.save_merit_list(&list, "again", preparer, now()).await,
        Err(StoreError::Conflict("merit list"))
    ));
    let stored = store.merit_list(job.id, 1).await.unwrap().unwrap();
    assert_eq!(stored.list, list, "the list reads back line for line");
    assert_eq!(stored.list.fingerprint(), stored.head.fingerprint);
    assert_eq!(stored.head.approved.map(|(by, _)| by), Some(approver));
    assert_eq!(store.merit_list(job.id, 2).await.unwrap(), None);
    let (head, entry) = store.merit_entry(applications[0].id).await.unwrap().unwrap();
    assert_eq!((head.version, entry.position), (1, Some(1)));

    // Representations: one per application and list; decided once.
    let representation = RepresentationRecord {
        id: uuid::Uuid::now_v7(),
        application: applications[1].id,
        job: job.id,
        list_version: 1,
        text: "My interview mark was entered wrongly".to_owned(),
        filed_at: now(),
        decision: None,
    };
    store.file_representation(representation.clone()).await.unwrap();
    let again = RepresentationRecord {
        id: uuid::Uuid::now_v7(),
        ..representation.clone()
    };
    assert!(matches!(
        store.file_representation(again).await,
        Err(StoreError::Conflict("representation"))
    ));
    let decision = RepresentationDecision {
        by: approver,
        at: now(),
        upheld: true,
        reason: "Checked the sheet".into(),
    };
    store
        .decide_representation(representation.id, decision.clone(), Vec::new())
        .await
        .unwrap();
    assert!(matches!(
        store
            .decide_representation(representation.id, decision.clone(), Vec::new())
            .await,
        Err(StoreError::Conflict("representation"))
    ));
    assert!(matches!(
        store
            .decide_representation(uuid::Uuid::now_v7(), decision.clone(), Vec::new())
            .await,
        Err(StoreError::NotFound("representation"))
    ));
    let decided = store.representation(representation.id).await.unwrap().unwrap();
    assert_eq!(decided.decision, Some(decision));
    assert_eq!(
        store
            .representations(RepresentationsOf::Job(job.id))
            .await
            .unwrap(),
        vec![decided.clone()]
    );
    assert_eq!(
        store
            .representations(RepresentationsOf::Application(applications[0].id))
            .await
            .unwrap(),
        Vec::new()
    );
}
