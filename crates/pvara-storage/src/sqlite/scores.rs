//! Score versions after the first on SQLite: the conditional rescore and the score history.

use pvara_domain::ids::JobId;
use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{parse_ts, to_json, ts};
use super::writes::emit;
use crate::error::StoreError;
use crate::model::{
    OutboxMessage, Rescore, RescoreProgress, ScoreBasis, ScoreChange, ScoringChange, open_statuses,
};

/// Applies `r` if the stored score is still by `r.replaces`; returns whether it did.
pub(super) fn apply_rescore(conn: &Connection, r: &Rescore, in_place: bool) -> Result<bool, StoreError> {
    let basis = ScoreBasis::of(&r.score);
    let changed = conn
        .prepare_cached(
            "UPDATE applications SET ai_score = ?1, score_breakdown = ?2, scorer_version = ?3,
                    score_rubric = ?6, score_by_person = ?7, score_rules = ?8, score_rank = ?9
             WHERE id = ?4 AND scorer_version = ?5",
        )?
        .execute(params![
            i64::from(r.score.total),
            to_json(&r.score.breakdown)?,
            r.score.scorer_version,
            r.application_id.to_string(),
            r.replaces,
            basis.rubric,
            basis.by_person,
            basis.rules,
            basis.rank,
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

/// Replaces the job's requirements while its rubric is still version `change.replaces`, and
/// writes `change.event` for each of its applications in `change.applications_in`; returns the
/// events.
pub(super) fn change_scoring(
    conn: &Connection,
    change: &ScoringChange,
    in_place: bool,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let job = change.job_id.to_string();
    let updated = conn
        .prepare_cached(
            "UPDATE jobs SET requirements = ?1
             WHERE id = ?2 AND coalesce(json_extract(requirements, '$.rubric.version'), 1) = ?3",
        )?
        .execute(params![to_json(&change.requirements)?, job, change.replaces])?;
    if updated == 0 {
        let exists: i64 = conn.query_row("SELECT count(*) FROM jobs WHERE id = ?1", [&job], |r| r.get(0))?;
        return Err(if exists == 0 {
            StoreError::NotFound("job")
        } else {
            StoreError::Changed("rubric")
        });
    }
    let sql = format!(
        "SELECT id FROM applications WHERE job_id = ?1 AND status IN ({}) ORDER BY id",
        status_list(&change.applications_in)
    );
    let mut stmt = conn.prepare(&sql)?;
    let ids: Vec<String> = stmt.query_map([&job], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let messages = ids
        .iter()
        .map(|id| {
            let id = super::rows::parse_id(id)?;
            change.event_for(id)
        })
        .collect::<Result<Vec<_>, _>>()?;
    emit(conn, &messages, &ts(change.at), in_place)?;
    Ok(messages)
}

/// How many of the job's open, scored applications are scored by rubric `version`.
pub(super) fn rescore_progress(
    conn: &Connection,
    job: &str,
    version: u32,
) -> Result<RescoreProgress, StoreError> {
    let sql = format!(
        "SELECT count(*), coalesce(sum(score_by_person OR (score_rubric = ?2 AND score_rules = ?3)), 0)
         FROM applications
         WHERE job_id = ?1 AND ai_score IS NOT NULL AND status IN ({})",
        status_list(&open_statuses())
    );
    let rules = pvara_domain::scoring::version::RULES;
    let (open, current): (i64, i64) = conn.query_row(&sql, params![job, i64::from(version), rules], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(RescoreProgress {
        rubric_version: version,
        open: open.max(0) as u64,
        current: current.max(0) as u64,
    })
}

/// Jobs with open applications scored by the machine under other rules than `rules`.
pub(super) fn jobs_scored_by_other_rules(conn: &Connection, rules: &str) -> Result<Vec<JobId>, StoreError> {
    let sql = format!(
        "SELECT DISTINCT job_id FROM applications
         WHERE ai_score IS NOT NULL AND NOT score_by_person AND erased_at IS NULL
           AND (score_rules IS NULL OR score_rules <> ?1) AND status IN ({})",
        status_list(&open_statuses())
    );
    let mut stmt = conn.prepare(&sql)?;
    let ids: Vec<String> = stmt.query_map([rules], |r| r.get(0))?.collect::<Result<_, _>>()?;
    ids.iter().map(|id| super::rows::parse_id(id)).collect()
}

/// `'Submitted', 'Under Review'`: statuses are pvara's own names, never input, so they are
/// written into the statement.
fn status_list(statuses: &[pvara_domain::status::Status]) -> String {
    statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The current rubric version of each of `jobs` (the stale-rubric guard of a worker's batch; the
/// single writer orders it against rubric changes).
pub(super) fn rubric_versions(
    conn: &Connection,
    jobs: &[pvara_domain::ids::JobId],
) -> Result<std::collections::HashMap<pvara_domain::ids::JobId, u32>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(json_extract(requirements, '$.rubric.version'), 1) FROM jobs WHERE id = ?1",
    )?;
    let mut versions = std::collections::HashMap::new();
    for job in jobs {
        if let Some(version) = stmt
            .query_row([job.to_string()], |row| row.get::<_, i64>(0))
            .optional()?
        {
            versions.insert(*job, u32::try_from(version).unwrap_or(u32::MAX));
        }
    }
    Ok(versions)
}
