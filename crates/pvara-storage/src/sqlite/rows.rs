//! Conversions between SQLite values and domain types. Stored text that fails to parse is
//! reported as [`StoreError::Corrupt`], never unwrapped.

use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use pvara_domain::application::Candidate;
use pvara_domain::job::Job;
use pvara_domain::language::Language;
use pvara_domain::scoring::education::Education;
use pvara_domain::status::Status;
use pvara_domain::user::{Email, FullName, Role};
use rusqlite::{ErrorCode, Row};

use crate::model::{HistoryEntry, ScoreRecord, UserRecord};

use crate::error::StoreError;

/// Fixed-width RFC 3339 in UTC, so text order is time order.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {text:?}: {e}")))
}

pub(crate) fn parse_id<T: FromStr>(text: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("id {text:?}")))
}

pub(crate) fn parse_status(text: &str) -> Result<Status, StoreError> {
    Status::parse(text).ok_or_else(|| StoreError::Corrupt(format!("status {text:?}")))
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

pub(crate) enum Constraint {
    Unique,
    ForeignKey,
}

/// Which constraint, if any, refused a write.
pub(crate) fn constraint(error: &rusqlite::Error) -> Option<Constraint> {
    let rusqlite::Error::SqliteFailure(failure, _) = error else {
        return None;
    };
    if failure.code != ErrorCode::ConstraintViolation {
        return None;
    }
    match failure.extended_code {
        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            Some(Constraint::Unique)
        }
        rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(Constraint::ForeignKey),
        _ => None,
    }
}

/// Maps a constraint violation to the store's conflict or not-found errors.
pub(crate) fn on_constraint(
    error: rusqlite::Error,
    conflict: &'static str,
    missing: &'static str,
) -> StoreError {
    match constraint(&error) {
        // SQLite names the column in the message: "UNIQUE constraint failed: applications.reference".
        Some(Constraint::Unique) if error.to_string().contains("applications.reference") => {
            StoreError::Conflict(crate::error::REFERENCE_TAKEN)
        }
        Some(Constraint::Unique) => StoreError::Conflict(conflict),
        Some(Constraint::ForeignKey) => StoreError::NotFound(missing),
        None => error.into(),
    }
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.email, u.full_name, u.role, u.password_hash, u.created_at, u.deactivated_at, u.email_verified_at,
     u.credentials_changed_at, u.language";

/// How many columns [`USER_COLUMNS`] selects: a query reads its own columns after them.
pub(crate) const USER_COLUMN_COUNT: usize = 10;

pub(crate) fn user_from_row(row: &Row<'_>, at: usize) -> Result<UserRecord, StoreError> {
    let text = |i: usize| row.get::<_, String>(at + i);
    Ok(UserRecord {
        id: parse_id(&text(0)?)?,
        email: text(1)?,
        full_name: text(2)?,
        role: Role::parse(&text(3)?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        password_hash: text(4)?,
        created_at: parse_ts(&text(5)?)?,
        active: row.get::<_, Option<String>>(at + 6)?.is_none(),
        email_verified: row.get::<_, Option<String>>(at + 7)?.is_some(),
        credentials_changed_at: row
            .get::<_, Option<String>>(at + 8)?
            .as_deref()
            .map(parse_ts)
            .transpose()?,
        language: Language::parse(&text(9)?).unwrap_or_default(),
    })
}

pub(crate) const JOB_COLUMNS: &str = "j.id, j.title, j.description, j.location, j.closes_at, j.requirements, j.created_by, j.created_at, j.vacancies, j.hiring_manager_id";

pub(crate) fn job_from_row(row: &Row<'_>, at: usize) -> Result<Job, StoreError> {
    let text = |i: usize| row.get::<_, String>(at + i);
    Ok(Job {
        id: parse_id(&text(0)?)?,
        title: text(1)?,
        description: text(2)?,
        location: row.get(at + 3)?,
        closes_at: row
            .get::<_, Option<String>>(at + 4)?
            .as_deref()
            .map(parse_ts)
            .transpose()?,
        requirements: parse_json(&text(5)?)?,
        created_by: parse_id(&text(6)?)?,
        created_at: parse_ts(&text(7)?)?,
        vacancies: row.get(at + 8)?,
        hiring_manager: row
            .get::<_, Option<String>>(at + 9)?
            .as_deref()
            .map(parse_id)
            .transpose()?,
    })
}

pub(crate) const CANDIDATE_COLUMNS: &str =
    "a.full_name, a.email, a.phone, a.skills, a.years_experience, a.education, t.resume_text, t.cover_letter";

/// What a query reading [`CANDIDATE_COLUMNS`] joins: the CV's text lives in a table of its own,
/// written once, apart from the row the pipeline updates.
pub(crate) const TEXTS_JOIN: &str = "JOIN application_texts t ON t.application_id = a.id";

pub(crate) fn candidate_from_row(row: &Row<'_>, at: usize) -> Result<Candidate, StoreError> {
    let text = |i: usize| row.get::<_, String>(at + i);
    let corrupt = |e: pvara_domain::ValidationError| StoreError::Corrupt(e.to_string());
    Ok(Candidate {
        full_name: FullName::parse(&text(0)?).map_err(corrupt)?,
        email: Email::parse("email", &text(1)?).map_err(corrupt)?,
        phone: row.get(at + 2)?,
        skills: parse_json(&text(3)?)?,
        years_experience: row.get(at + 4)?,
        education: Education::parse("education", &text(5)?).map_err(corrupt)?,
        resume_text: text(6)?,
        cover_letter: row.get(at + 7)?,
    })
}

pub(crate) fn history_from_row(row: &Row<'_>) -> Result<HistoryEntry, StoreError> {
    Ok(HistoryEntry {
        from: row
            .get::<_, Option<String>>(0)?
            .as_deref()
            .map(parse_status)
            .transpose()?,
        to: parse_status(&row.get::<_, String>(1)?)?,
        actor: row.get(2)?,
        reason: row.get(3)?,
        details: row
            .get::<_, Option<String>>(4)?
            .as_deref()
            .map(parse_json)
            .transpose()?,
        at: parse_ts(&row.get::<_, String>(5)?)?,
    })
}

pub(crate) fn score_from_row(row: &Row<'_>, at: usize) -> Result<Option<ScoreRecord>, StoreError> {
    let Some(total) = row.get::<_, Option<i64>>(at)? else {
        return Ok(None);
    };
    Ok(Some(ScoreRecord {
        total: u8::try_from(total).map_err(|_| StoreError::Corrupt(format!("score {total}")))?,
        breakdown: parse_json(&row.get::<_, String>(at + 1)?)?,
        scorer_version: row.get(at + 2)?,
    }))
}
