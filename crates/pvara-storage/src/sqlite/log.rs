//! The embedded event log: Kafka's model (topics, partitions, offsets, consumer groups) in tables
//! of the same SQLite database as the data.
//!
//! Because the log shares the database with the data, a state change appends its events here in
//! its own transaction (see [`SqliteEngine::bind_event_log`]); rows an older pvara left in the
//! outbox are moved by the relay in one transaction, exactly once, in commit order. Offsets are
//! dense per partition.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::watch;
use tokio::time::Instant;

use super::SqliteEngine;
use super::rows::{parse_json, parse_ts, to_json, ts};
use crate::error::{LogError, StoreError};
use crate::log::shared::{Cursor, Placement, reset_positions, topics_of, wait_for_records};
use crate::log::{Consumer, EventLog, Relay};
use crate::model::{GroupOffset, OffsetReset, OutboxMessage, PartitionInfo, Position, Record, TopicInfo};

/// How long a waiting consumer goes without re-reading the table. Commits made by this process
/// wake consumers at once; this bounds the delay for records appended by another process.
const CROSS_PROCESS_POLL: Duration = Duration::from_millis(250);

/// The embedded [`EventLog`] and its [`Relay`].
#[derive(Clone, Debug)]
pub struct SqliteLog {
    engine: SqliteEngine,
}

impl SqliteLog {
    pub(super) fn new(engine: SqliteEngine) -> Self {
        Self { engine }
    }

    fn appended(&self) {
        SqliteEngine::bump(&self.engine.inner.log_changed);
    }
}

fn partition_count(conn: &Connection, topic: &str) -> Result<Option<u32>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT partitions FROM log_topics WHERE name = ?1")?
        .query_row([topic], |r| r.get::<_, u32>(0))
        .optional()?)
}

fn end_offset(conn: &Connection, topic: &str, partition: u32) -> Result<u64, StoreError> {
    let max: Option<i64> = conn
        .prepare_cached("SELECT max(offset) FROM log_records WHERE topic = ?1 AND partition = ?2")?
        .query_row(params![topic, partition], |r| r.get(0))?;
    Ok(max.map_or(0, |m| m as u64 + 1))
}

/// Appends `messages` in order, assigning each the next offset of its key's partition.
pub(super) fn append_records(conn: &Connection, messages: &[OutboxMessage]) -> Result<(), StoreError> {
    let mut counts = HashMap::new();
    for topic in topics_of(messages) {
        let n = partition_count(conn, &topic)?.ok_or_else(|| LogError::UnknownTopic(topic.clone()))?;
        counts.insert(topic, n);
    }
    let placement = Placement::new(messages, &counts)?;
    let mut first = HashMap::new();
    for (topic, partition, _) in placement.partitions() {
        first.insert((topic.to_owned(), partition), end_offset(conn, topic, partition)?);
    }
    let now = ts(crate::clock::now());
    let mut insert = conn.prepare_cached(
        "INSERT INTO log_records (topic, partition, offset, key, value, headers, timestamp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (message, (partition, offset)) in messages.iter().zip(placement.offsets(messages, &first)?) {
        insert.execute(params![
            message.topic,
            partition,
            offset as i64,
            message.key,
            message.value,
            to_json(&message.headers)?,
            now
        ])?;
    }
    Ok(())
}

/// Records a group's positions; never moves a committed position backwards.
pub(super) fn store_positions(
    conn: &Connection,
    group: &str,
    positions: &[Position],
) -> Result<(), StoreError> {
    let now = ts(crate::clock::now());
    let mut upsert = conn.prepare_cached(
        "INSERT INTO log_offsets (group_id, topic, partition, next_offset, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (group_id, topic, partition) DO UPDATE
         SET next_offset = max(next_offset, excluded.next_offset), updated_at = excluded.updated_at",
    )?;
    for p in positions {
        upsert.execute(params![group, p.topic, p.partition, p.next_offset as i64, now])?;
    }
    Ok(())
}

fn committed_positions(conn: &Connection, group: &str, topic: &str) -> Result<HashMap<u32, u64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT partition, next_offset FROM log_offsets WHERE group_id = ?1 AND topic = ?2",
    )?;
    let rows = stmt.query_map(params![group, topic], |row| {
        Ok((row.get::<_, u32>(0)?, row.get::<_, i64>(1)? as u64))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn read_partition(
    conn: &Connection,
    topic: &str,
    partition: u32,
    from: u64,
    max: usize,
) -> Result<Vec<Record>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT offset, key, value, headers, timestamp FROM log_records
         WHERE topic = ?1 AND partition = ?2 AND offset >= ?3 ORDER BY offset LIMIT ?4",
    )?;
    let mut rows = stmt.query(params![topic, partition, from as i64, max as i64])?;
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        records.push(Record {
            topic: topic.to_owned(),
            partition,
            offset: row.get::<_, i64>(0)? as u64,
            key: row.get(1)?,
            value: row.get(2)?,
            headers: parse_json(&row.get::<_, String>(3)?)?,
            timestamp: parse_ts(&row.get::<_, String>(4)?)?,
        });
    }
    Ok(records)
}

#[async_trait]
impl EventLog for SqliteLog {
    async fn ensure_topics(&self, names: &[String], partitions: u32) -> Result<(), LogError> {
        let names = names.to_vec();
        self.engine
            .write(move |conn| {
                let mut insert = conn
                    .prepare_cached("INSERT OR IGNORE INTO log_topics (name, partitions) VALUES (?1, ?2)")?;
                for name in &names {
                    insert.execute(params![name, partitions.max(1)])?;
                    let existing = partition_count(conn, name)?;
                    if existing != Some(partitions.max(1)) {
                        tracing::warn!(topic = %name, ?existing, requested = partitions,
                            "topic exists with another partition count; keeping it");
                    }
                }
                Ok(())
            })
            .await?;
        Ok(())
    }

    async fn topics(&self) -> Result<Vec<TopicInfo>, LogError> {
        Ok(self
            .engine
            .read(|conn| {
                let mut stmt =
                    conn.prepare_cached("SELECT name, partitions FROM log_topics ORDER BY name")?;
                let topics: Vec<(String, u32)> = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                topics
                    .into_iter()
                    .map(|(name, count)| {
                        let partitions = (0..count)
                            .map(|p| {
                                Ok(PartitionInfo {
                                    partition: p,
                                    end_offset: end_offset(conn, &name, p)?,
                                })
                            })
                            .collect::<Result<_, StoreError>>()?;
                        Ok(TopicInfo { name, partitions })
                    })
                    .collect()
            })
            .await?)
    }

    async fn groups(&self) -> Result<Vec<GroupOffset>, LogError> {
        Ok(self
            .engine
            .read(|conn| {
                // Every partition of every topic a group has committed on, 0 where it has not yet.
                let mut stmt = conn.prepare_cached(
                    "SELECT g.group_id, g.topic, t.partitions FROM (SELECT DISTINCT group_id, topic FROM log_offsets) g
                     JOIN log_topics t ON t.name = g.topic ORDER BY g.group_id, g.topic",
                )?;
                let subscriptions: Vec<(String, String, u32)> =
                    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
                let mut offsets = Vec::new();
                for (group, topic, partitions) in subscriptions {
                    let committed = committed_positions(conn, &group, &topic)?;
                    for partition in 0..partitions {
                        let committed = committed.get(&partition).copied().unwrap_or(0);
                        let end_offset = end_offset(conn, &topic, partition)?;
                        offsets.push(GroupOffset { group: group.clone(), topic: topic.clone(), partition, committed, end_offset, owner: None });
                    }
                }
                Ok(offsets)
            })
            .await?)
    }

    async fn append(&self, messages: Vec<OutboxMessage>) -> Result<(), LogError> {
        self.engine
            .write(move |conn| append_records(conn, &messages))
            .await?;
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
        let topic = topic.to_owned();
        Ok(self
            .engine
            .read(move |conn| read_partition(conn, &topic, partition, from, max))
            .await?)
    }

    async fn subscribe(&self, group: &str, topic: &str) -> Result<Box<dyn Consumer>, LogError> {
        let (group, topic) = (group.to_owned(), topic.to_owned());
        let (g, t) = (group.clone(), topic.clone());
        let (partitions, committed) = self
            .engine
            .read(move |conn| {
                let count = partition_count(conn, &t)?
                    .ok_or_else(|| StoreError::Log(LogError::UnknownTopic(t.clone())))?;
                Ok((count, committed_positions(conn, &g, &t)?))
            })
            .await?;
        let mut cursor = Cursor::default();
        cursor.own(&(0..partitions).collect::<Vec<_>>(), &committed);
        Ok(Box::new(SqliteConsumer {
            log: self.clone(),
            group,
            topic,
            cursor,
            changed: self.engine.inner.log_changed.subscribe(),
        }))
    }

    async fn ping(&self) -> Result<(), LogError> {
        Ok(self
            .engine
            .read(|conn| Ok(conn.query_row("SELECT count(*) FROM log_topics", [], |_| Ok(()))?))
            .await?)
    }

    /// Liveness is not visible here (the embedded group lives in one process): the caller checks
    /// that no process holds the worker's role lock.
    async fn reset_offsets(
        &self,
        group: &str,
        topic: &str,
        to: OffsetReset,
    ) -> Result<Vec<GroupOffset>, LogError> {
        let (group, topic) = (group.to_owned(), topic.to_owned());
        Ok(self
            .engine
            .write(move |conn| {
                let partitions = partition_count(conn, &topic)?
                    .ok_or_else(|| StoreError::Log(LogError::UnknownTopic(topic.clone())))?;
                let mut ends = Vec::with_capacity(partitions as usize);
                for partition in 0..partitions {
                    ends.push((partition, end_offset(conn, &topic, partition)?));
                }
                let result = reset_positions(&group, &topic, ends, to);
                let mut upsert = conn.prepare_cached(
                    "INSERT INTO log_offsets (group_id, topic, partition, next_offset, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (group_id, topic, partition) DO UPDATE
                     SET next_offset = excluded.next_offset, updated_at = excluded.updated_at",
                )?;
                let now = ts(crate::clock::now());
                for o in &result {
                    upsert.execute(params![group, topic, o.partition, o.committed as i64, now])?;
                }
                Ok(result)
            })
            .await?)
    }
}

#[async_trait]
impl Relay for SqliteLog {
    async fn relay_batch(&self, max: usize) -> Result<usize, LogError> {
        let moved = self
            .engine
            .write(move |conn| {
                let (last_id, messages) = super::writes::oldest_outbox(conn, max)?;
                if let Some(last_id) = last_id {
                    append_records(conn, &messages)?;
                    conn.prepare_cached("DELETE FROM outbox WHERE id <= ?1")?
                        .execute([last_id])?;
                }
                Ok(messages)
            })
            .await?;
        if !moved.is_empty() {
            crate::metrics::count_produced(&moved);
            self.appended();
        }
        Ok(moved.len())
    }
}

/// One group member reading every partition of one topic. The embedded log serves one process,
/// so there is no partition assignment: a group has one consumer per topic.
struct SqliteConsumer {
    log: SqliteLog,
    group: String,
    topic: String,
    cursor: Cursor,
    changed: watch::Receiver<u64>,
}

#[async_trait]
impl Consumer for SqliteConsumer {
    async fn poll(&mut self, max: usize, wait: Duration) -> Result<Vec<Record>, LogError> {
        let deadline = Instant::now() + wait;
        let per_partition = self.cursor.per_partition(max);
        loop {
            // Mark the current version seen before reading, so an append racing with the read
            // still wakes the wait below.
            self.changed.borrow_and_update();
            let topic = self.topic.clone();
            let from = self.cursor.fetch_from().clone();
            let records = self
                .log
                .engine
                .read(move |conn| {
                    let mut all = Vec::new();
                    for (partition, offset) in from {
                        all.extend(read_partition(conn, &topic, partition, offset, per_partition)?);
                    }
                    Ok(all)
                })
                .await?;
            if !records.is_empty() {
                // Before acting on a record (a mail sent), it must be on disk, or a power cut
                // could take back the application a mail was about (sqlite::syncer).
                self.log.engine.settled().await?;
                self.cursor.advance(&records);
                return Ok(records);
            }
            if !wait_for_records(&mut self.changed, deadline, CROSS_PROCESS_POLL).await {
                return Ok(records);
            }
        }
    }

    async fn commit(&mut self, positions: &[Position]) -> Result<(), LogError> {
        let ahead = self.cursor.ahead(&self.topic, positions);
        if ahead.is_empty() {
            return Ok(());
        }
        let group = self.group.clone();
        let written = ahead.clone();
        self.log
            .engine
            .write(move |conn| store_positions(conn, &group, &written))
            .await?;
        self.cursor.committed(&ahead);
        Ok(())
    }

    fn offsets_in_database(&self) -> bool {
        true
    }

    fn assignment(&self) -> Vec<u32> {
        self.cursor.partitions()
    }

    async fn close(self: Box<Self>) -> Result<(), LogError> {
        // One member per group: there is nobody to hand partitions to.
        Ok(())
    }

    async fn rewind(&mut self) -> Result<(), LogError> {
        let (group, topic) = (self.group.clone(), self.topic.clone());
        let committed = self
            .log
            .engine
            .read(move |conn| committed_positions(conn, &group, &topic))
            .await?;
        self.cursor.rewind(&committed);
        Ok(())
    }
}
