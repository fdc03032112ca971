//! A worker's batch on PostgreSQL in a few statements, not a few per record: each round trip to
//! the server costs more than the row it writes, and a batch holds hundreds of records. Every
//! statement takes its rows as arrays (`UNNEST`).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::{Delivery, OutboxMessage, ScoreBasis, Transition, count_shard};

/// The outbox rows of `messages`, in one statement, in order (the outbox id keeps their order).
pub(super) async fn insert_outbox(
    conn: &mut PgConnection,
    messages: &[OutboxMessage],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    let shards: Vec<i32> = messages
        .iter()
        .map(|m| m.partition(super::OUTBOX_SHARDS) as i32)
        .collect();
    let topics: Vec<&str> = messages.iter().map(|m| m.topic.as_str()).collect();
    let keys: Vec<Option<&str>> = messages.iter().map(|m| m.key.as_deref()).collect();
    let values: Vec<&[u8]> = messages.iter().map(|m| m.value.as_slice()).collect();
    let headers: Vec<Json<&Vec<(String, String)>>> = messages.iter().map(|m| Json(&m.headers)).collect();
    sqlx::query(
        "INSERT INTO outbox (shard, topic, key, value, headers, created_at)
         SELECT s, t, k, v, h, $6 FROM UNNEST($1::int4[], $2::text[], $3::text[], $4::bytea[], $5::jsonb[])
             WITH ORDINALITY AS m(s, t, k, v, h, n)
         ORDER BY n",
    )
    .bind(&shards)
    .bind(&topics)
    .bind(&keys)
    .bind(&values)
    .bind(&headers)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Applies every transition still in its `from` status, each application at most once per
/// statement; returns, per transition, whether it was applied. Their history rows, count moves
/// and events follow in one statement each.
pub(super) async fn apply_transitions(
    conn: &mut PgConnection,
    transitions: &[Transition],
) -> Result<Vec<bool>, StoreError> {
    let mut applied = vec![false; transitions.len()];
    // A second transition of the same application in one batch must see the first one's result:
    // such batches go in rounds, each holding an application once.
    let mut pending: Vec<usize> = (0..transitions.len()).collect();
    while !pending.is_empty() {
        let mut seen = HashSet::new();
        let (round, later): (Vec<usize>, Vec<usize>) = pending
            .into_iter()
            .partition(|&i| seen.insert(transitions[i].application_id));
        let done = update_round(conn, transitions, &round).await?;
        let effects: Vec<&Transition> = round
            .iter()
            .filter(|&&i| done.contains(&transitions[i].application_id.0))
            .map(|&i| {
                applied[i] = true;
                &transitions[i]
            })
            .collect();
        write_effects(conn, &effects).await?;
        super::panel::write_seats(conn, &effects).await?;
        pending = later;
    }
    Ok(applied)
}

/// The conditional status updates of one round; returns the applications updated.
async fn update_round(
    conn: &mut PgConnection,
    transitions: &[Transition],
    round: &[usize],
) -> Result<HashSet<Uuid>, StoreError> {
    let ts: Vec<&Transition> = round.iter().map(|&i| &transitions[i]).collect();
    let ids: Vec<Uuid> = ts.iter().map(|t| t.application_id.0).collect();
    let from: Vec<&str> = ts.iter().map(|t| t.from.as_str()).collect();
    let to: Vec<&str> = ts.iter().map(|t| t.to.as_str()).collect();
    let at: Vec<DateTime<Utc>> = ts.iter().map(|t| t.at).collect();
    let scores: Vec<Option<i16>> = ts
        .iter()
        .map(|t| t.score.as_ref().map(|s| i16::from(s.total)))
        .collect();
    let breakdowns: Vec<Option<Json<&serde_json::Value>>> = ts
        .iter()
        .map(|t| t.score.as_ref().map(|s| Json(&s.breakdown)))
        .collect();
    let versions: Vec<Option<&str>> = ts
        .iter()
        .map(|t| t.score.as_ref().map(|s| s.scorer_version.as_str()))
        .collect();
    let bases: Vec<Option<ScoreBasis>> = ts.iter().map(|t| t.score.as_ref().map(ScoreBasis::of)).collect();
    let rubrics: Vec<Option<i64>> = bases.iter().map(|b| b.as_ref().and_then(|b| b.rubric)).collect();
    let by_person: Vec<Option<bool>> = bases.iter().map(|b| b.as_ref().map(|b| b.by_person)).collect();
    let rules: Vec<Option<&str>> = bases
        .iter()
        .map(|b| b.as_ref().map(|b| b.rules.as_str()))
        .collect();
    let ranks: Vec<Option<i64>> = bases.iter().map(|b| b.as_ref().map(|b| b.rank)).collect();
    let updated: Vec<Uuid> = sqlx::query_scalar(
        "UPDATE applications a
         SET status = u.to_status, updated_at = u.at,
             ai_score = coalesce(u.score, a.ai_score),
             score_breakdown = coalesce(u.breakdown, a.score_breakdown),
             scorer_version = coalesce(u.version, a.scorer_version),
             score_rubric = CASE WHEN u.version IS NULL THEN a.score_rubric ELSE u.rubric END,
             score_by_person = coalesce(u.by_person, a.score_by_person),
             score_rules = coalesce(u.rules, a.score_rules),
             score_rank = coalesce(u.rank, a.score_rank)
         FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::int2[], $6::jsonb[], $7::text[],
                     $8::int8[], $9::bool[], $10::text[], $11::int8[])
             AS u(id, from_status, to_status, at, score, breakdown, version, rubric, by_person, rules, rank)
         WHERE a.id = u.id AND a.status = u.from_status
         RETURNING a.id",
    )
    .bind(&ids)
    .bind(&from)
    .bind(&to)
    .bind(&at)
    .bind(&scores)
    .bind(&breakdowns)
    .bind(&versions)
    .bind(&rubrics)
    .bind(&by_person)
    .bind(&rules)
    .bind(&ranks)
    .fetch_all(&mut *conn)
    .await?;
    Ok(updated.into_iter().collect())
}

/// History rows, count moves and events of applied transitions.
async fn write_effects(conn: &mut PgConnection, applied: &[&Transition]) -> Result<(), StoreError> {
    if applied.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = applied.iter().map(|t| t.application_id.0).collect();
    let from: Vec<&str> = applied.iter().map(|t| t.from.as_str()).collect();
    let to: Vec<&str> = applied.iter().map(|t| t.to.as_str()).collect();
    let actors: Vec<&str> = applied.iter().map(|t| t.actor.as_str()).collect();
    let reasons: Vec<&str> = applied.iter().map(|t| t.reason.as_str()).collect();
    let details: Vec<Option<Json<&serde_json::Value>>> =
        applied.iter().map(|t| t.details.as_ref().map(Json)).collect();
    let at: Vec<DateTime<Utc>> = applied.iter().map(|t| t.at).collect();
    sqlx::query(
        "INSERT INTO application_history (application_id, from_status, to_status, actor, reason, details, at)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])",
    )
    .bind(&ids)
    .bind(&from)
    .bind(&to)
    .bind(&actors)
    .bind(&reasons)
    .bind(&details)
    .bind(&at)
    .execute(&mut *conn)
    .await?;
    move_counts(conn, applied).await?;
    let messages: Vec<OutboxMessage> = applied.iter().flat_map(|t| t.messages.iter().cloned()).collect();
    insert_outbox(conn, &messages, crate::clock::now()).await
}

/// The count moves of applied transitions, summed per counter row first.
async fn move_counts(conn: &mut PgConnection, applied: &[&Transition]) -> Result<(), StoreError> {
    let mut deltas: BTreeMap<(Uuid, &str, i32), i64> = BTreeMap::new();
    for t in applied {
        let shard = count_shard(t.application_id) as i32;
        *deltas.entry((t.job_id.0, t.to.as_str(), shard)).or_default() += 1;
        *deltas.entry((t.job_id.0, t.from.as_str(), shard)).or_default() -= 1;
    }
    add_to_counts(conn, deltas).await
}

/// Adds `deltas` to the per-job status counters, one statement for all. Summed per counter row
/// by the caller: one statement may not update a row twice.
pub(super) async fn add_to_counts(
    conn: &mut PgConnection,
    deltas: BTreeMap<(Uuid, &str, i32), i64>,
) -> Result<(), StoreError> {
    let (mut jobs, mut statuses, mut shards, mut counts) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((job, status, shard), delta) in deltas.into_iter().filter(|(_, d)| *d != 0) {
        jobs.push(job);
        statuses.push(status);
        shards.push(shard);
        counts.push(delta);
    }
    if jobs.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO job_status_counts (job_id, status, shard, count)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::int4[], $4::int8[])
         ON CONFLICT (job_id, status, shard) DO UPDATE SET count = job_status_counts.count + excluded.count",
    )
    .bind(&jobs)
    .bind(&statuses)
    .bind(&shards)
    .bind(&counts)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Delivered mail, in one statement; a delivery recorded before is kept as it was.
pub(super) async fn insert_deliveries(
    conn: &mut PgConnection,
    deliveries: &[Delivery],
) -> Result<(), StoreError> {
    if deliveries.is_empty() {
        return Ok(());
    }
    let events: Vec<Uuid> = deliveries.iter().map(|d| d.event_id.0).collect();
    let applications: Vec<Uuid> = deliveries.iter().map(|d| d.application_id.0).collect();
    let templates: Vec<&str> = deliveries.iter().map(|d| d.template.as_str()).collect();
    let message_ids: Vec<&str> = deliveries.iter().map(|d| d.message_id.as_str()).collect();
    let at: Vec<DateTime<Utc>> = deliveries.iter().map(|d| d.delivered_at).collect();
    let failures: Vec<Option<&str>> = deliveries.iter().map(|d| d.failure.as_deref()).collect();
    sqlx::query(
        "INSERT INTO mail_deliveries (event_id, application_id, template, message_id, delivered_at, failure)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
         ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(&events)
    .bind(&applications)
    .bind(&templates)
    .bind(&message_ids)
    .bind(&at)
    .bind(&failures)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
