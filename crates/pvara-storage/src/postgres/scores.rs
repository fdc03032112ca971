//! Score versions after the first on PostgreSQL: a batch of conditional rescores in three
//! statements, and the score history.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use super::batch::insert_outbox;
use crate::error::StoreError;
use crate::model::{
    OutboxMessage, Rescore, RescoreProgress, ScoreBasis, ScoreChange, ScoringChange, open_statuses,
};
use pvara_domain::ids::ApplicationId;

/// Applies every rescore whose application's score is still by its `replaces`; returns, per
/// rescore, whether it was applied. Each application appears at most once (the caller's rule).
pub(super) async fn apply_rescores(
    conn: &mut PgConnection,
    rescores: &[Rescore],
) -> Result<Vec<bool>, StoreError> {
    if rescores.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rescores.iter().map(|r| r.application_id.0).collect();
    let totals: Vec<i16> = rescores.iter().map(|r| i16::from(r.score.total)).collect();
    let breakdowns: Vec<Json<&serde_json::Value>> =
        rescores.iter().map(|r| Json(&r.score.breakdown)).collect();
    let versions: Vec<&str> = rescores.iter().map(|r| r.score.scorer_version.as_str()).collect();
    let replaces: Vec<&str> = rescores.iter().map(|r| r.replaces.as_str()).collect();
    let bases: Vec<ScoreBasis> = rescores.iter().map(|r| ScoreBasis::of(&r.score)).collect();
    let rubrics: Vec<Option<i64>> = bases.iter().map(|b| b.rubric).collect();
    let by_person: Vec<bool> = bases.iter().map(|b| b.by_person).collect();
    let rules: Vec<&str> = bases.iter().map(|b| b.rules.as_str()).collect();
    let ranks: Vec<i64> = bases.iter().map(|b| b.rank).collect();
    let updated: Vec<Uuid> = sqlx::query_scalar(
        "UPDATE applications a
         SET ai_score = u.score, score_breakdown = u.breakdown, scorer_version = u.version,
             score_rubric = u.rubric, score_by_person = u.by_person, score_rules = u.rules,
             score_rank = u.rank
         FROM UNNEST($1::uuid[], $2::int2[], $3::jsonb[], $4::text[], $5::text[], $6::int8[], $7::bool[],
                     $8::text[], $9::int8[])
             AS u(id, score, breakdown, version, replaces, rubric, by_person, rules, rank)
         WHERE a.id = u.id AND a.scorer_version = u.replaces
         RETURNING a.id",
    )
    .bind(&ids)
    .bind(&totals)
    .bind(&breakdowns)
    .bind(&versions)
    .bind(&replaces)
    .bind(&rubrics)
    .bind(&by_person)
    .bind(&rules)
    .bind(&ranks)
    .fetch_all(&mut *conn)
    .await?;
    let updated: std::collections::HashSet<Uuid> = updated.into_iter().collect();
    let applied: Vec<bool> = ids.iter().map(|id| updated.contains(id)).collect();
    let done: Vec<&Rescore> = rescores
        .iter()
        .zip(&applied)
        .filter(|(_, a)| **a)
        .map(|(r, _)| r)
        .collect();
    if done.is_empty() {
        return Ok(applied);
    }
    let ids: Vec<Uuid> = done.iter().map(|r| r.application_id.0).collect();
    let previous: Vec<i16> = done.iter().map(|r| i16::from(r.previous_total)).collect();
    let totals: Vec<i16> = done.iter().map(|r| i16::from(r.score.total)).collect();
    let versions: Vec<&str> = done.iter().map(|r| r.score.scorer_version.as_str()).collect();
    let actors: Vec<&str> = done.iter().map(|r| r.actor.as_str()).collect();
    let reasons: Vec<&str> = done.iter().map(|r| r.reason.as_str()).collect();
    let at: Vec<DateTime<Utc>> = done.iter().map(|r| r.at).collect();
    sqlx::query(
        "INSERT INTO score_changes (application_id, previous_score, score, scorer_version, actor, reason, at)
         SELECT * FROM UNNEST($1::uuid[], $2::int2[], $3::int2[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])",
    )
    .bind(&ids)
    .bind(&previous)
    .bind(&totals)
    .bind(&versions)
    .bind(&actors)
    .bind(&reasons)
    .bind(&at)
    .execute(&mut *conn)
    .await?;
    let messages: Vec<OutboxMessage> = done.iter().flat_map(|r| r.messages.iter().cloned()).collect();
    insert_outbox(conn, &messages, crate::clock::now()).await?;
    Ok(applied)
}

/// An application's score changes, oldest first.
pub(super) async fn score_changes(pool: &PgPool, application: Uuid) -> Result<Vec<ScoreChange>, StoreError> {
    let found = sqlx::query(
        "SELECT previous_score, score, scorer_version, actor, reason, at FROM score_changes
         WHERE application_id = $1 ORDER BY id",
    )
    .bind(application)
    .fetch_all(pool)
    .await?;
    let score = |value: i16| u8::try_from(value).map_err(|_| StoreError::Corrupt(format!("score {value}")));
    found
        .iter()
        .map(|row| {
            Ok(ScoreChange {
                previous: score(row.try_get("previous_score")?)?,
                total: score(row.try_get("score")?)?,
                scorer_version: row.try_get("scorer_version")?,
                actor: row.try_get("actor")?,
                reason: row.try_get("reason")?,
                at: row.try_get("at")?,
            })
        })
        .collect()
}

/// Replaces the job's requirements while its rubric is still version `change.replaces`, and
/// writes `change.event` for each of its applications in `change.applications_in`, in one
/// transaction; returns how many.
pub(super) async fn change_scoring(pool: &PgPool, change: &ScoringChange) -> Result<u64, StoreError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE jobs SET requirements = $1
         WHERE id = $2 AND coalesce((requirements->'rubric'->>'version')::int8, 1) = $3",
    )
    .bind(Json(&change.requirements))
    .bind(change.job_id.0)
    .bind(i64::from(change.replaces))
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM jobs WHERE id = $1")
            .bind(change.job_id.0)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            None => StoreError::NotFound("job"),
            Some(_) => StoreError::Changed("rubric"),
        });
    }
    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM applications WHERE job_id = $1 AND status = ANY($2) ORDER BY id")
            .bind(change.job_id.0)
            .bind(names(&change.applications_in))
            .fetch_all(&mut *tx)
            .await?;
    let messages = ids
        .into_iter()
        .map(|id| change.event_for(ApplicationId(id)))
        .collect::<Result<Vec<_>, _>>()?;
    insert_outbox(&mut tx, &messages, change.at).await?;
    tx.commit().await?;
    Ok(messages.len() as u64)
}

/// How many of the job's open, scored applications are scored by rubric `version`.
pub(super) async fn rescore_progress(
    pool: &PgPool,
    job: Uuid,
    version: u32,
) -> Result<RescoreProgress, StoreError> {
    let (open, current): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE score_by_person OR (score_rubric = $3 AND score_rules = $4))
         FROM applications
         WHERE job_id = $1 AND ai_score IS NOT NULL AND status = ANY($2)",
    )
    .bind(job)
    .bind(names(&open_statuses()))
    .bind(i64::from(version))
    .bind(pvara_domain::scoring::version::RULES)
    .fetch_one(pool)
    .await?;
    Ok(RescoreProgress {
        rubric_version: version,
        open: open.max(0) as u64,
        current: current.max(0) as u64,
    })
}

pub(super) fn names(statuses: &[pvara_domain::status::Status]) -> Vec<&'static str> {
    statuses.iter().map(|s| s.as_str()).collect()
}

/// The current rubric version of each of `jobs`, locked against a rubric change until the
/// caller's transaction ends: the stale-rubric guard of a worker's batch. A change that began
/// first is waited for and seen; one that begins later waits, and then finds the batch's scores
/// and writes their re-score events itself.
pub(super) async fn rubric_versions(
    conn: &mut PgConnection,
    jobs: &[pvara_domain::ids::JobId],
) -> Result<std::collections::HashMap<pvara_domain::ids::JobId, u32>, StoreError> {
    if jobs.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<Uuid> = jobs.iter().map(|j| j.0).collect();
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT id, coalesce((requirements->'rubric'->>'version')::int8, 1) FROM jobs
         WHERE id = ANY($1) ORDER BY id FOR SHARE",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, v)| (pvara_domain::ids::JobId(id), u32::try_from(v).unwrap_or(u32::MAX)))
        .collect())
}
