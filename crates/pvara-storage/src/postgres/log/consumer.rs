//! Consumer-group members of the embedded PostgreSQL log: each heartbeats, takes its share of
//! the partitions by lease, and reads them from the committed positions.

use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use super::{
    CROSS_PROCESS_POLL, MEMBER_TIMEOUT_SECS, PgLog, REBALANCE_EVERY, committed, read_partitions,
    store_positions,
};
use crate::error::{LogError, StoreError};
use crate::log::Consumer;
use crate::log::shared::{Cursor, wait_for_records};
use crate::model::{Position, Record};

/// A group member that owns a share of the topic's partitions through leases.
pub(super) struct PgConsumer {
    log: PgLog,
    group: String,
    topic: String,
    partitions: u32,
    member: Uuid,
    /// Owned partitions, what was handed out and what is committed in each.
    cursor: Cursor,
    rebalanced_at: Option<Instant>,
    changed: watch::Receiver<u64>,
}

impl PgConsumer {
    /// A new member of `group`, owning nothing until its first poll rebalances.
    pub(super) fn new(log: PgLog, group: &str, topic: &str, partitions: u32) -> Self {
        let changed = log.engine.inner.log_changed.subscribe();
        Self {
            log,
            group: group.to_owned(),
            topic: topic.to_owned(),
            partitions,
            member: Uuid::new_v4(),
            cursor: Cursor::default(),
            rebalanced_at: None,
            changed,
        }
    }

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
        self.cursor.own(&got, &positions);
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
            let per_partition = self.cursor.per_partition(max);
            let mut conn = self.log.engine.pool().acquire().await?;
            let records =
                read_partitions(&mut conn, &self.topic, self.cursor.fetch_from(), per_partition).await?;
            drop(conn);
            if !records.is_empty() {
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
        let mut conn = self.log.engine.pool().acquire().await?;
        store_positions(&mut conn, &self.group, &ahead).await?;
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
        self.cursor.rewind(&positions);
        Ok(())
    }
}
