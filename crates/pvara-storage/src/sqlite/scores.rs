//! Score versions after the first on SQLite: the conditional rescore and the score history.

use rusqlite::{Connection, params};

use super::rows::{parse_ts, to_json, ts};
use super::writes::emit;
use crate::error::StoreError;
use crate::model::{Rescore, ScoreChange};

/// Applies `r` if the stored score is still by `r.replaces`; returns whether it did.
pub(super) fn apply_rescore(conn: &Connection, r: &Rescore, in_place: bool) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE applications SET ai_score = ?1, score_breakdown = ?2, scorer_version = ?3
             WHERE id = ?4 AND scorer_version = ?5",
        )?
        .execute(params![
            i64::from(r.score.total),
            to_json(&r.score.breakdown)?,
            r.score.scorer_version,
            r.application_id.to_string(),
            r.replaces
        ])?;
    if changed == 0 {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO score_changes (application_id, previous_score, score, scorer_version, actor, reason, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        r.application_id.to_string(),
        i64::from(r.previous_total),
        i64::from(r.score.total),
        r.score.scorer_version,
        r.actor,
        r.reason,
        ts(r.at)
    ])?;
    emit(conn, &r.messages, &ts(r.at), in_place)?;
    Ok(true)
}

/// An application's score changes, oldest first.
pub(super) fn score_changes(conn: &Connection, application: &str) -> Result<Vec<ScoreChange>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT previous_score, score, scorer_version, actor, reason, at FROM score_changes
         WHERE application_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([application])?;
    let mut changes = Vec::new();
    let score = |value: i64| u8::try_from(value).map_err(|_| StoreError::Corrupt(format!("score {value}")));
    while let Some(row) = rows.next()? {
        changes.push(ScoreChange {
            previous: score(row.get(0)?)?,
            total: score(row.get(1)?)?,
            scorer_version: row.get(2)?,
            actor: row.get(3)?,
            reason: row.get(4)?,
            at: parse_ts(&row.get::<_, String>(5)?)?,
        });
    }
    Ok(changes)
}
