//! The embedded event log on PostgreSQL, for deployments without Kafka. Unlike the SQLite log it
//! serves many processes: relays claim outbox shards, and consumers of one group share partitions
//! through heartbeats and leases (Kafka's group protocol, kept in two tables).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use super::{OUTBOX_SHARDS, PgEngine};
use crate::error::{LogError, StoreError};
use crate::log::{Consumer, EventLog, Relay};
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

/// Never moves a committed position backwards.
pub(super) async fn store_positions(
    conn: &mut PgConnection,
    group: &str,
    positions: &[Position],
) -> Result<(), StoreError> {
    for p in positions {
        sqlx::query(
            "INSERT INTO log_offsets (group_id, topic, partition, next_offset, updated_at) VALUES ($1, $2, $3, $4, now())
             ON CONFLICT (group_id, topic, partition) DO UPDATE
             SET next_offset = GREATEST(log_offsets.next_offset, EXCLUDED.next_offset), updated_at = now()",
        )
        .bind(group)
        .bind(&p.topic)
        .bind(p.partition as i32)
        .bind(p.next_offset as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut placed = Vec::with_capacity(messages.len());
    let mut per_partition: BTreeMap<(String, u32), i64> = BTreeMap::new();
    for message in messages {
        let n = match counts.get(&message.topic) {
            Some(&n) => n,
            None => {
                let n = partition_count(conn, &message.topic)
                    .await?
                    .ok_or_else(|| StoreError::Log(LogError::UnknownTopic(message.topic.clone())))?;
                counts.insert(message.topic.clone(), n);
                n
            }
        };
        let partition = message.partition(n);
        *per_partition
            .entry((message.topic.clone(), partition))
            .or_default() += 1;
        placed.push(partition);
    }
    let mut next: HashMap<(String, u32), i64> = HashMap::new();
    for ((topic, partition), n) in per_partition {
        let first: i64 = sqlx::query_scalar(
            "UPDATE log_partitions SET next_offset = next_offset + $3 WHERE topic = $1 AND partition = $2
             RETURNING next_offset - $3",
        )
        .bind(&topic)
        .bind(partition as i32)
        .bind(n)
        .fetch_one(&mut *conn)
        .await?;
        next.insert((topic, partition), first);
    }
    let now = Utc::now();
    for (message, partition) in messages.iter().zip(placed) {
        let slot = next
            .get_mut(&(message.topic.clone(), partition))
            .ok_or_else(|| StoreError::Corrupt("offset".into()))?;
        let offset = *slot;
        *slot += 1;
        sqlx::query(
            "INSERT INTO log_records (topic, partition, log_offset, key, value, headers, timestamp)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&message.topic)
        .bind(partition as i32)
        .bind(offset)
        .bind(&message.key)
        .bind(&message.value)
        .bind(Json(&message.headers))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
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
        Ok(Box::new(PgConsumer {
            log: self.clone(),
            group: group.to_owned(),
            topic: topic.to_owned(),
            partitions,
            member: Uuid::new_v4(),
            owned: BTreeMap::new(),
            committed: HashMap::new(),
            rebalanced_at: None,
            changed: self.engine.inner.log_changed.subscribe(),
        }))
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
        let mut result = Vec::new();
        for row in ends {
            let partition: i32 = row.try_get("partition")?;
            let end = row.try_get::<i64, _>("next_offset")? as u64;
            let position = to.position(end);
            sqlx::query(
                "INSERT INTO log_offsets (group_id, topic, partition, next_offset, updated_at) VALUES ($1, $2, $3, $4, now())
                 ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()",
            )
            .bind(group)
            .bind(topic)
            .bind(partition)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
            result.push(GroupOffset {
                group: group.to_owned(),
                topic: topic.to_owned(),
                partition: partition as u32,
                committed: position,
                end_offset: end,
                owner: None,
            });
        }
        tx.commit().await?;
        Ok(result)
    }
}

/// What a claimed outbox shard is handed to: appended in the same transaction (embedded log) or
/// published to an external log before the transaction deletes the rows.
pub(super) enum Sink<'a> {
    EmbeddedLog,
    External(&'a dyn crate::log::Publisher),
}

/// Claims outbox shards one at a time with a transaction-scoped advisory lock, so several relays
/// run at once while each key's events (one shard) are moved by one relay, in order.
pub(super) async fn relay_shards(engine: &PgEngine, max: usize, sink: Sink<'_>) -> Result<usize, StoreError> {
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
    (Uuid::new_v4().as_u128() % u128::from(OUTBOX_SHARDS)) as u32
}

/// A group member that owns a share of the topic's partitions through leases.
struct PgConsumer {
    log: PgLog,
    group: String,
    topic: String,
    partitions: u32,
    member: Uuid,
    /// Owned partitions and the next offset to hand out from each.
    owned: BTreeMap<u32, u64>,
    committed: HashMap<u32, u64>,
    rebalanced_at: Option<Instant>,
    changed: watch::Receiver<u64>,
}

impl PgConsumer {
    /// Heartbeats, then takes this member's share of the partitions (round-robin over live members
    /// ordered by id) and lets go of the rest. Runs between batches, so nothing fetched is
    /// uncommitted when a partition changes hands.
    async fn rebalance(&mut self) -> Result<(), StoreError> {
        let mut tx = self.log.engine.pool().begin().await?;
        sqlx::query(
            "INSERT INTO log_members (group_id, topic, member_id, heartbeat_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (group_id, topic, member_id) DO UPDATE SET heartbeat_at = now()",
        )
        .bind(&self.group)
        .bind(&self.topic)
        .bind(self.member)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM log_members WHERE group_id = $1 AND topic = $2
             AND heartbeat_at < now() - make_interval(secs => $3)",
        )
        .bind(&self.group)
        .bind(&self.topic)
        .bind(MEMBER_TIMEOUT_SECS)
        .execute(&mut *tx)
        .await?;
        let members: Vec<Uuid> = sqlx::query_scalar(
            "SELECT member_id FROM log_members WHERE group_id = $1 AND topic = $2 ORDER BY member_id",
        )
        .bind(&self.group)
        .bind(&self.topic)
        .fetch_all(&mut *tx)
        .await?;
        let index = members.iter().position(|m| *m == self.member).unwrap_or(0) as u32;
        let count = members.len().max(1) as u32;
        let wanted: Vec<i32> = (0..self.partitions)
            .filter(|p| p % count == index)
            .map(|p| p as i32)
            .collect();
        sqlx::query("DELETE FROM log_leases WHERE group_id = $1 AND topic = $2 AND member_id = $3 AND partition <> ALL($4)")
            .bind(&self.group)
            .bind(&self.topic)
            .bind(self.member)
            .bind(&wanted)
            .execute(&mut *tx)
            .await?;
        let got: Vec<i32> = sqlx::query_scalar(
            "INSERT INTO log_leases (group_id, topic, partition, member_id, lease_until)
             SELECT $1, $2, p, $3, now() + make_interval(secs => $5) FROM unnest($4::int[]) p
             ON CONFLICT (group_id, topic, partition) DO UPDATE
             SET member_id = EXCLUDED.member_id, lease_until = EXCLUDED.lease_until
             WHERE log_leases.member_id = EXCLUDED.member_id OR log_leases.lease_until < now()
             RETURNING partition",
        )
        .bind(&self.group)
        .bind(&self.topic)
        .bind(self.member)
        .bind(&wanted)
        .bind(MEMBER_TIMEOUT_SECS)
        .fetch_all(&mut *tx)
        .await?;
        let positions = committed(&mut tx, &self.group, &self.topic).await?;
        tx.commit().await?;
        let got: Vec<u32> = got.into_iter().map(|p| p as u32).collect();
        self.owned.retain(|p, _| got.contains(p));
        for p in got {
            let start = positions.get(&p).copied().unwrap_or(0);
            self.owned.entry(p).or_insert(start);
            self.committed.entry(p).or_insert(start);
        }
        self.rebalanced_at = Some(Instant::now());
        Ok(())
    }
}

#[async_trait]
impl Consumer for PgConsumer {
    async fn poll(&mut self, max: usize, wait: Duration) -> Result<Vec<Record>, LogError> {
        let deadline = Instant::now() + wait;
        loop {
            if self
                .rebalanced_at
                .is_none_or(|at| at.elapsed() >= REBALANCE_EVERY)
            {
                self.rebalance().await?;
            }
            self.changed.borrow_and_update();
            let per_partition = (max / self.owned.len().max(1)).max(1);
            let mut records = Vec::new();
            let mut conn = self.log.engine.pool().acquire().await?;
            for (&partition, &from) in &self.owned {
                records.extend(read_partition(&mut conn, &self.topic, partition, from, per_partition).await?);
            }
            drop(conn);
            if !records.is_empty() {
                for r in &records {
                    self.owned.insert(r.partition, r.offset + 1);
                }
                return Ok(records);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(records);
            }
            let _ =
                tokio::time::timeout_at(deadline.min(now + CROSS_PROCESS_POLL), self.changed.changed()).await;
        }
    }

    async fn commit(&mut self, positions: &[Position]) -> Result<(), LogError> {
        let ahead: Vec<Position> = positions
            .iter()
            .filter(|p| {
                p.topic == self.topic
                    && self
                        .committed
                        .get(&p.partition)
                        .is_none_or(|&c| p.next_offset > c)
            })
            .cloned()
            .collect();
        if ahead.is_empty() {
            return Ok(());
        }
        let mut conn = self.log.engine.pool().acquire().await?;
        store_positions(&mut conn, &self.group, &ahead).await?;
        for p in ahead {
            self.committed.insert(p.partition, p.next_offset);
        }
        Ok(())
    }

    fn offsets_in_database(&self) -> bool {
        true
    }

    fn assignment(&self) -> Vec<u32> {
        self.owned.keys().copied().collect()
    }

    async fn close(self: Box<Self>) -> Result<(), LogError> {
        let mut tx = self.log.engine.pool().begin().await?;
        for table in ["log_leases", "log_members"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE group_id = $1 AND topic = $2 AND member_id = $3"
            ))
            .bind(&self.group)
            .bind(&self.topic)
            .bind(self.member)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn rewind(&mut self) -> Result<(), LogError> {
        let mut conn = self.log.engine.pool().acquire().await?;
        let positions = committed(&mut conn, &self.group, &self.topic).await?;
        for (p, next) in self.owned.iter_mut() {
            *next = positions.get(p).copied().unwrap_or(0);
            self.committed.insert(*p, *next);
        }
        Ok(())
    }
}
