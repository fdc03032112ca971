//! An import, the same on every engine: each record lands with its map row, an application
//! keeps the old system's status (counted) beside an entry marked imported, one bad record in a
//! batch fails alone, and the map answers what a second run may skip.

use chrono::{Duration, Utc};
use pvara_domain::ids::UserId;
use pvara_domain::status::Status;
use pvara_domain::user::{Email, FullName, Role};
use serde_json::json;

use super::fixtures::*;
use crate::Engines;
use crate::error::StoreError;
use crate::imports::{IMPORT_ACTOR, ImportKind, ImportedApplication};
use crate::model::{NewUser, Submission};

fn old_user(email: &str) -> NewUser {
    NewUser {
        id: UserId::new(),
        email: Email::parse("email", email).unwrap(),
        full_name: FullName::parse("Imported Person").unwrap(),
        role: Role::Applicant,
        password_hash: "$2b$10$abcdefghijklmnopqrstuuJ3Zr5iSS1X0m0ZJ5wQWfNHrQ4CFgS8K".to_owned(),
        created_at: pvara_domain::time::to_stored_precision(Utc::now() - Duration::days(400)),
        email_verified_at: Some(pvara_domain::time::to_stored_precision(Utc::now())),
        verification: None,
        language: pvara_domain::language::Language::En,
    }
}

fn imported(
    old_id: &str,
    application: pvara_domain::application::NewApplication,
    status: Status,
) -> ImportedApplication {
    ImportedApplication {
        old_id: old_id.to_owned(),
        submission: Submission {
            application,
            cv: None,
            messages: Vec::new(),
            equality: Default::default(),
            declaration: None,
        },
        status,
        note: format!("Imported: {} in the old system", status.as_str()),
        details: json!({ "oldStatus": status.as_str(), "oldScore": 71 }),
    }
}

pub async fn import_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let source = "mongodb://test/old";
    let owner = a_user(store, "import-owner@example.org", Role::Admin).await;

    let person = old_user("old-person@example.org");
    store.import_user(source, "u1", person.clone()).await.unwrap();
    assert!(matches!(
        store
            .import_user(source, "u1-again", old_user("old-person@example.org"))
            .await,
        Err(StoreError::Conflict("user"))
    ));
    let users = store.imported(source, ImportKind::User).await.unwrap();
    assert_eq!(users.len(), 1, "a refused account leaves no map row");
    assert_eq!(users["u1"], person.id.0);
    let stored = store
        .user_by_email("old-person@example.org")
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.password_hash.starts_with("$2b$"),
        "the hash is kept as it was"
    );

    let mut job = a_job(owner);
    job.created_at = pvara_domain::time::to_stored_precision(Utc::now() - Duration::days(300));
    job.closes_at = Some(job.created_at + Duration::days(30));
    store.import_job(source, "j1", job.clone()).await.unwrap();
    assert_eq!(
        store.imported(source, ImportKind::Job).await.unwrap()["j1"],
        job.id.0
    );

    let before = store.counts().await.unwrap();
    let mut waiting = an_application(job.id, person.id, "Imported Person");
    waiting.submitted_at = job.created_at + Duration::days(1);
    let other = a_user(store, "import-other@example.org", Role::Applicant).await;
    let mut reviewed = an_application(job.id, other, "Other Person");
    reviewed.submitted_at = job.created_at + Duration::days(2);
    let mut twice = an_application(job.id, person.id, "Imported Person");
    twice.submitted_at = job.created_at + Duration::days(3);
    let mut late = an_application(job.id, owner, "Too Late");
    late.submitted_at = job.created_at + Duration::days(40);
    let outcomes = store
        .import_applications(
            source,
            vec![
                imported("a1", waiting.clone(), Status::Submitted),
                imported("a2", reviewed.clone(), Status::UnderReview),
                imported("a3", twice, Status::Submitted),
                imported("a4", late, Status::Submitted),
            ],
        )
        .await
        .unwrap();
    assert!(outcomes[0].is_ok() && outcomes[1].is_ok(), "{outcomes:?}");
    assert!(
        matches!(outcomes[2], Err(StoreError::Conflict(_))),
        "{outcomes:?}"
    );
    assert!(
        matches!(outcomes[3], Err(StoreError::Closed("job"))),
        "{outcomes:?}"
    );
    let map = store.imported(source, ImportKind::Application).await.unwrap();
    assert_eq!(map.len(), 2);
    assert_eq!(map["a2"], reviewed.id.0);
    assert_eq!(
        store.counts().await.unwrap().applications,
        before.applications + 2
    );

    let record = store.application(reviewed.id).await.unwrap().unwrap();
    assert_eq!(record.status, Status::UnderReview);
    assert_eq!(
        record.submitted_at, reviewed.submitted_at,
        "the old system's time is kept"
    );
    assert_eq!(record.score, None, "the old score is not presented as pvara's");
    let last = record.history.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.to),
        (IMPORT_ACTOR, Status::UnderReview)
    );
    assert!(last.reason.starts_with("Imported"), "{}", last.reason);
    let counts = store.status_counts(&[job.id]).await.unwrap();
    let count = |status| counts.iter().find(|c| c.status == status).map_or(0, |c| c.count);
    assert_eq!((count(Status::Submitted), count(Status::UnderReview)), (1, 1));
    assert!(
        store
            .imported("another source", ImportKind::Application)
            .await
            .unwrap()
            .is_empty()
    );
}
