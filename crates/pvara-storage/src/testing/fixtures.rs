//! Builders for valid records, so each story step states only what it is about.

use chrono::{Duration, Utc};
use pvara_domain::application::{ApplicationDraft, Candidate, NewApplication};
use pvara_domain::event::{Event, StatusChanged};
use pvara_domain::ids::{ApplicationId, EventId, JobId, UserId};
use pvara_domain::job::{Job, JobDraft};
use pvara_domain::status::Status;
use pvara_domain::user::{Email, FullName, Role};

use crate::model::{NewUser, OutboxMessage};
use crate::{Engines, Store};

/// Events written so far, wherever they are: waiting in the outbox, or on the log already (the
/// embedded SQLite log takes them in the writing transaction itself).
pub async fn events_written(engines: &Engines) -> u64 {
    let outbox = engines.store.counts().await.unwrap().outbox;
    let topics = engines.log.topics().await.unwrap();
    let on_log: u64 = topics
        .iter()
        .flat_map(|t| &t.partitions)
        .map(|p| p.end_offset)
        .sum();
    outbox + on_log
}

pub async fn a_user(store: &dyn Store, email: &str, role: Role) -> UserId {
    let user = NewUser {
        id: UserId::new(),
        email: Email::parse("email", email).unwrap(),
        full_name: FullName::parse("Test User").unwrap(),
        role,
        password_hash: "$argon2id$not-a-real-hash".to_owned(),
        created_at: pvara_domain::time::to_stored_precision(Utc::now()),
        email_verified_at: None,
        verification: None,
        language: pvara_domain::language::Language::En,
    };
    let id = user.id;
    store.create_user(user).await.unwrap();
    id
}

pub fn a_job(created_by: UserId) -> Job {
    let skills = vec!["Rust".to_owned()];
    let draft = JobDraft {
        title: "Engineer",
        description: "Rust services",
        location: Some("Islamabad"),
        closes_at: None,
        required_skills: &skills,
        preferred_skills: &[],
        min_years_experience: 1.0,
        education: "bachelor",
    };
    Job::parse(
        &draft,
        JobId::new(),
        created_by,
        pvara_domain::time::to_stored_precision(Utc::now()),
    )
    .unwrap()
}

/// A job whose deadline has passed (the API refuses to create one; storage must still list it right).
pub fn a_closed_job(created_by: UserId) -> Job {
    let mut job = a_job(created_by);
    job.closes_at = Some(pvara_domain::time::to_stored_precision(Utc::now()) - Duration::days(1));
    job
}

pub fn an_application(job_id: JobId, applicant_id: UserId, name: &str) -> NewApplication {
    let skills = vec!["rust".to_owned()];
    let candidate = Candidate::parse(&ApplicationDraft {
        full_name: name,
        email: "candidate@example.org",
        phone: Some("+92 300 1234567"),
        skills: &skills,
        years_experience: 2.0,
        education: "bachelor",
        resume_text: "Rust services in production",
        cover_letter: None,
    })
    .unwrap();
    NewApplication {
        id: ApplicationId::new(),
        reference: pvara_domain::reference::Reference::from_bits(uuid::Uuid::new_v4().as_u64_pair().1),
        job_id,
        applicant_id,
        candidate,
        submitted_at: pvara_domain::time::to_stored_precision(Utc::now()),
        consent_version: "test".to_owned(),
    }
}

/// An `application-submitted` outbox message for `application`.
pub fn submitted_message(application: &NewApplication) -> OutboxMessage {
    let event = Event::ApplicationSubmitted(StatusChanged {
        application_id: application.id,
        job_id: application.job_id,
        status: Status::Submitted,
    });
    let envelope = event
        .envelope(
            EventId::new(),
            pvara_domain::time::to_stored_precision(Utc::now()),
            "/pvara/test",
            None,
        )
        .unwrap();
    OutboxMessage {
        topic: event.topic().name().to_owned(),
        key: Some(application.id.to_string()),
        headers: envelope.headers(),
        value: envelope.data,
    }
}

/// A raw message for log-only checks.
pub fn a_message(topic: &str, key: &str, value: &str) -> OutboxMessage {
    OutboxMessage {
        topic: topic.to_owned(),
        key: Some(key.to_owned()),
        value: value.as_bytes().to_vec(),
        headers: vec![("h".to_owned(), value.to_owned())],
    }
}
