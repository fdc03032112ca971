//! The event-log traits: what the relay publishes to and what workers consume from.

pub(crate) mod shared;

use std::time::Duration;

use async_trait::async_trait;

use crate::error::LogError;
use crate::model::{GroupOffset, OffsetReset, OutboxMessage, Position, Record, TopicInfo};

/// A partitioned, append-only log with consumer groups (Kafka's model).
#[async_trait]
pub trait EventLog: Send + Sync + 'static {
    /// Creates missing topics with `partitions` partitions; existing topics are left as they are.
    async fn ensure_topics(&self, names: &[String], partitions: u32) -> Result<(), LogError>;
    async fn topics(&self) -> Result<Vec<TopicInfo>, LogError>;
    async fn groups(&self) -> Result<Vec<GroupOffset>, LogError>;

    /// Appends directly, bypassing the outbox. For operators' tools and tests (injecting a poison
    /// record); pvara's own state changes always go through the outbox.
    async fn append(&self, messages: Vec<OutboxMessage>) -> Result<(), LogError>;
    /// Reads records of one partition from `from`, for tools and tests.
    async fn read(&self, topic: &str, partition: u32, from: u64, max: usize)
    -> Result<Vec<Record>, LogError>;

    /// Joins `group` on `topic`, starting from the group's committed positions (earliest if none).
    async fn subscribe(&self, group: &str, topic: &str) -> Result<Box<dyn Consumer>, LogError>;
    async fn ping(&self) -> Result<(), LogError>;

    /// Moves `group`'s committed positions on `topic` (an operator's repair), refusing with
    /// `GroupActive` while the group has live members. Returns the new positions.
    async fn reset_offsets(
        &self,
        group: &str,
        topic: &str,
        to: OffsetReset,
    ) -> Result<Vec<GroupOffset>, LogError>;
}

/// One member of a consumer group.
#[async_trait]
pub trait Consumer: Send {
    /// Returns up to `max` records, waiting up to `wait` for the first one. Records of a partition
    /// come in offset order; a later poll continues after the last record returned.
    async fn poll(&mut self, max: usize, wait: Duration) -> Result<Vec<Record>, LogError>;
    /// Marks everything before `positions` as processed. Call only after the effects committed.
    async fn commit(&mut self, positions: &[Position]) -> Result<(), LogError>;
    /// Whether this group's positions live in the database the effects are written to (the
    /// embedded logs). Then a worker stores them in its effects' own transaction (exactly once,
    /// see `WorkBatch::checkpoint`) and does not `commit`; otherwise (Kafka) it commits to the
    /// log after the effects, and the database holds no positions.
    fn offsets_in_database(&self) -> bool {
        false
    }
    /// Forgets uncommitted progress: the next poll starts again from the committed positions.
    async fn rewind(&mut self) -> Result<(), LogError>;
    /// The partitions this member currently owns (Kafka's `assignment()`).
    fn assignment(&self) -> Vec<u32>;
    /// Leaves the group at once, so its partitions go to the other members without waiting for a
    /// timeout. Call after the last commit.
    async fn close(self: Box<Self>) -> Result<(), LogError>;
}

/// Where a relay sends outbox rows when the log is not in the database (Kafka). `publish` returns
/// only once every message is durably on the log (acknowledged by the brokers).
#[async_trait]
pub trait Publisher: Send + Sync {
    async fn publish(&self, messages: &[OutboxMessage]) -> Result<(), LogError>;
}

/// Moves committed outbox rows onto the log.
#[async_trait]
pub trait Relay: Send + Sync + 'static {
    /// Publishes up to `max` of the oldest outbox rows in commit order and removes them from the
    /// outbox once the log has them. Returns how many were moved.
    async fn relay_batch(&self, max: usize) -> Result<usize, LogError>;
}
