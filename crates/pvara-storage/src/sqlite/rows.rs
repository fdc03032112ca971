//! Conversions between SQLite values and domain types. Stored text that fails to parse is
//! reported as [`StoreError::Corrupt`], never unwrapped.

use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use pvara_domain::status::Status;
use rusqlite::ErrorCode;

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
        Some(Constraint::Unique) => StoreError::Conflict(conflict),
        Some(Constraint::ForeignKey) => StoreError::NotFound(missing),
        None => error.into(),
    }
}
