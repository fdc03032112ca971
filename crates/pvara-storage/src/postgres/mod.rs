//! The PostgreSQL engine: data, outbox and (optionally) the event log in one PostgreSQL database,
//! shared by any number of pvara processes.
//!
//! PostgreSQL commits concurrent transactions in parallel (and groups their WAL flushes itself),
//! so unlike SQLite there is no single writer: each request takes a pooled connection. The one
//! exception is the busiest write, a submission: those are grouped into shared transactions
//! (`submit`), since their cost is per statement and per commit, not per row.

mod batch;
mod drafts;
mod imports;
mod log;
mod merit;
mod panel;
mod rows;
mod schema;
mod scores;
mod store;
mod submit;
mod tokens;
mod workspace;

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::watch;

use crate::error::{BoxError, LogError, StoreError};
pub use log::PgLog;

/// Outbox shards: how many relays can publish at once without reordering a key's events.
pub const OUTBOX_SHARDS: u32 = 8;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                if db.constraint() == Some("applications_reference") {
                    StoreError::Conflict(crate::error::REFERENCE_TAKEN)
                } else {
                    StoreError::Conflict("row")
                }
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound("referenced row")
            }
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_) => StoreError::Unavailable(error.to_string()),
            // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 08xxx connection,
            // 53xxx insufficient resources (53300 too many connections).
            sqlx::Error::Database(db)
                if db
                    .code()
                    .is_some_and(|c| ["57P", "08", "53"].iter().any(|class| c.starts_with(class))) =>
            {
                StoreError::Unavailable(error.to_string())
            }
            _ => StoreError::Backend(Box::new(error)),
        }
    }
}

impl From<sqlx::Error> for LogError {
    fn from(error: sqlx::Error) -> Self {
        match StoreError::from(error) {
            StoreError::Unavailable(message) => LogError::Unavailable(message),
            other => LogError::Backend(Box::new(other) as BoxError),
        }
    }
}

/// Maps a constraint violation to the store's own words for it.
fn on_constraint(error: sqlx::Error, conflict: &'static str, missing: &'static str) -> StoreError {
    match StoreError::from(error) {
        StoreError::Conflict(crate::error::REFERENCE_TAKEN) => {
            StoreError::Conflict(crate::error::REFERENCE_TAKEN)
        }
        StoreError::Conflict(_) => StoreError::Conflict(conflict),
        StoreError::NotFound(_) => StoreError::NotFound(missing),
        other => other,
    }
}

/// The PostgreSQL engine. Cheap to clone.
#[derive(Clone)]
pub struct PgEngine {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    outbox_changed: watch::Sender<u64>,
    log_changed: watch::Sender<u64>,
    /// Submissions waiting for a group commit (see `submit`).
    submissions: submit::Queue,
}

impl std::fmt::Debug for PgEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgEngine").finish_non_exhaustive()
    }
}

impl PgEngine {
    /// Connects to `url` and migrates the schema. The URL may carry credentials; it is never logged.
    /// `pool` bounds the connections this process opens: with many processes on one server, their
    /// pools together must stay under the server's `max_connections`.
    pub async fn open(url: &str, pool: u32) -> Result<Self, StoreError> {
        // The server's NOTICEs ("relation ... already exists, skipping" from an idempotent
        // migration) are not for operators: without this, every command printed them among its
        // answers.
        let options = url
            .parse::<sqlx::postgres::PgConnectOptions>()?
            .options([("client_min_messages", "warning")]);
        let pool = PgPoolOptions::new()
            .max_connections(pool.max(2))
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        schema::migrate(&pool).await?;
        let (submissions, queued) = submit::queue();
        let inner = Arc::new(Inner {
            pool,
            outbox_changed: watch::Sender::new(0),
            log_changed: watch::Sender::new(0),
            submissions,
        });
        submit::spawn_writer(Arc::downgrade(&inner), queued);
        Ok(PgEngine { inner })
    }

    pub fn log(&self) -> PgLog {
        PgLog::new(self.clone())
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    fn bump(sender: &watch::Sender<u64>) {
        sender.send_modify(|n| *n = n.wrapping_add(1));
    }
}
