//! Consumer-group members, plain partition reads, and group offsets, on Kafka.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer as _, StreamConsumer};
use rdkafka::message::{BorrowedMessage, Headers, Message};
use rdkafka::{Offset, TopicPartitionList};

use super::{KafkaLog, METADATA_TIMEOUT, blocking_failed};
use crate::error::LogError;
use crate::log::Consumer;
use crate::model::{GroupOffset, Position, Record};

/// After the first record of a poll, how long to wait for more before handing the batch over.
const BATCH_LINGER: Duration = Duration::from_millis(5);

fn record(log: &KafkaLog, message: &BorrowedMessage<'_>) -> Record {
    let headers = message
        .headers()
        .map(|h| {
            h.iter()
                .map(|header| {
                    (
                        header.key.to_owned(),
                        String::from_utf8_lossy(header.value.unwrap_or_default()).into_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Record {
        topic: log.logical(message.topic()).unwrap_or(message.topic()).to_owned(),
        partition: message.partition() as u32,
        offset: message.offset() as u64,
        key: message.key().map(|k| String::from_utf8_lossy(k).into_owned()),
        value: message.payload().unwrap_or_default().to_vec(),
        headers,
        timestamp: message
            .timestamp()
            .to_millis()
            .and_then(DateTime::from_timestamp_millis)
            .unwrap_or_else(Utc::now),
    }
}

fn is_fatal(error: &rdkafka::error::KafkaError) -> bool {
    matches!(error, rdkafka::error::KafkaError::MessageConsumptionFatal(_))
        || error.rdkafka_error_code() == Some(rdkafka::types::RDKafkaErrorCode::Fatal)
}

/// A member of a Kafka consumer group. Offsets are committed by hand, after the effects.
pub(super) struct KafkaConsumer {
    log: KafkaLog,
    group: String,
    topic: String,
    consumer: Arc<StreamConsumer>,
}

impl KafkaConsumer {
    pub(super) fn join(log: &KafkaLog, group: &str, topic: &str) -> Result<Self, LogError> {
        let consumer: StreamConsumer = log
            .inner
            .options
            .client_config_over(
                group,
                &[
                    ("auto.offset.reset", "earliest"),
                    ("session.timeout.ms", "10000"),
                    ("max.poll.interval.ms", "300000"),
                ],
            )
            // Not overridable: offsets are committed by hand, after the effects.
            .set("group.id", log.physical(group))
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .create()?;
        consumer.subscribe(&[&log.physical(topic)])?;
        Ok(Self {
            log: log.clone(),
            group: group.to_owned(),
            topic: topic.to_owned(),
            consumer: Arc::new(consumer),
        })
    }
}

#[async_trait]
impl Consumer for KafkaConsumer {
    async fn poll(&mut self, max: usize, wait: Duration) -> Result<Vec<Record>, LogError> {
        let mut records = Vec::new();
        match tokio::time::timeout(wait, self.consumer.recv()).await {
            Err(_) => return Ok(records),
            // librdkafka reconnects and rejoins by itself; most errors it reports here are news,
            // not a broken consumer. Only fatal ones end this member.
            Ok(Err(error)) if !is_fatal(&error) => {
                tracing::warn!(group = %self.group, %error, "kafka consumer error; librdkafka is recovering");
                return Ok(records);
            }
            Ok(Err(error)) => return Err(error.into()),
            Ok(Ok(message)) => records.push(record(&self.log, &message)),
        }
        while records.len() < max {
            match tokio::time::timeout(BATCH_LINGER, self.consumer.recv()).await {
                Ok(Ok(message)) => records.push(record(&self.log, &message)),
                _ => break,
            }
        }
        Ok(records)
    }

    async fn commit(&mut self, positions: &[Position]) -> Result<(), LogError> {
        let mut list = TopicPartitionList::new();
        for p in positions.iter().filter(|p| p.topic == self.topic) {
            list.add_partition_offset(
                &self.log.physical(&p.topic),
                p.partition as i32,
                Offset::Offset(p.next_offset as i64),
            )?;
        }
        if list.count() == 0 {
            return Ok(());
        }
        let consumer = self.consumer.clone();
        tokio::task::spawn_blocking(move || consumer.commit(&list, CommitMode::Sync))
            .await
            .map_err(blocking_failed)??;
        Ok(())
    }

    /// Rejoins the group: the fresh member starts from the committed offsets.
    async fn rewind(&mut self) -> Result<(), LogError> {
        let fresh = Self::join(&self.log, &self.group, &self.topic)?;
        let old = std::mem::replace(&mut self.consumer, fresh.consumer);
        tokio::task::spawn_blocking(move || drop(old))
            .await
            .map_err(blocking_failed)?;
        Ok(())
    }

    fn assignment(&self) -> Vec<u32> {
        let mut partitions: Vec<u32> = self
            .consumer
            .assignment()
            .map(|list| list.elements().iter().map(|e| e.partition() as u32).collect())
            .unwrap_or_default();
        partitions.sort_unstable();
        partitions
    }

    /// Unsubscribing and closing leaves the group, so the others take over at once.
    async fn close(self: Box<Self>) -> Result<(), LogError> {
        let consumer = self.consumer;
        tokio::task::spawn_blocking(move || {
            consumer.unsubscribe();
            drop(consumer);
        })
        .await
        .map_err(blocking_failed)?;
        Ok(())
    }
}

/// How long a partition read waits for more records before taking the partition as read.
const TAIL_IDLE: Duration = Duration::from_millis(200);

/// Polls `reader` (already assigned) until `max` records, or nothing new for [`TAIL_IDLE`] after
/// the first record, or nothing at all for `first_wait`.
fn drain(
    log: &KafkaLog,
    reader: &BaseConsumer,
    max: usize,
    first_wait: Duration,
) -> Result<Vec<Record>, LogError> {
    let mut records = Vec::new();
    let deadline = std::time::Instant::now() + METADATA_TIMEOUT;
    // Before the first record the idle clock runs from "first_wait - TAIL_IDLE" ahead.
    let mut last_seen = std::time::Instant::now() + first_wait.saturating_sub(TAIL_IDLE);
    while records.len() < max
        && std::time::Instant::now().saturating_duration_since(last_seen) < TAIL_IDLE
        && std::time::Instant::now() < deadline
    {
        match reader.poll(Duration::from_millis(20)) {
            Some(Ok(message)) => {
                records.push(record(log, &message));
                last_seen = std::time::Instant::now();
            }
            // One broker of several being down is librdkafka's to recover from (the partitions'
            // leaders move); with every broker down the read fails.
            Some(Err(error))
                if error.rdkafka_error_code()
                    == Some(rdkafka::types::RDKafkaErrorCode::BrokerTransportFailure) =>
            {
                tracing::debug!(%error, "kafka read: librdkafka is recovering");
            }
            Some(Err(error)) => return Err(error.into()),
            None => {}
        }
    }
    Ok(records)
}

/// The offset after the last record of a partition: its high watermark.
pub(super) fn end_offset(reader: &BaseConsumer, topic: &str, partition: i32) -> Result<u64, LogError> {
    let (_, high) = reader.fetch_watermarks(topic, partition, METADATA_TIMEOUT)?;
    Ok(high.max(0) as u64)
}

/// Reads one partition from `from` without joining a group.
pub(super) async fn read_partition(
    log: &KafkaLog,
    topic: &str,
    partition: u32,
    from: u64,
    max: usize,
) -> Result<Vec<Record>, LogError> {
    let reader = log.reader()?;
    let (log, physical) = (log.clone(), log.physical(topic));
    tokio::task::spawn_blocking(move || {
        let (_, high) = reader.fetch_watermarks(&physical, partition as i32, METADATA_TIMEOUT)?;
        if max == 0 || (from as i64) >= high {
            return Ok(Vec::new());
        }
        let mut list = TopicPartitionList::new();
        list.add_partition_offset(&physical, partition as i32, Offset::Offset(from as i64))?;
        reader.assign(&list)?;
        drain(&log, &reader, max, METADATA_TIMEOUT)
    })
    .await
    .map_err(blocking_failed)?
}

/// Reads a consumer-protocol member assignment (version, [topic, [partition]], user data).
fn assigned_partitions(bytes: &[u8]) -> Vec<(String, u32)> {
    fn take<const N: usize>(bytes: &mut &[u8]) -> Option<[u8; N]> {
        let (head, rest) = bytes.split_first_chunk::<N>()?;
        *bytes = rest;
        Some(*head)
    }
    let mut cursor = bytes;
    let mut assigned = Vec::new();
    let parse = |cursor: &mut &[u8], assigned: &mut Vec<(String, u32)>| -> Option<()> {
        take::<2>(cursor)?;
        let topics = i32::from_be_bytes(take::<4>(cursor)?);
        for _ in 0..topics.max(0) {
            let len = i16::from_be_bytes(take::<2>(cursor)?).max(0) as usize;
            let (name, rest) = cursor.split_at_checked(len)?;
            *cursor = rest;
            let name = String::from_utf8_lossy(name).into_owned();
            let partitions = i32::from_be_bytes(take::<4>(cursor)?);
            for _ in 0..partitions.max(0) {
                assigned.push((name.clone(), i32::from_be_bytes(take::<4>(cursor)?) as u32));
            }
        }
        Some(())
    };
    let _ = parse(&mut cursor, &mut assigned);
    assigned
}

/// Committed offsets, end offsets and owners for pvara's groups.
pub(super) async fn group_offsets(log: &KafkaLog) -> Result<Vec<GroupOffset>, LogError> {
    let reader = log.reader()?;
    let log = log.clone();
    tokio::task::spawn_blocking(move || {
        let metadata = reader.fetch_metadata(None, METADATA_TIMEOUT)?;
        let topics: Vec<(String, Vec<i32>)> = metadata
            .topics()
            .iter()
            .filter(|t| log.logical(t.name()).is_some_and(|n| !n.starts_with("__")))
            .map(|t| {
                (
                    t.name().to_owned(),
                    t.partitions().iter().map(|p| p.id()).collect(),
                )
            })
            .collect();
        let mut owners: HashMap<(String, String, u32), String> = HashMap::new();
        let mut groups: Vec<String> = pvara_domain::event::GROUPS
            .iter()
            .map(|g| log.physical(g.name))
            .collect();
        if let Ok(list) = reader.fetch_group_list(None, METADATA_TIMEOUT) {
            for group in list.groups() {
                if log.logical(group.name()).is_some() && !groups.iter().any(|g| g == group.name()) {
                    groups.push(group.name().to_owned());
                }
                for member in group.members() {
                    for (topic, partition) in member.assignment().map(assigned_partitions).unwrap_or_default()
                    {
                        owners.insert(
                            (group.name().to_owned(), topic, partition),
                            member.client_id().to_owned(),
                        );
                    }
                }
            }
        }
        let mut offsets = Vec::new();
        let mut ends: HashMap<(String, i32), u64> = HashMap::new();
        for group in groups {
            let member: BaseConsumer = log
                .inner
                .options
                .client_config("groups")
                .set("group.id", &group)
                .create()?;
            let mut wanted = TopicPartitionList::new();
            for (topic, partitions) in &topics {
                for p in partitions {
                    wanted.add_partition(topic, *p);
                }
            }
            let committed = member.committed_offsets(wanted, METADATA_TIMEOUT)?;
            for (topic, partitions) in &topics {
                let rows: Vec<(i32, Option<i64>)> = partitions
                    .iter()
                    .map(|p| {
                        let offset = committed
                            .find_partition(topic, *p)
                            .and_then(|e| e.offset().to_raw())
                            .filter(|o| *o >= 0);
                        (*p, offset)
                    })
                    .collect();
                if rows.iter().all(|(_, o)| o.is_none()) {
                    continue;
                }
                for (partition, offset) in rows {
                    let end = match ends.get(&(topic.clone(), partition)) {
                        Some(&end) => end,
                        None => {
                            let end = end_offset(&reader, topic, partition)?;
                            ends.insert((topic.clone(), partition), end);
                            end
                        }
                    };
                    offsets.push(GroupOffset {
                        group: log.logical(&group).unwrap_or(&group).to_owned(),
                        topic: log.logical(topic).unwrap_or(topic).to_owned(),
                        partition: partition as u32,
                        committed: offset.unwrap_or(0) as u64,
                        end_offset: end,
                        owner: owners
                            .get(&(group.clone(), topic.clone(), partition as u32))
                            .cloned(),
                    });
                }
            }
        }
        offsets.sort_by(|a, b| (&a.group, &a.topic, a.partition).cmp(&(&b.group, &b.topic, b.partition)));
        Ok(offsets)
    })
    .await
    .map_err(blocking_failed)?
}

/// Commits new positions for an empty group; Kafka itself refuses commits from outside a group
/// that has members, and so does this check first.
pub(super) async fn reset_offsets(
    log: &KafkaLog,
    group: &str,
    topic: &str,
    to: crate::model::OffsetReset,
) -> Result<Vec<GroupOffset>, LogError> {
    let partitions = log.partitions_of(topic).await?;
    let reader = log.reader()?;
    let (log, group, topic) = (log.clone(), group.to_owned(), topic.to_owned());
    tokio::task::spawn_blocking(move || {
        let physical_group = log.physical(&group);
        let list = reader.fetch_group_list(Some(&physical_group), METADATA_TIMEOUT)?;
        if list
            .groups()
            .iter()
            .any(|g| g.name() == physical_group && !g.members().is_empty())
        {
            return Err(LogError::GroupActive(group));
        }
        let physical = log.physical(&topic);
        let mut commit = TopicPartitionList::new();
        let mut result = Vec::new();
        for partition in 0..partitions as i32 {
            let end = end_offset(&reader, &physical, partition)?;
            let position = to.position(end);
            commit.add_partition_offset(&physical, partition, Offset::Offset(position as i64))?;
            result.push(GroupOffset {
                group: group.clone(),
                topic: topic.clone(),
                partition: partition as u32,
                committed: position,
                end_offset: end,
                owner: None,
            });
        }
        let member: BaseConsumer = log
            .inner
            .options
            .client_config("groups")
            .set("group.id", &physical_group)
            .create()?;
        member.commit(&commit, CommitMode::Sync)?;
        Ok(result)
    })
    .await
    .map_err(blocking_failed)?
}

#[cfg(test)]
mod tests {
    use super::assigned_partitions;

    #[test]
    fn member_assignments_are_decoded() {
        let mut bytes = vec![0, 0, 0, 0, 0, 1, 0, 5];
        bytes.extend(b"topic");
        bytes.extend([0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 0]);
        assert_eq!(
            assigned_partitions(&bytes),
            vec![("topic".to_owned(), 1), ("topic".to_owned(), 7)]
        );
        assert!(assigned_partitions(&[0, 1]).is_empty());
    }
}
