//! The embedded event log on PostgreSQL, for deployments without Kafka. Unlike the SQLite log it
//! serves many processes: relays claim outbox shards, and consumers of one group share partitions
//! through heartbeats and leases (Kafka's group protocol, kept in two tables).
//!
//! # Layout
//! - this module: topics, appends, reads and group offsets ([`EventLog`]);
//! - `relay`: outbox shards claimed under advisory locks and moved onto a log;
//! - `consumer`: group members sharing partitions through leases.

mod consumer;
mod relay;

pub(in crate::postgres) use relay::{Sink, relay_shards};

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};

use super::PgEngine;
use crate::error::{LogError, StoreError};
use crate::log::shared::{Placement, reset_positions, topics_of};
use crate::log::{Consumer, EventLog};
use crate::model::{GroupOffset, OffsetReset, OutboxMessage, PartitionInfo, Position, Record, TopicInfo};

/// Polling interval for records appended by other processes (no notification crosses processes).
const CROSS_PROCESS_POLL: Duration = Duration::from_millis(100);
/// How often a consumer renews its membership and revisits the partition assignment.
const REBALANCE_EVERY: Duration = Duration::from_secs(1);
/// A member silent this long is gone; its partitions go to the others.
const MEMBER_TIMEOUT_SECS: f64 = 10.0;
/// Advisory-lock class of the relay's shard locks.
const RELAY_LOCK_CLASS: i32 = 0x7076_6172;

#[derive(Clone, Debug)]
pub struct PgLog {
    engine: PgEngine,
}

impl PgLog {
    pub(super) fn new(engine: PgEngine) -> Self {
        Self { engine }
    }

    fn appended(&self) {
        PgEngine::bump(&self.engine.inner.log_changed);
    }
}

/// Never moves a committed position backwards. One statement for the whole batch.
pub(super) async fn store_positions(
    conn: &mut PgConnection,
    group: &str,
    positions: &[Position],
) -> Result<(), StoreError> {
    if positions.is_empty() {
        return Ok(());
    }
    let topics: Vec<&str> = positions.iter().map(|p| p.topic.as_str()).collect();
    let partitions: Vec<i32> = positions.iter().map(|p| p.partition as i32).collect();
    let offsets: Vec<i64> = positions.iter().map(|p| p.next_offset as i64).collect();
    sqlx::query(
        "INSERT INTO log_offsets (group_id, topic, partition, next_offset, updated_at)
         SELECT $1, t, p, max(o), now() FROM UNNEST($2::text[], $3::int4[], $4::int8[]) AS x(t, p, o)
         GROUP BY t, p
         ON CONFLICT (group_id, topic, partition) DO UPDATE
         SET next_offset = GREATEST(log_offsets.next_offset, EXCLUDED.next_offset), updated_at = now()",
    )
    .bind(group)
    .bind(&topics)
    .bind(&partitions)
    .bind(&offsets)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Partition counts of `topics`; an unknown topic is missing from the map.
async fn partition_counts(
    conn: &mut PgConnection,
    topics: &[String],
) -> Result<HashMap<String, u32>, StoreError> {
    let rows: Vec<(String, i32)> =
        sqlx::query_as("SELECT name, partitions FROM log_topics WHERE name = ANY($1)")
            .bind(topics)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(t, n)| (t, n as u32)).collect())
}

async fn partition_count(conn: &mut PgConnection, topic: &str) -> Result<Option<u32>, StoreError> {
    let n: Option<i32> = sqlx::query_scalar("SELECT partitions FROM log_topics WHERE name = $1")
        .bind(topic)
        .fetch_optional(conn)
        .await?;
    Ok(n.map(|n| n as u32))
}

/// Appends in order. Offsets come from each partition's counter row, locked (in a fixed order, so
/// concurrent appenders cannot deadlock) until commit: readers never see a gap.
async fn append_records(conn: &mut PgConnection, messages: &[OutboxMessage]) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    let counts = partition_counts(conn, &topics_of(messages)).await?;
    let placement = Placement::new(messages, &counts)?;
    let mut first = HashMap::new();
    for (topic, partition, n) in placement.partitions() {
        let start: i64 = sqlx::query_scalar(
            "UPDATE log_partitions SET next_offset = next_offset + $3 WHERE topic = $1 AND partition = $2
             RETURNING next_offset - $3",
        )
        .bind(topic)
        .bind(partition as i32)
        .bind(n as i64)
        .fetch_one(&mut *conn)
        .await?;
        first.insert((topic.to_owned(), partition), start as u64);
    }
    // Every record in one statement: the offsets were reserved above, per partition.
    let placed = placement.offsets(messages, &first)?;
    let topics: Vec<&str> = messages.iter().map(|m| m.topic.as_str()).collect();
    let partitions: Vec<i32> = placed.iter().map(|(p, _)| *p as i32).collect();
    let offsets: Vec<i64> = placed.iter().map(|(_, o)| *o as i64).collect();
    let keys: Vec<Option<&str>> = messages.iter().map(|m| m.key.as_deref()).collect();
    let values: Vec<&[u8]> = messages.iter().map(|m| m.value.as_slice()).collect();
    let headers: Vec<Json<&Vec<(String, String)>>> = messages.iter().map(|m| Json(&m.headers)).collect();
    sqlx::query(
        "INSERT INTO log_records (topic, partition, log_offset, key, value, headers, timestamp)
         SELECT t, p, o, k, v, h, $7
         FROM UNNEST($1::text[], $2::int4[], $3::int8[], $4::text[], $5::bytea[], $6::jsonb[]) AS r(t, p, o, k, v, h)",
    )
    .bind(&topics)
    .bind(&partitions)
    .bind(&offsets)
    .bind(&keys)
    .bind(&values)
    .bind(&headers)
    .bind(crate::clock::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn record(topic: &str, row: &sqlx::postgres::PgRow) -> Result<Record, StoreError> {
    Ok(Record {
        topic: topic.to_owned(),
        partition: row.try_get::<i32, _>("partition")? as u32,
        offset: row.try_get::<i64, _>("log_offset")? as u64,
        key: row.try_get("key")?,
        value: row.try_get("value")?,
        headers: row.try_get::<Json<Vec<(String, String)>>, _>("headers")?.0,
        timestamp: row.try_get("timestamp")?,
    })
}

async fn read_partition(
    conn: &mut PgConnection,
    topic: &str,
    partition: u32,
    from: u64,
    max: usize,
) -> Result<Vec<Record>, StoreError> {
    let found = sqlx::query(
        "SELECT partition, log_offset, key, value, headers, timestamp FROM log_records
         WHERE topic = $1 AND partition = $2 AND log_offset >= $3 ORDER BY log_offset LIMIT $4",
    )
    .bind(topic)
    .bind(partition as i32)
    .bind(from as i64)
    .bind(max as i64)
    .fetch_all(conn)
    .await?;
    found.iter().map(|row| record(topic, row)).collect()
}

/// Several partitions of one topic in one query, each from its own offset and up to `max`
/// records: a consumer's poll over all it owns.
async fn read_partitions(
    conn: &mut PgConnection,
    topic: &str,
    from: &BTreeMap<u32, u64>,
    max: usize,
) -> Result<Vec<Record>, StoreError> {
    if from.is_empty() {
        return Ok(Vec::new());
    }
    let partitions: Vec<i32> = from.keys().map(|&p| p as i32).collect();
    let offsets: Vec<i64> = from.values().map(|&o| o as i64).collect();
    let found = sqlx::query(
        "SELECT r.partition, r.log_offset, r.key, r.value, r.headers, r.timestamp
         FROM UNNEST($2::int4[], $3::int8[]) AS w(partition, from_offset)
         CROSS JOIN LATERAL (
             SELECT * FROM log_records
             WHERE topic = $1 AND partition = w.partition AND log_offset >= w.from_offset
             ORDER BY log_offset LIMIT $4
         ) r
         ORDER BY r.partition, r.log_offset",
    )
    .bind(topic)
    .bind(&partitions)
    .bind(&offsets)
    .bind(max as i64)
    .fetch_all(conn)
    .await?;
    found.iter().map(|row| record(topic, row)).collect()
}

async fn committed(
    conn: &mut PgConnection,
    group: &str,
    topic: &str,
) -> Result<HashMap<u32, u64>, StoreError> {
    let found =
        sqlx::query("SELECT partition, next_offset FROM log_offsets WHERE group_id = $1 AND topic = $2")
            .bind(group)
            .bind(topic)
            .fetch_all(conn)
            .await?;
    found
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<i32, _>("partition")? as u32,
                r.try_get::<i64, _>("next_offset")? as u64,
            ))
        })
        .collect()
}

#[async_trait]
impl EventLog for PgLog {
    async fn ensure_topics(&self, names: &[String], partitions: u32) -> Result<(), LogError> {
        let mut tx = self.engine.pool().begin().await?;
        for name in names {
            sqlx::query(
                "INSERT INTO log_topics (name, partitions) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(partitions.max(1) as i32)
            .execute(&mut *tx)
            .await?;
            let existing = partition_count(&mut tx, name).await?.unwrap_or(partitions);
            if existing != partitions {
                tracing::warn!(topic = %name, existing, requested = partitions, "topic exists with another partition count; keeping it");
            }
            sqlx::query(
                "INSERT INTO log_partitions (topic, partition, next_offset) SELECT $1, p, 0 FROM generate_series(0, $2 - 1) p
                 ON CONFLICT DO NOTHING",
            )
            .bind(name)
            .bind(existing as i32)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn topics(&self) -> Result<Vec<TopicInfo>, LogError> {
        let found =
            sqlx::query("SELECT topic, partition, next_offset FROM log_partitions ORDER BY topic, partition")
                .fetch_all(self.engine.pool())
                .await?;
        let mut topics: Vec<TopicInfo> = Vec::new();
        for row in found {
            let name: String = row.try_get("topic")?;
            let info = PartitionInfo {
                partition: row.try_get::<i32, _>("partition")? as u32,
                end_offset: row.try_get::<i64, _>("next_offset")? as u64,
            };
            match topics.last_mut() {
                Some(last) if last.name == name => last.partitions.push(info),
                _ => topics.push(TopicInfo {
                    name,
                    partitions: vec![info],
                }),
            }
        }
        Ok(topics)
    }

    async fn groups(&self) -> Result<Vec<GroupOffset>, LogError> {
        let found = sqlx::query(
            "SELECT g.group_id, p.topic, p.partition, coalesce(o.next_offset, 0) AS committed, p.next_offset AS end_offset,
                    l.member_id::text AS owner
             FROM (SELECT group_id, topic FROM log_offsets UNION SELECT group_id, topic FROM log_members) g
             JOIN log_partitions p ON p.topic = g.topic
             LEFT JOIN log_offsets o ON o.group_id = g.group_id AND o.topic = p.topic AND o.partition = p.partition
             LEFT JOIN log_leases l ON l.group_id = g.group_id AND l.topic = p.topic AND l.partition = p.partition
                  AND l.lease_until > now()
             ORDER BY g.group_id, p.topic, p.partition",
        )
        .fetch_all(self.engine.pool())
        .await?;
        found
            .iter()
            .map(|r| {
                Ok(GroupOffset {
                    group: r.try_get("group_id")?,
                    topic: r.try_get("topic")?,
                    partition: r.try_get::<i32, _>("partition")? as u32,
                    committed: r.try_get::<i64, _>("committed")? as u64,
                    end_offset: r.try_get::<i64, _>("end_offset")? as u64,
                    owner: r.try_get("owner")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(LogError::from)
    }

    async fn append(&self, messages: Vec<OutboxMessage>) -> Result<(), LogError> {
        let mut tx = self.engine.pool().begin().await?;
        append_records(&mut tx, &messages).await?;
        tx.commit().await?;
        self.appended();
        Ok(())
    }

    async fn read(
        &self,
        topic: &str,
        partition: u32,
        from: u64,
        max: usize,
    ) -> Result<Vec<Record>, LogError> {
        let mut conn = self.engine.pool().acquire().await?;
        Ok(read_partition(&mut conn, topic, partition, from, max).await?)
    }

    async fn subscribe(&self, group: &str, topic: &str) -> Result<Box<dyn Consumer>, LogError> {
        let mut conn = self.engine.pool().acquire().await?;
        let partitions = partition_count(&mut conn, topic)
            .await?
            .ok_or_else(|| LogError::UnknownTopic(topic.to_owned()))?;
        Ok(Box::new(consumer::PgConsumer::new(
            self.clone(),
            group,
            topic,
            partitions,
        )))
    }

    async fn ping(&self) -> Result<(), LogError> {
        sqlx::query("SELECT 1 FROM log_topics LIMIT 1")
            .execute(self.engine.pool())
            .await?;
        Ok(())
    }

    async fn reset_offsets(
        &self,
        group: &str,
        topic: &str,
        to: OffsetReset,
    ) -> Result<Vec<GroupOffset>, LogError> {
        let mut tx = self.engine.pool().begin().await?;
        let live: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM log_members WHERE group_id = $1 AND topic = $2
             AND heartbeat_at > now() - make_interval(secs => $3)",
        )
        .bind(group)
        .bind(topic)
        .bind(MEMBER_TIMEOUT_SECS)
        .fetch_one(&mut *tx)
        .await?;
        if live > 0 {
            return Err(LogError::GroupActive(group.to_owned()));
        }
        let ends = sqlx::query(
            "SELECT partition, next_offset FROM log_partitions WHERE topic = $1 ORDER BY partition",
        )
        .bind(topic)
        .fetch_all(&mut *tx)
        .await?;
        if ends.is_empty() {
            return Err(LogError::UnknownTopic(topic.to_owned()));
        }
        let ends: Vec<(u32, u64)> = ends
            .iter()
            .map(|row| {
                Ok((
                    row.try_get::<i32, _>("partition")? as u32,
                    row.try_get::<i64, _>("next_offset")? as u64,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        let result = reset_positions(group, topic, ends, to);
        let partitions: Vec<i32> = result.iter().map(|o| o.partition as i32).collect();
        let offsets: Vec<i64> = result.iter().map(|o| o.committed as i64).collect();
        sqlx::query(
            "INSERT INTO log_offsets (group_id, topic, partition, next_offset, updated_at)
             SELECT $1, $2, p, o, now() FROM UNNEST($3::int4[], $4::int8[]) AS x(p, o)
             ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()",
        )
        .bind(group)
        .bind(topic)
        .bind(&partitions)
        .bind(&offsets)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(result)
    }
}
