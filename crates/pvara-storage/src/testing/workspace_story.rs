//! The staff workspace's reads and writes, sessions, notes, the audit trail, retention and the
//! outbox's own bookkeeping: every trait method the other stories do not reach, the same for
//! every engine (`tests/coverage.rs` checks that each method of the traits is called by some
//! story).

use pvara_domain::language::Language;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{Duration, Utc};
use pvara_domain::status::Status;
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::error::{LogError, StoreError};
use crate::log::Publisher;
use crate::model::{AuditEntry, AuditQuery, CvFile, NewNote, NewSession, OutboxMessage, Submission};

fn now() -> chrono::DateTime<Utc> {
    crate::clock::now()
}

/// A publisher that keeps what it is given.
#[derive(Default)]
struct Kept(Mutex<Vec<OutboxMessage>>);

#[async_trait]
impl Publisher for Kept {
    async fn publish(&self, messages: &[OutboxMessage]) -> Result<(), LogError> {
        self.0
            .lock()
            .map_err(|_| LogError::Unavailable("poisoned".into()))?
            .extend_from_slice(messages);
        Ok(())
    }
}

pub async fn workspace_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let recruiter = a_user(store, "r@example.org", Role::Recruiter).await;
    let admin = a_user(store, "a@example.org", Role::Admin).await;
    let applicant = a_user(store, "p@example.org", Role::Applicant).await;
    let staff: Vec<_> = store
        .staff_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert!(staff.contains(&recruiter) && staff.contains(&admin) && !staff.contains(&applicant));

    // Sessions: stored, found while live, gone once deleted.
    let session = NewSession {
        id_hash: "hash-of-a-token".to_owned(),
        user_id: applicant,
        csrf: "csrf".to_owned(),
        created_at: now(),
        expires_at: now() + Duration::hours(1),
    };
    store.create_session(session).await.unwrap();
    assert!(store.session("hash-of-a-token", now()).await.unwrap().is_some());
    store.delete_session("hash-of-a-token").await.unwrap();
    assert!(store.session("hash-of-a-token", now()).await.unwrap().is_none());

    // Account settings: a new name; a new password ends every session and dates the credentials.
    store.rename_user(applicant, "Pat Renamed").await.unwrap();
    // The language of their pages and mail, kept on the account.
    store.set_language(applicant, Language::Ur).await.unwrap();
    let renamed = store.user(applicant).await.unwrap().unwrap();
    assert_eq!(renamed.language, Language::Ur);
    let session = |hash: &str| NewSession {
        id_hash: hash.to_owned(),
        user_id: applicant,
        csrf: "csrf".to_owned(),
        created_at: now(),
        expires_at: now() + Duration::hours(1),
    };
    store.create_session(session("before-the-change")).await.unwrap();
    let changed_at = now();
    store
        .change_password(applicant, "$argon2id$new", changed_at)
        .await
        .unwrap();
    let person = store.user(applicant).await.unwrap().unwrap();
    assert_eq!(
        (person.full_name.as_str(), person.password_hash.as_str()),
        ("Pat Renamed", "$argon2id$new")
    );
    assert_eq!(person.credentials_changed_at, Some(changed_at));
    assert!(store.session("before-the-change", now()).await.unwrap().is_none());
    let nobody = pvara_domain::ids::UserId::new();
    assert!(matches!(
        store.set_language(nobody, Language::En).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.rename_user(nobody, "X").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.change_password(nobody, "$argon2id$x", now()).await,
        Err(StoreError::NotFound(_))
    ));

    // A job, an application with its CV file, the counts, the applicant's own list.
    let job = a_job(recruiter);
    store.create_job(job.clone()).await.unwrap();
    assert!(store.all_jobs(10).await.unwrap().iter().any(|j| j.id == job.id));
    let application = an_application(job.id, applicant, "Pat Applicant");
    let file = CvFile {
        file_name: "cv.txt".to_owned(),
        content_type: "text/plain; charset=utf-8".to_owned(),
        content: b"Seven years of Rust".to_vec(),
    };
    store
        .submit(Submission {
            application: application.clone(),
            cv: Some(file.clone()),
            messages: vec![submitted_message(&application)],
            equality: Default::default(),
            declaration: None,
        })
        .await
        .unwrap();
    assert_eq!(store.cv_file(application.id).await.unwrap(), Some(file));
    let counts = store.status_counts(&[job.id]).await.unwrap();
    assert_eq!(
        counts.iter().map(|c| (c.status, c.count)).collect::<Vec<_>>(),
        vec![(Status::Submitted, 1)]
    );
    let own = store.applications_of(applicant).await.unwrap();
    assert_eq!(own.iter().map(|a| a.id).collect::<Vec<_>>(), vec![application.id]);

    // Notes, by their author's name.
    let note = NewNote {
        application_id: application.id,
        author: recruiter,
        body: "Strong references.".to_owned(),
        at: now(),
    };
    store.add_note(note).await.unwrap();
    let notes = store.notes(application.id).await.unwrap();
    assert_eq!(
        notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(),
        vec!["Strong references."]
    );

    // The audit trail, filtered.
    let entry = |action: &str| AuditEntry {
        at: now(),
        actor: recruiter.to_string(),
        action: action.to_owned(),
        subject: format!("application:{}", application.id),
    };
    store.record_audit(entry("application.read")).await.unwrap();
    store.record_audit(entry("application.note")).await.unwrap();
    let query = AuditQuery {
        subject: Some(format!("application:{}", application.id)),
        limit: 10,
        ..Default::default()
    };
    let actions: Vec<String> = store
        .audit_entries(&query)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, vec!["application.read", "application.note"]);

    // The outbox's bookkeeping, and the relay handing its rows to a publisher.
    let _ = store.outbox_backlog().await.unwrap();
    let _ = store.write_stats().await.unwrap();
    let kept = Kept::default();
    let relayed = store.relay_outbox(100, &kept).await.unwrap();
    assert_eq!(relayed, kept.0.lock().unwrap().len());
    assert_eq!(
        store.outbox_backlog().await.unwrap().rows,
        0,
        "relayed rows leave the outbox"
    );

    // Editing the job: its wording and vacancies change, a later closing date reopens it.
    let edit = pvara_domain::job::JobEdit {
        title: "Senior engineer".to_owned(),
        description: job.description.clone(),
        location: Some("Lahore".to_owned()),
        closes_at: Some(now() + Duration::days(30)),
        vacancies: 12,
        hiring_manager: None,
        stages: None,
    };
    store.close_job(job.id, now()).await.unwrap();
    store.edit_job(job.id, edit.clone()).await.unwrap();
    let edited = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(
        (
            edited.title.as_str(),
            edited.location.as_deref(),
            edited.vacancies
        ),
        ("Senior engineer", Some("Lahore"), 12)
    );
    assert!(edited.is_open(now()), "reopened by a later closing date");
    assert_eq!(edited.requirements, job.requirements, "the requirements stay");
    assert!(matches!(
        store.edit_job(pvara_domain::ids::JobId::new(), edit).await,
        Err(StoreError::NotFound(_))
    ));

    // Closing the job, then retention: its applications anonymised once, the file and notes gone.
    store.close_job(job.id, now()).await.unwrap();
    assert!(matches!(
        store.close_job(pvara_domain::ids::JobId::new(), now()).await,
        Err(StoreError::NotFound(_))
    ));
    let later = now() + Duration::minutes(1);
    assert_eq!(store.retire_applications(later, now(), 500).await.unwrap(), 1);
    assert_eq!(
        store.retire_applications(later, now(), 500).await.unwrap(),
        0,
        "once"
    );
    assert_eq!(store.cv_file(application.id).await.unwrap(), None);
    assert!(store.notes(application.id).await.unwrap().is_empty());
}
