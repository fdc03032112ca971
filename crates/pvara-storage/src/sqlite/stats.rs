//! Read-only figures for operators: row counts and the outbox backlog.

use rusqlite::{Connection, OptionalExtension};

use super::rows::parse_ts;
use crate::error::StoreError;
use crate::model::{Counts, OutboxBacklog};

pub(super) fn counts(conn: &Connection) -> Result<Counts, StoreError> {
    let count = |table: &str| -> Result<u64, StoreError> {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(n as u64)
    };
    Ok(Counts {
        users: count("users")?,
        jobs: count("jobs")?,
        applications: count("applications")?,
        history: count("application_history")?,
        outbox: count("outbox")?,
        deliveries: count("mail_deliveries")?,
    })
}

/// The outbox is drained continuously, so it stays small and this stays cheap; the oldest row is
/// the one with the lowest id (ids follow commit order).
pub(super) fn outbox_backlog(conn: &Connection) -> Result<OutboxBacklog, StoreError> {
    let rows: i64 = conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
    let oldest: Option<String> = conn
        .query_row("SELECT created_at FROM outbox ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(OutboxBacklog {
        rows: rows as u64,
        oldest: oldest.as_deref().map(parse_ts).transpose()?,
    })
}
