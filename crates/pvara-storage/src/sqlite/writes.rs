//! The statements behind the [`Store`](crate::store::Store) writes that other writes share:
//! history rows, events (outbox or log) and conditional transitions. They run on the writer
//! thread, inside the caller's transaction.

use pvara_domain::ids::ApplicationId;
use pvara_domain::status::Status;
use rusqlite::{Connection, params};

use super::log;
use super::rows::{to_json, ts};
use crate::error::StoreError;
use crate::model::{Delivery, HistoryRow, OutboxMessage, ScoreBasis, Transition, count_shard};

pub(super) fn insert_history(conn: &Connection, row: HistoryRow<'_>) -> Result<(), StoreError> {
    let HistoryRow {
        application_id,
        from,
        to,
        actor,
        reason,
        details,
        at,
    } = row;
    let details = details.map(to_json).transpose()?;
    conn.prepare_cached(
        "INSERT INTO application_history (application_id, from_status, to_status, actor, reason, details, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        application_id.to_string(),
        from.map(Status::as_str),
        to.as_str(),
        actor,
        reason,
        details,
        ts(at)
    ])?;
    Ok(())
}

/// A candidate's equality answers, in the submission's transaction.
pub(super) fn insert_equality(
    conn: &Connection,
    application: ApplicationId,
    answers: &pvara_domain::equality::Answers,
) -> Result<(), StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO equality_answers (application_id, dimension, answer) VALUES (?1, ?2, ?3)",
    )?;
    for (dimension, answer) in &answers.0 {
        insert.execute(params![application.to_string(), dimension, answer])?;
    }
    Ok(())
}

fn insert_outbox(conn: &Connection, messages: &[OutboxMessage], now: &str) -> Result<(), StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO outbox (topic, key, value, headers, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for message in messages {
        insert.execute(params![
            message.topic,
            message.key,
            message.value,
            to_json(&message.headers)?,
            now
        ])?;
    }
    Ok(())
}

/// Writes the events a change causes, in its transaction: straight onto the embedded log, or
/// into the outbox for the relay.
pub(super) fn emit(
    conn: &Connection,
    messages: &[OutboxMessage],
    now: &str,
    in_place: bool,
) -> Result<(), StoreError> {
    if in_place {
        log::append_records(conn, messages)
    } else {
        insert_outbox(conn, messages, now)
    }
}

/// The oldest `max` outbox rows, and the id of the last one (None when the outbox is empty).
pub(super) fn oldest_outbox(
    conn: &Connection,
    max: usize,
) -> Result<(Option<i64>, Vec<OutboxMessage>), StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, topic, key, value, headers FROM outbox ORDER BY id LIMIT ?1")?;
    let mut rows = stmt.query([max as i64])?;
    let mut last_id = None;
    let mut messages = Vec::new();
    while let Some(row) = rows.next()? {
        last_id = Some(row.get::<_, i64>(0)?);
        messages.push(OutboxMessage {
            topic: row.get(1)?,
            key: row.get(2)?,
            value: row.get(3)?,
            headers: super::rows::parse_json(&row.get::<_, String>(4)?)?,
        });
    }
    Ok((last_id, messages))
}

/// Moves one application from `from` to `to` in its job's counts (`from` None: a new one).
///
/// An UPDATE of an existing row first, and an INSERT only for a (job, status, shard) seen for
/// the first time: an UPSERT may abort midway, so SQLite gives it a statement journal, and
/// every submission journalling the same hot counts page cost the single writer 13 % of its
/// time (BENCHMARKS.md, issue 9).
pub(super) fn count_move(
    conn: &Connection,
    job_id: &str,
    application: ApplicationId,
    from: Option<Status>,
    to: Status,
) -> Result<(), StoreError> {
    let shard = count_shard(application);
    let mut update = conn.prepare_cached(
        "UPDATE job_status_counts SET count = count + ?4 WHERE job_id = ?1 AND status = ?2 AND shard = ?3",
    )?;
    let moves = from.map(|f| (f, -1)).into_iter().chain([(to, 1)]);
    for (status, delta) in moves {
        if update.execute(params![job_id, status.as_str(), shard, delta])? == 0 {
            conn.prepare_cached(
                "INSERT INTO job_status_counts (job_id, status, shard, count) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![job_id, status.as_str(), shard, delta])?;
        }
    }
    Ok(())
}

/// Applies `t` if the application is still in `t.from`; returns whether it did.
pub(super) fn apply_transition(
    conn: &Connection,
    t: &Transition,
    in_place: bool,
) -> Result<bool, StoreError> {
    let (score, breakdown, version, basis) = match &t.score {
        Some(s) => (
            Some(i64::from(s.total)),
            Some(to_json(&s.breakdown)?),
            Some(s.scorer_version.as_str()),
            Some(ScoreBasis::of(s)),
        ),
        None => (None, None, None, None),
    };
    let changed = conn
        .prepare_cached(
            "UPDATE applications
             SET status = ?1, updated_at = ?2,
                 ai_score = coalesce(?3, ai_score),
                 score_breakdown = coalesce(?4, score_breakdown),
                 scorer_version = coalesce(?5, scorer_version),
                 score_rubric = CASE WHEN ?5 IS NULL THEN score_rubric ELSE ?8 END,
                 score_by_person = coalesce(?9, score_by_person),
                 score_rules = coalesce(?10, score_rules),
                 score_rank = coalesce(?11, score_rank)
             WHERE id = ?6 AND status = ?7",
        )?
        .execute(params![
            t.to.as_str(),
            ts(t.at),
            score,
            breakdown,
            version,
            t.application_id.to_string(),
            t.from.as_str(),
            basis.as_ref().and_then(|b| b.rubric),
            basis.as_ref().map(|b| b.by_person),
            basis.as_ref().map(|b| b.rules.as_str()),
            basis.as_ref().map(|b| b.rank),
        ])?;
    if changed == 0 {
        return Ok(false);
    }
    count_move(conn, &t.job_id.to_string(), t.application_id, Some(t.from), t.to)?;
    insert_history(conn, t.history_row())?;
    if let Some(interview) = t.panel_interview() {
        super::panel::write_seats(conn, t.application_id, &interview)?;
    }
    emit(conn, &t.messages, &ts(t.at), in_place)?;
    Ok(true)
}

pub(super) fn record_delivery(conn: &Connection, d: &Delivery) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO mail_deliveries (event_id, application_id, template, message_id, delivered_at, failure)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        d.event_id.to_string(),
        d.application_id.to_string(),
        d.template,
        d.message_id,
        ts(d.delivered_at),
        d.failure
    ])?;
    Ok(())
}
