//! Importing another system's accounts, jobs and applications (`pvara import mongodb`): the
//! same checks as registration, posting and applying, with what an import must keep instead of
//! what the API would make.
//!
//! - An account keeps its password hash (bcrypt, as the Node.js system kept them; replaced by
//!   argon2id at the first sign-in, [`crate::auth::is_imported_hash`]) and is taken as verified:
//!   the old system wrote to that address. No mail is sent.
//! - A job keeps its creation time and deadline: its rules are checked as of its creation, so a
//!   deadline long past is a deadline, not a mistake. A job the old system had closed is closed.
//! - An application keeps its time and the old system's status. Its old score is history (an
//!   entry marked imported), never pvara's score; an application still waiting for its score is
//!   scored by pvara's workers. No mail is sent: the candidates applied long ago.
//!
//! Each function checks everything at once and answers sentences an operator reads, not codes.
//! `check_*` builds the record and stores nothing (a dry run); `import_*` stores it with its
//! old id mapped, so that a second run skips it.

use chrono::{DateTime, Utc};
use pvara_domain::ValidationError;
use pvara_domain::application::{ApplicationDraft, Candidate, NewApplication};
use pvara_domain::event::Event;
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::job::{Job, JobDraft};
use pvara_domain::status::Status;
use pvara_domain::user::{Email, FullName, Role};
use pvara_storage::error::REFERENCE_TAKEN;
use pvara_storage::imports::{ImportKind, ImportedApplication};
use pvara_storage::model::{NewUser, Submission};
use pvara_storage::outbox::to_messages;
use pvara_storage::{Store, StoreError};

use super::{Actor, Error};

/// The `source` attribute of the events an import writes.
pub const SOURCE_IMPORT: &str = "/pvara/import";

/// An account as the old system kept it.
#[derive(Debug, Clone)]
pub struct OldUser {
    pub old_id: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

/// A job as the old system kept it; `owner` is the pvara account that posts it.
#[derive(Debug, Clone)]
pub struct OldJob {
    pub old_id: String,
    pub title: String,
    pub description: String,
    pub location: Option<String>,
    pub deadline: Option<DateTime<Utc>>,
    pub required_skills: Vec<String>,
    pub min_years_experience: f64,
    pub education: String,
    /// The old system no longer took applications for it.
    pub closed: bool,
    pub created_at: DateTime<Utc>,
    pub owner: UserId,
}

/// An application as the old system kept it, its job and applicant already resolved to pvara's.
#[derive(Debug, Clone)]
pub struct OldApplication {
    pub old_id: String,
    pub job: JobId,
    pub applicant: UserId,
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub skills: Vec<String>,
    pub years_experience: f64,
    pub education: String,
    pub resume_text: String,
    pub cover_letter: Option<String>,
    /// pvara's status for the old status word.
    pub status: Status,
    /// The old status word, as the old system wrote it.
    pub old_status: String,
    /// The old system's score (its own scale), kept as history.
    pub old_score: Option<f64>,
    pub created_at: DateTime<Utc>,
}

fn sentences(problems: Vec<ValidationError>) -> Vec<String> {
    problems
        .into_iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect()
}

/// Only the operator or an administrator imports.
pub fn authorise(actor: Actor) -> Result<(), Error> {
    actor.require_admin().map_err(Error::from)
}

/// The account the old record becomes, or every problem with it.
pub fn check_user(old: &OldUser) -> Result<NewUser, Vec<String>> {
    let mut problems = Vec::new();
    let email = Email::parse("email", &old.email)
        .map_err(|e| problems.push(e))
        .ok();
    let full_name = FullName::parse(&old.full_name).map_err(|e| problems.push(e)).ok();
    let mut problems = sentences(problems);
    let hash = old.password_hash.trim();
    if !crate::auth::is_imported_hash(hash) && !hash.starts_with("$argon2id$") {
        problems.push(
            "password: is not a bcrypt hash ($2a$, $2b$ or $2y$); the person would have to reset it"
                .to_owned(),
        );
    }
    match (email, full_name) {
        (Some(email), Some(full_name)) if problems.is_empty() => Ok(NewUser {
            id: UserId::new(),
            email,
            full_name,
            role: old.role,
            password_hash: hash.to_owned(),
            created_at: old.created_at,
            email_verified_at: Some(old.created_at),
            verification: None,
            language: pvara_domain::language::Language::En,
        }),
        _ => Err(problems),
    }
}

/// Stores an account built by [`check_user`], mapped to its old id.
pub async fn import_user(store: &dyn Store, source: &str, old_id: &str, user: NewUser) -> Result<(), String> {
    let email = user.email.as_str().to_owned();
    match store.import_user(source, old_id, user).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict(_)) => Err(format!("pvara already has an account for {email}")),
        Err(other) => Err(store_failure(&other)),
    }
}

/// The job the old record becomes, or every problem with it.
pub fn check_job(old: &OldJob, now: DateTime<Utc>) -> Result<Job, Vec<String>> {
    let draft = JobDraft {
        title: &old.title,
        description: &old.description,
        location: old.location.as_deref(),
        closes_at: old.deadline,
        required_skills: &old.required_skills,
        preferred_skills: &[],
        min_years_experience: old.min_years_experience,
        education: &old.education,
    };
    // Checked as of its creation: a deadline after the job was posted was a valid one.
    let mut job = Job::parse_all(&draft, JobId::new(), old.owner, old.created_at).map_err(sentences)?;
    if old.closed && job.closes_at.is_none_or(|at| at > now) {
        job.closes_at = Some(now);
    }
    Ok(job)
}

/// Stores a job built by [`check_job`], mapped to its old id.
pub async fn import_job(store: &dyn Store, source: &str, old_id: &str, job: Job) -> Result<(), String> {
    store
        .import_job(source, old_id, job)
        .await
        .map_err(|e| store_failure(&e))
}

/// The application the old record becomes, or every problem with it.
pub fn check_application(
    old: &OldApplication,
    now: DateTime<Utc>,
) -> Result<ImportedApplication, Vec<String>> {
    let candidate = Candidate::parse_all(&ApplicationDraft {
        full_name: &old.full_name,
        email: &old.email,
        phone: old.phone.as_deref(),
        skills: &old.skills,
        years_experience: old.years_experience,
        education: &old.education,
        resume_text: &old.resume_text,
        cover_letter: old.cover_letter.as_deref(),
    })
    .map_err(sentences)?;
    let application = NewApplication {
        id: ApplicationId::new(),
        reference: super::references::fresh(),
        job_id: old.job,
        applicant_id: old.applicant,
        candidate,
        submitted_at: old.created_at,
        consent_version: "imported".to_owned(),
    };
    // The scorer's cue for one still waiting; the acknowledgement mail went long ago.
    let events: Vec<Event> = application
        .events()
        .into_iter()
        .filter(|e| old.status == Status::Submitted && matches!(e, Event::ApplicationSubmitted(_)))
        .collect();
    let messages = to_messages(&events, SOURCE_IMPORT, None, now).map_err(|e| vec![e.to_string()])?;
    let score = old
        .old_score
        .map(|s| format!(", with the old system's score of {s}"))
        .unwrap_or_default();
    let waiting = if old.status == Status::Submitted {
        "; pvara scores it"
    } else {
        ""
    };
    Ok(ImportedApplication {
        old_id: old.old_id.clone(),
        submission: Submission {
            application,
            cv: None,
            messages,
            equality: Default::default(),
            declaration: None,
        },
        status: old.status,
        note: format!(
            "Imported from the old system, where it was \"{}\"{score}{waiting}.",
            old.old_status
        ),
        details: serde_json::json!({
            "imported": true,
            "oldStatus": old.old_status,
            "oldScore": old.old_score,
        }),
    })
}

/// Stores applications built by [`check_application`]; each one's outcome as a sentence. A
/// reference already taken (rare) is drawn again.
#[tracing::instrument(skip_all, fields(applications = applications.len()))]
pub async fn import_applications(
    store: &dyn Store,
    source: &str,
    mut applications: Vec<ImportedApplication>,
) -> Result<Vec<Result<(), String>>, Error> {
    let mut outcomes: Vec<Option<Result<(), String>>> = vec![None; applications.len()];
    let mut pending: Vec<usize> = (0..applications.len()).collect();
    for _ in 0..super::references::DRAWS {
        let batch: Vec<ImportedApplication> = pending.iter().map(|&i| applications[i].clone()).collect();
        let answers = store.import_applications(source, batch).await?;
        let mut again = Vec::new();
        for (&i, answer) in pending.iter().zip(answers) {
            match answer {
                Err(StoreError::Conflict(REFERENCE_TAKEN)) => {
                    applications[i].submission.application.reference = super::references::fresh();
                    again.push(i);
                }
                other => outcomes[i] = Some(other.map_err(|e| application_refused(&e))),
            }
        }
        pending = again;
        if pending.is_empty() {
            break;
        }
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err("no free reference was found for it".to_owned())))
        .collect())
}

fn application_refused(error: &StoreError) -> String {
    match error {
        StoreError::Conflict(_) => {
            "the same person already has an application to this job in pvara".to_owned()
        }
        StoreError::NotFound(_) => "its job is not in pvara".to_owned(),
        StoreError::Closed(_) => "it was made after the job's deadline".to_owned(),
        other => store_failure(other),
    }
}

fn store_failure(error: &StoreError) -> String {
    format!("pvara could not store it: {error}")
}

/// The old ids of `kind` already imported from `source`, with the pvara ids they became.
pub async fn imported(
    store: &dyn Store,
    source: &str,
    kind: ImportKind,
) -> Result<std::collections::HashMap<String, uuid::Uuid>, Error> {
    Ok(store.imported(source, kind).await?)
}
