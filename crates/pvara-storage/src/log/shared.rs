//! What the two database-backed logs (SQLite and PostgreSQL) do the same way, written once: where
//! an append puts each record, how a consumer tracks what it handed out and what is committed,
//! how it waits for new records, and what an offset reset moves. Each engine keeps only its SQL.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::error::LogError;
use crate::model::{GroupOffset, OffsetReset, OutboxMessage, Position, Record};

/// Where the records of one append go: the partition of each message, in order, and how many
/// records each partition receives (to reserve its offsets in one step).
#[derive(Debug)]
pub(crate) struct Placement {
    partitions: Vec<u32>,
    per_partition: BTreeMap<(String, u32), u64>,
}

impl Placement {
    /// Places `messages` by the one partition rule, given each topic's partition count.
    pub(crate) fn new(messages: &[OutboxMessage], counts: &HashMap<String, u32>) -> Result<Self, LogError> {
        let mut partitions = Vec::with_capacity(messages.len());
        let mut per_partition = BTreeMap::new();
        for message in messages {
            let count = counts
                .get(&message.topic)
                .ok_or_else(|| LogError::UnknownTopic(message.topic.clone()))?;
            let partition = message.partition(*count);
            *per_partition
                .entry((message.topic.clone(), partition))
                .or_default() += 1;
            partitions.push(partition);
        }
        Ok(Self {
            partitions,
            per_partition,
        })
    }

    /// Each partition receiving records, in a fixed order (so that engines locking partition
    /// counters take the locks in the same order and cannot deadlock), with its record count.
    pub(crate) fn partitions(&self) -> impl Iterator<Item = (&str, u32, u64)> {
        self.per_partition
            .iter()
            .map(|((topic, partition), n)| (topic.as_str(), *partition, *n))
    }

    /// The partition and offset of every message, in order, given the first free offset of each
    /// partition in [`Self::partitions`]. Offsets stay dense: each partition's records follow on.
    pub(crate) fn offsets(
        &self,
        messages: &[OutboxMessage],
        first: &HashMap<(String, u32), u64>,
    ) -> Result<Vec<(u32, u64)>, LogError> {
        let mut next = first.clone();
        messages
            .iter()
            .zip(&self.partitions)
            .map(|(message, &partition)| {
                let slot = next
                    .get_mut(&(message.topic.clone(), partition))
                    .ok_or_else(|| LogError::UnknownTopic(message.topic.clone()))?;
                let offset = *slot;
                *slot += 1;
                Ok((partition, offset))
            })
            .collect()
    }
}

/// The distinct topics of an append, to look up their partition counts once each.
pub(crate) fn topics_of(messages: &[OutboxMessage]) -> Vec<String> {
    let mut topics: Vec<String> = messages.iter().map(|m| m.topic.clone()).collect();
    topics.sort_unstable();
    topics.dedup();
    topics
}

/// A consumer's progress in the partitions it owns: the next offset to hand out (which runs
/// ahead of the committed one until the worker commits) and the committed position.
#[derive(Debug, Default)]
pub(crate) struct Cursor {
    fetch: BTreeMap<u32, u64>,
    committed: BTreeMap<u32, u64>,
}

impl Cursor {
    /// Keeps only `owned` partitions and starts each newly owned one at its committed position.
    pub(crate) fn own(&mut self, owned: &[u32], committed: &HashMap<u32, u64>) {
        self.fetch.retain(|p, _| owned.contains(p));
        self.committed.retain(|p, _| owned.contains(p));
        for &p in owned {
            let start = committed.get(&p).copied().unwrap_or(0);
            self.fetch.entry(p).or_insert(start);
            self.committed.entry(p).or_insert(start);
        }
    }

    /// Each owned partition and the offset its next read starts from.
    pub(crate) fn fetch_from(&self) -> &BTreeMap<u32, u64> {
        &self.fetch
    }

    /// How many records to read from each partition for a poll of `max`, so that one busy
    /// partition cannot starve the others.
    pub(crate) fn per_partition(&self, max: usize) -> usize {
        (max / self.fetch.len().max(1)).max(1)
    }

    /// Moves past records just handed out.
    pub(crate) fn advance(&mut self, records: &[Record]) {
        for record in records {
            self.fetch.insert(record.partition, record.offset + 1);
        }
    }

    /// The positions of `topic` among `positions` that move an owned partition forward: a
    /// commit never moves a position backwards, nor writes one that did not change.
    pub(crate) fn ahead(&self, topic: &str, positions: &[Position]) -> Vec<Position> {
        positions
            .iter()
            .filter(|p| {
                p.topic == topic
                    && self
                        .committed
                        .get(&p.partition)
                        .is_some_and(|&c| p.next_offset > c)
            })
            .cloned()
            .collect()
    }

    /// Records that `positions` (from [`Self::ahead`]) are now committed.
    pub(crate) fn committed(&mut self, positions: &[Position]) {
        for p in positions {
            self.committed.insert(p.partition, p.next_offset);
        }
    }

    /// Forgets what was handed out but not committed: reads start again from `committed`.
    pub(crate) fn rewind(&mut self, committed: &HashMap<u32, u64>) {
        for (p, next) in self.fetch.iter_mut() {
            *next = committed.get(p).copied().unwrap_or(0);
            self.committed.insert(*p, *next);
        }
    }

    pub(crate) fn partitions(&self) -> Vec<u32> {
        self.fetch.keys().copied().collect()
    }
}

/// Waits for this process to append (the `changed` notification) or for `cross_process` to pass,
/// since appends by another process notify nobody. False once `deadline` has passed: the poll
/// returns empty-handed.
pub(crate) async fn wait_for_records(
    changed: &mut watch::Receiver<u64>,
    deadline: Instant,
    cross_process: Duration,
) -> bool {
    let now = Instant::now();
    if now >= deadline {
        return false;
    }
    // A closed channel means the engine is gone; the next read reports it.
    let _ = tokio::time::timeout_at(deadline.min(now + cross_process), changed.changed()).await;
    true
}

/// The positions an offset reset writes for `group` on `topic`, given each partition's end.
pub(crate) fn reset_positions(
    group: &str,
    topic: &str,
    ends: impl IntoIterator<Item = (u32, u64)>,
    to: OffsetReset,
) -> Vec<GroupOffset> {
    ends.into_iter()
        .map(|(partition, end)| GroupOffset {
            group: group.to_owned(),
            topic: topic.to_owned(),
            partition,
            committed: to.position(end),
            end_offset: end,
            owner: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, key: &str) -> OutboxMessage {
        OutboxMessage {
            topic: topic.into(),
            key: Some(key.into()),
            value: b"{}".to_vec(),
            headers: Vec::new(),
        }
    }

    #[test]
    fn placement_keeps_each_partition_dense_and_in_order() {
        let messages: Vec<_> = (0..20).map(|i| message("t", &format!("k{}", i % 5))).collect();
        let counts = HashMap::from([("t".to_owned(), 3)]);
        let placement = Placement::new(&messages, &counts).expect("known topic");
        let first: HashMap<(String, u32), u64> = placement
            .partitions()
            .map(|(t, p, _)| ((t.to_owned(), p), 10 * u64::from(p)))
            .collect();
        let placed = placement.offsets(&messages, &first).expect("offsets");
        for (topic, partition, n) in placement.partitions() {
            let mut offsets: Vec<u64> = placed
                .iter()
                .filter(|(p, _)| *p == partition)
                .map(|(_, o)| *o)
                .collect();
            assert_eq!(offsets.len() as u64, n, "{topic}/{partition}");
            let sorted = offsets.clone();
            offsets.sort_unstable();
            assert_eq!(offsets, sorted, "appended in order");
            let start = 10 * u64::from(partition);
            assert_eq!(offsets, (start..start + n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn placement_refuses_an_unknown_topic() {
        let error = Placement::new(&[message("nope", "k")], &HashMap::new()).expect_err("unknown");
        assert!(matches!(error, LogError::UnknownTopic(t) if t == "nope"));
    }

    #[test]
    fn cursor_commits_only_forward_and_rewinds_to_the_commit() {
        let mut cursor = Cursor::default();
        cursor.own(&[0, 1], &HashMap::from([(0, 5)]));
        assert_eq!(cursor.fetch_from(), &BTreeMap::from([(0, 5), (1, 0)]));
        let at = |partition, next_offset| Position {
            topic: "t".into(),
            partition,
            next_offset,
        };
        let ahead = cursor.ahead("t", &[at(0, 4), at(1, 3), at(2, 9)]);
        assert_eq!(
            ahead,
            vec![at(1, 3)],
            "backwards and unowned positions are dropped"
        );
        cursor.committed(&ahead);
        cursor.rewind(&HashMap::from([(0, 5), (1, 3)]));
        assert_eq!(cursor.fetch_from(), &BTreeMap::from([(0, 5), (1, 3)]));
        cursor.own(&[1], &HashMap::new());
        assert_eq!(cursor.partitions(), vec![1]);
    }

    #[test]
    fn reset_positions_follow_the_requested_point() {
        let ends = [(0, 7), (1, 2)];
        let latest = reset_positions("g", "t", ends, OffsetReset::Latest);
        assert_eq!(latest.iter().map(|o| o.committed).collect::<Vec<_>>(), [7, 2]);
        let at = reset_positions("g", "t", ends, OffsetReset::Offset(3));
        assert_eq!(at.iter().map(|o| o.committed).collect::<Vec<_>>(), [3, 2]);
    }
}
