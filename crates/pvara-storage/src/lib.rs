//! Where pvara keeps things: the [`Store`] (users, jobs, applications, history, the outbox) and the
//! [`EventLog`] (topics, partitions, consumer groups), each a trait with one module per engine.
//!
//! The services above only see the traits; [`open`] picks the engine from a URL, as atuin's server
//! does. SQL lives in the engine modules and nowhere else.
//!
//! # Layout
//! - [`model`]: the records the traits take and return.
//! - [`store`]: the [`Store`] trait, with the transactional outbox built in: every write that
//!   changes state takes the events it causes and commits both together.
//! - [`workspace`]: the [`Accounts`] (users, sessions), [`AccountTokens`] (mailed single-use
//!   tokens), [`Workspace`] (job counts, files, notes) and [`Audit`] traits behind the web portal;
//!   supertraits of [`Store`].
//! - [`panel`]: the [`Panels`] trait: interview panels and their scorecards.
//! - [`drafts`]: the [`Drafts`] trait: the apply page's draft between its steps.
//! - [`merit`]: the [`Merit`] trait: national recruitment's rules, declarations, marks, merit
//!   lists and representations.
//! - [`log`]: the [`EventLog`], [`Consumer`] and [`Relay`] traits.
//! - [`partition`]: which partition a record goes to, one rule for every engine (Kafka's
//!   murmur2 over the key).
//! - [`metrics`]: the one metric the storage layer reports itself (records produced).
//! - [`sqlite`]: the embedded engine, holding both the data and the event log in one SQLite file,
//!   written by one group-committing writer thread, synced and checkpointed by two more.
//! - [`kafka`]: the event log on Kafka; the outbox stays in the database and a relay publishes it.
//! - [`postgres`]: the same on PostgreSQL, for many processes: relays claim outbox shards,
//!   consumers share partitions through leases.
//! - [`private_fs`]: files and directories created readable by pvara's user only.
//! - `testing` (feature `testing`): the engine-independent test story that every engine passes.

#![forbid(unsafe_code)]

pub mod clock;
pub mod drafts;
mod erasure;
pub mod error;
pub mod imports;
pub mod kafka;
pub mod log;
pub mod merit;
pub mod metrics;
mod migrations;
pub mod model;
pub mod outbox;
pub mod panel;
pub mod partition;
pub mod postgres;
pub mod private_fs;
pub mod sqlite;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod workspace;

use std::path::PathBuf;
use std::sync::Arc;

pub use drafts::Drafts;
pub use error::{LogError, StoreError};
pub use log::{Consumer, EventLog, Relay};
pub use merit::Merit;
pub use panel::Panels;
pub use store::Store;
pub use workspace::{AccountTokens, Accounts, Audit, Workspace};

/// The engines one pvara process works with.
#[derive(Clone)]
pub struct Engines {
    pub store: Arc<dyn Store>,
    pub log: Arc<dyn EventLog>,
    pub relay: Arc<dyn Relay>,
}

impl std::fmt::Debug for Engines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engines").finish_non_exhaustive()
    }
}

/// Where the data lives, parsed from a URL or path.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// `sqlite://path/to/file.db`, or a plain path.
    Sqlite(PathBuf),
    /// `postgres://user@host/db` (or `postgresql://`). Kept whole: it may hold credentials.
    Postgres(String),
}

impl Location {
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok(Location::Sqlite(PathBuf::from(path)));
        }
        if url.contains("://") {
            let scheme = url.split("://").next().unwrap_or_default();
            return Err(StoreError::Config(format!(
                "unsupported database URL scheme {scheme:?}; use sqlite://"
            )));
        }
        Ok(Location::Sqlite(PathBuf::from(url)))
    }
}

/// Prints the location with any password masked, so it is safe in logs and error messages.
impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Location::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Partitions of each topic pvara creates, unless told otherwise (`--partitions`).
pub const DEFAULT_PARTITIONS: u32 = 3;
/// Most database connections of one process, unless told otherwise (`--database-pool`).
pub const DEFAULT_DATABASE_POOL: u32 = 10;

/// Tuning that applies to any engine.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Partitions of each topic this process creates.
    pub partitions: u32,
    /// Kafka instead of the event log kept in the database.
    pub kafka: Option<kafka::KafkaOptions>,
    /// Most database connections this process opens (PostgreSQL).
    pub database_pool: u32,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            partitions: DEFAULT_PARTITIONS,
            kafka: None,
            database_pool: DEFAULT_DATABASE_POOL,
        }
    }
}

/// Opens the engines at `location`, creating and migrating the database and the topics as needed.
/// With `options.kafka` the event log is Kafka; otherwise it lives in the same database.
pub async fn open(location: &Location, options: &OpenOptions) -> Result<Engines, StoreError> {
    let topics = pvara_domain::event::all_topic_names();
    let (store, embedded_log, embedded_relay): (Arc<dyn Store>, Arc<dyn EventLog>, Arc<dyn Relay>) =
        match location {
            Location::Sqlite(path) => {
                let engine = sqlite::SqliteEngine::open(path).await?;
                let kind = match options.kafka {
                    Some(_) => sqlite::EventLogKind::External,
                    None => sqlite::EventLogKind::Embedded,
                };
                engine.bind_event_log(kind).await?;
                (
                    Arc::new(engine.clone()),
                    Arc::new(engine.log()),
                    Arc::new(engine.log()),
                )
            }
            Location::Postgres(url) => {
                let engine = postgres::PgEngine::open(url, options.database_pool).await?;
                (
                    Arc::new(engine.clone()),
                    Arc::new(engine.log()),
                    Arc::new(engine.log()),
                )
            }
        };
    let (log, relay): (Arc<dyn EventLog>, Arc<dyn Relay>) = match &options.kafka {
        Some(kafka_options) => {
            kafka::KafkaLog::check_contact(kafka_options).await?;
            let kafka = kafka::KafkaLog::connect(kafka_options.clone())?;
            (Arc::new(kafka.clone()), Arc::new(kafka.relay(store.clone())))
        }
        None => (embedded_log, embedded_relay),
    };
    log.ensure_topics(&topics, options.partitions).await?;
    Ok(Engines { store, log, relay })
}
