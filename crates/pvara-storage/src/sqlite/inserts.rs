//! The inserts of a new account, job and application, shared by the API's writes
//! ([`Store`](crate::store::Store)) and an import's ([`Imports`](crate::imports::Imports)), so
//! that an imported record is stored exactly as one made here. They run on the writer thread,
//! inside the caller's transaction.

use pvara_domain::job::Job;
use pvara_domain::status::Status;
use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{on_constraint, parse_ts, to_json, ts};
use super::writes::{count_move, emit, insert_equality, insert_history};
use crate::error::StoreError;
use crate::model::{HistoryRow, NewUser, OutboxMessage, Submission};

pub(super) fn insert_user(conn: &Connection, user: &NewUser, in_place: bool) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO users (id, email, password_hash, full_name, role, created_at, email_verified_at, language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        user.id.to_string(),
        user.email.as_str(),
        user.password_hash,
        user.full_name.as_str(),
        user.role.as_str(),
        ts(user.created_at),
        user.email_verified_at.map(ts),
        user.language.code()
    ])
    .map_err(|e| on_constraint(e, "user", "user"))?;
    if let Some(token) = &user.verification {
        super::tokens::insert_token(conn, token, in_place)?;
    }
    Ok(())
}

pub(super) fn insert_job(conn: &Connection, job: &Job) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO jobs (id, title, description, location, closes_at, requirements, created_by, created_at, vacancies, hiring_manager_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        job.id.to_string(),
        job.title,
        job.description,
        job.location,
        job.closes_at.map(ts),
        to_json(&job.requirements)?,
        job.created_by.to_string(),
        ts(job.created_at),
        job.vacancies,
        job.hiring_manager.map(|id| id.to_string())
    ])
    .map_err(|e| on_constraint(e, "job", "user"))?;
    Ok(())
}

/// Stores the application, its CV's text, its first history entry, its CV file, equality answers
/// and declaration, counts it and writes its messages; returns the messages.
pub(super) fn insert_submission(
    conn: &Connection,
    submission: Submission,
    in_place: bool,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let Submission {
        application: a,
        cv,
        messages,
        equality,
        declaration,
    } = submission;
    let c = &a.candidate;
    let at = ts(a.submitted_at);
    let job_id = a.job_id.to_string();
    let closes_at: Option<Option<String>> = conn
        .prepare_cached("SELECT closes_at FROM jobs WHERE id = ?1")?
        .query_row([&job_id], |row| row.get(0))
        .optional()?;
    let closes_at = closes_at.ok_or(StoreError::NotFound("job"))?;
    let closes_at = closes_at.as_deref().map(parse_ts).transpose()?;
    if !pvara_domain::job::open_at(closes_at, a.submitted_at) {
        return Err(StoreError::Closed("job"));
    }
    conn.prepare_cached(
        "INSERT INTO applications (id, job_id, applicant_id, full_name, email, phone, skills, years_experience,
             education, status, submitted_at, updated_at, consent_version, reference)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13)",
    )?
    .execute(params![
        a.id.to_string(),
        job_id,
        a.applicant_id.to_string(),
        c.full_name.as_str(),
        c.email.as_str(),
        c.phone,
        to_json(&c.skills)?,
        c.years_experience,
        c.education.as_str(),
        Status::Submitted.as_str(),
        at,
        a.consent_version,
        a.reference.as_str()
    ])
    .map_err(|e| on_constraint(e, "application", "job"))?;
    conn.prepare_cached(
        "INSERT INTO application_texts (application_id, resume_text, cover_letter) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![a.id.to_string(), c.resume_text, c.cover_letter])?;
    let actor = a.applicant_id.to_string();
    insert_history(
        conn,
        HistoryRow {
            application_id: a.id,
            from: None,
            to: Status::Submitted,
            actor: &actor,
            reason: "submitted",
            details: None,
            at: a.submitted_at,
        },
    )?;
    count_move(conn, &job_id, a.id, None, Status::Submitted)?;
    if let Some(cv) = cv {
        conn.prepare_cached(
            "INSERT INTO application_files (application_id, file_name, content_type, content) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![a.id.to_string(), cv.file_name, cv.content_type, cv.content])?;
    }
    insert_equality(conn, a.id, &equality)?;
    if let Some(declaration) = &declaration {
        conn.prepare_cached("INSERT INTO application_declarations (application_id, facts) VALUES (?1, ?2)")?
            .execute(params![a.id.to_string(), to_json(declaration)?])?;
    }
    emit(conn, &messages, &at, in_place)?;
    Ok(messages)
}
