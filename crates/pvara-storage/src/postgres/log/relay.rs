//! The relay: outbox shards claimed one at a time under advisory locks and moved onto the
//! embedded log in the same transaction, or published to an external one before it commits.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::types::Json;

use super::{PgLog, RELAY_LOCK_CLASS, append_records};
use crate::error::{LogError, StoreError};
use crate::log::Relay;
use crate::model::OutboxMessage;
use crate::postgres::{OUTBOX_SHARDS, PgEngine};

/// What a claimed outbox shard is handed to: appended in the same transaction (embedded log) or
/// published to an external log before the transaction deletes the rows.
pub(in crate::postgres) enum Sink<'a> {
    EmbeddedLog,
    External(&'a dyn crate::log::Publisher),
}

/// Claims outbox shards one at a time with a transaction-scoped advisory lock, so several relays
/// run at once while each key's events (one shard) are moved by one relay, in order.
pub(in crate::postgres) async fn relay_shards(
    engine: &PgEngine,
    max: usize,
    sink: Sink<'_>,
) -> Result<usize, StoreError> {
    let start = rand_start();
    let mut moved = 0;
    for i in 0..OUTBOX_SHARDS {
        if moved >= max {
            break;
        }
        let shard = ((start + i) % OUTBOX_SHARDS) as i32;
        let mut tx = engine.pool().begin().await?;
        let claimed: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1, $2)")
            .bind(RELAY_LOCK_CLASS)
            .bind(shard)
            .fetch_one(&mut *tx)
            .await?;
        if !claimed {
            continue;
        }
        let found = sqlx::query(
            "SELECT id, topic, key, value, headers FROM outbox WHERE shard = $1 ORDER BY id LIMIT $2
             FOR UPDATE SKIP LOCKED",
        )
        .bind(shard)
        .bind((max - moved) as i64)
        .fetch_all(&mut *tx)
        .await?;
        if found.is_empty() {
            continue;
        }
        let mut ids = Vec::with_capacity(found.len());
        let mut messages = Vec::with_capacity(found.len());
        for row in &found {
            ids.push(row.try_get::<i64, _>("id")?);
            messages.push(OutboxMessage {
                topic: row.try_get("topic")?,
                key: row.try_get("key")?,
                value: row.try_get("value")?,
                headers: row.try_get::<Json<Vec<(String, String)>>, _>("headers")?.0,
            });
        }
        match &sink {
            Sink::EmbeddedLog => append_records(&mut tx, &messages).await?,
            Sink::External(publisher) => publisher.publish(&messages).await?,
        }
        sqlx::query("DELETE FROM outbox WHERE id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        crate::metrics::count_produced(&messages);
        moved += messages.len();
    }
    Ok(moved)
}

#[async_trait]
impl Relay for PgLog {
    async fn relay_batch(&self, max: usize) -> Result<usize, LogError> {
        let moved = relay_shards(&self.engine, max, Sink::EmbeddedLog).await?;
        if moved > 0 {
            self.appended();
        }
        Ok(moved)
    }
}

/// Spreads relays over shards so they do not all queue on shard 0.
fn rand_start() -> u32 {
    (uuid::Uuid::new_v4().as_u128() % u128::from(OUTBOX_SHARDS)) as u32
}
