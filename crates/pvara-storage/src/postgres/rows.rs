//! PostgreSQL rows to domain types. Stored values that fail to parse are [`StoreError::Corrupt`].

use pvara_domain::application::Candidate;
use pvara_domain::job::Job;
use pvara_domain::language::Language;
use pvara_domain::scoring::education::Education;
use pvara_domain::status::Status;
use pvara_domain::user::{Email, FullName, Role};
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::{HistoryEntry, ScoreRecord, UserRecord};

pub(crate) const JOB_COLUMNS: &str = "j.id AS job_id_, j.title, j.description, j.location, j.closes_at, j.requirements, j.created_by, j.created_at, j.vacancies, j.hiring_manager_id";
pub(crate) const USER_COLUMNS: &str = "u.id AS user_id_, u.email, u.full_name, u.role, u.password_hash, u.created_at AS user_created_at, u.deactivated_at, u.email_verified_at, u.credentials_changed_at, u.language";

pub(crate) fn user(row: &PgRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: pvara_domain::ids::UserId(row.try_get::<Uuid, _>("user_id_")?),
        email: row.try_get("email")?,
        full_name: row.try_get("full_name")?,
        role: Role::parse(row.try_get("role")?).map_err(corrupt)?,
        password_hash: row.try_get("password_hash")?,
        created_at: row.try_get("user_created_at")?,
        active: row
            .try_get::<Option<chrono::DateTime<chrono::Utc>>, _>("deactivated_at")?
            .is_none(),
        email_verified: row
            .try_get::<Option<chrono::DateTime<chrono::Utc>>, _>("email_verified_at")?
            .is_some(),
        credentials_changed_at: row.try_get("credentials_changed_at")?,
        language: Language::parse(row.try_get("language")?).unwrap_or_default(),
    })
}

pub(crate) const CANDIDATE_COLUMNS: &str =
    "a.full_name, a.email, a.phone, a.skills, a.years_experience, a.education, t.resume_text, t.cover_letter";

/// What a query reading [`CANDIDATE_COLUMNS`] joins: the CV's text lives in a table of its own,
/// written once, apart from the row the pipeline updates.
pub(crate) const TEXTS_JOIN: &str = "JOIN application_texts t ON t.application_id = a.id";
pub(crate) const HISTORY_COLUMNS: &str = "from_status, to_status, actor, reason, details, at";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub(crate) fn status(text: &str) -> Result<Status, StoreError> {
    Status::parse(text).ok_or_else(|| corrupt(format!("status {text:?}")))
}

pub(crate) fn job(row: &PgRow) -> Result<Job, StoreError> {
    Ok(Job {
        id: pvara_domain::ids::JobId(row.try_get::<Uuid, _>("job_id_")?),
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        location: row.try_get("location")?,
        closes_at: row.try_get("closes_at")?,
        requirements: row.try_get::<Json<_>, _>("requirements")?.0,
        created_by: pvara_domain::ids::UserId(row.try_get::<Uuid, _>("created_by")?),
        created_at: row.try_get("created_at")?,
        vacancies: u32::try_from(row.try_get::<i32, _>("vacancies")?).map_err(corrupt)?,
        hiring_manager: row
            .try_get::<Option<Uuid>, _>("hiring_manager_id")?
            .map(pvara_domain::ids::UserId),
    })
}

pub(crate) fn candidate(row: &PgRow) -> Result<Candidate, StoreError> {
    Ok(Candidate {
        full_name: FullName::parse(row.try_get("full_name")?).map_err(corrupt)?,
        email: Email::parse("email", row.try_get("email")?).map_err(corrupt)?,
        phone: row.try_get("phone")?,
        skills: row.try_get::<Json<Vec<String>>, _>("skills")?.0,
        years_experience: row.try_get("years_experience")?,
        education: Education::parse("education", row.try_get("education")?).map_err(corrupt)?,
        resume_text: row.try_get("resume_text")?,
        cover_letter: row.try_get("cover_letter")?,
    })
}

pub(crate) fn history(row: &PgRow) -> Result<HistoryEntry, StoreError> {
    Ok(HistoryEntry {
        from: row
            .try_get::<Option<&str>, _>("from_status")?
            .map(status)
            .transpose()?,
        to: status(row.try_get("to_status")?)?,
        actor: row.try_get("actor")?,
        reason: row.try_get("reason")?,
        details: row
            .try_get::<Option<Json<serde_json::Value>>, _>("details")?
            .map(|j| j.0),
        at: row.try_get("at")?,
    })
}

pub(crate) fn score(row: &PgRow) -> Result<Option<ScoreRecord>, StoreError> {
    let Some(total) = row.try_get::<Option<i16>, _>("ai_score")? else {
        return Ok(None);
    };
    Ok(Some(ScoreRecord {
        total: u8::try_from(total).map_err(|_| corrupt(format!("score {total}")))?,
        breakdown: row
            .try_get::<Option<Json<serde_json::Value>>, _>("score_breakdown")?
            .map(|j| j.0)
            .unwrap_or_default(),
        scorer_version: row
            .try_get::<Option<String>, _>("scorer_version")?
            .unwrap_or_default(),
    }))
}

pub(crate) fn ai_score(row: &PgRow) -> Result<Option<u8>, StoreError> {
    Ok(row
        .try_get::<Option<i16>, _>("ai_score")?
        .map(|s| s.clamp(0, 100) as u8))
}
