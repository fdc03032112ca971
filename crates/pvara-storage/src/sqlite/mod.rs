//! The embedded engine: data, outbox and event log in one SQLite database in WAL mode. With the
//! embedded log, events go straight onto the log in the writing transaction; with Kafka they wait
//! in the outbox for the relay.
//!
//! Writes go through one group-committing writer thread ([`writer`]); reads use a small pool of
//! connections on the blocking thread pool, so they never wait behind a commit. Two threads keep
//! the disk off the writer's path: the [`syncer`] makes each commit durable before its callers
//! hear of it while the writer runs the next one, and the [`checkpointer`] copies the WAL into
//! the database file beside it.

pub mod backup;
mod checkpointer;
mod drafts;
mod imports;
mod inserts;
mod log;
mod merit;
mod panel;
mod rows;
mod schema;
mod scores;
mod stats;
mod store;
mod syncer;
mod tokens;
mod workspace;
mod writer;
mod writes;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Semaphore, watch};

use crate::error::{BoxError, LogError, StoreError};
pub use log::SqliteLog;
use writer::Writer;
pub use writer::WriterStats;

/// Read connections; WAL lets them run beside the writer.
const READERS: usize = 4;

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Backend(Box::new(error))
    }
}

impl From<rusqlite::Error> for LogError {
    fn from(error: rusqlite::Error) -> Self {
        LogError::Backend(Box::new(error))
    }
}

impl From<StoreError> for LogError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(message) => LogError::Unavailable(message),
            StoreError::Log(inner) => inner,
            other => LogError::Backend(Box::new(other) as BoxError),
        }
    }
}

/// The SQLite engine. Cheap to clone; all clones share one writer and one reader pool.
#[derive(Clone)]
pub struct SqliteEngine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SqliteEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteEngine")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

struct Inner {
    path: PathBuf,
    writer: Writer,
    readers: Mutex<Vec<Connection>>,
    reader_permits: Semaphore,
    /// Bumped after each commit that added outbox rows; wakes the relay.
    outbox_changed: watch::Sender<u64>,
    /// Bumped after each commit that appended log records; wakes consumers.
    log_changed: watch::Sender<u64>,
    /// Events are appended to the embedded log in the transaction of the change that caused
    /// them, instead of waiting in the outbox for the relay. See [`SqliteEngine::bind_event_log`].
    events_in_place: AtomicBool,
    /// Copies the WAL into the database file beside the writer; stops when the engine goes.
    _checkpointer: checkpointer::Checkpointer,
}

/// Where a database's events are read from, fixed for the database's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventLogKind {
    /// The log tables of this same database.
    Embedded,
    /// A log outside the database (Kafka), fed by the relay from the outbox.
    External,
}

impl EventLogKind {
    fn as_str(self) -> &'static str {
        match self {
            EventLogKind::Embedded => "embedded",
            EventLogKind::External => "kafka",
        }
    }
}

/// WAL pages after which a commit copies them into the database file (SQLite's default is
/// 1,000). Each application rewrites the same hot pages (index leaves, counts, the log's tail)
/// in commit after commit; a checkpoint copies each page once however often it was
/// rewritten, so a longer WAL copies far less. Under `pvara bench` the writer is the bottleneck,
/// and 4,000 pages gave 21% more applications a second at 9% less CPU each (issue 28,
/// BENCHMARKS.md); more pages gained little on a model of the table. Most of the copying now
/// happens beside the writer, every 100 ms ([`checkpointer`]), and this is its backstop, raised
/// to 8,000 so that the writer reaches it less often (with the 100 ms rounds, 8% more
/// applications a second).
/// The price: a WAL file of up to 32 MB.
const WAL_AUTOCHECKPOINT_PAGES: u32 = 8_000;

fn configure(conn: &Connection) -> Result<(), StoreError> {
    // FULL: a commit is on disk before anyone hears about it. The engine's writer overrides it
    // with NORMAL and syncs on a thread of its own (sqlite::syncer); FULL stays for every other
    // connection that writes (the command line's, a migration).
    // secure_delete: deleted and overwritten content is zeroed in the page, so an erased
    // person's name is not left in free space of the file (see SqliteEngine::purge_wal).
    conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32000;",
    )?;
    Ok(())
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    Ok(conn)
}

impl SqliteEngine {
    /// Opens (creating and migrating if needed) the database at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || Self::open_blocking(path))
            .await
            .map_err(|e| StoreError::Unavailable(format!("opening the database panicked: {e}")))?
    }

    fn open_blocking(path: PathBuf) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private_fs::create_dir_all(dir)
                .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        }
        // Created 0600 before SQLite opens it; its -wal and -shm files take the same mode.
        crate::private_fs::file_options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", path.display())))?;
        // Migrated on a connection of its own, closed before the others open: one migration
        // edits a table's text in the schema, which only a new connection is sure to read.
        schema::migrate(&mut open_connection(&path)?)?;
        let conn = open_connection(&path)?;
        // The writer's commits are synced by the syncer thread before anyone hears of them
        // (sqlite::syncer), so COMMIT itself need not wait for the disk.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let writer = Writer::spawn(conn, path.clone())
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer thread: {e}")))?;
        let checkpointer = checkpointer::spawn(open_connection(&path)?, writer.stats.clone())
            .map_err(|e| StoreError::Unavailable(format!("cannot start the checkpoint thread: {e}")))?;
        let readers = (0..READERS)
            .map(|_| open_connection(&path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SqliteEngine {
            inner: Arc::new(Inner {
                path,
                writer,
                readers: Mutex::new(readers),
                reader_permits: Semaphore::new(READERS),
                outbox_changed: watch::Sender::new(0),
                log_changed: watch::Sender::new(0),
                events_in_place: AtomicBool::new(false),
                _checkpointer: checkpointer,
            }),
        })
    }

    /// The event log kept in this database.
    pub fn log(&self) -> SqliteLog {
        SqliteLog::new(self.clone())
    }

    /// Records which event log this database feeds, and refuses a process that disagrees with the
    /// first one: a process that appended to the embedded log while the workers read Kafka would
    /// lose every event it wrote.
    ///
    /// With the embedded log, events skip the outbox: the log tables live in the same database,
    /// so appending them in the state change's own transaction gives the outbox's guarantee
    /// (both or neither) without a second write and a relay hop. The relay still runs and moves
    /// whatever an older pvara left in the outbox.
    pub async fn bind_event_log(&self, kind: EventLogKind) -> Result<(), StoreError> {
        let wanted = kind.as_str();
        let bound: String = self
            .write(move |conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO settings (name, value) VALUES ('event_log', ?1)",
                    [wanted],
                )?;
                Ok(
                    conn.query_row("SELECT value FROM settings WHERE name = 'event_log'", [], |r| {
                        r.get(0)
                    })?,
                )
            })
            .await?;
        if bound != wanted {
            return Err(StoreError::Config(format!(
                "this database's events go to the {bound} event log (fixed when it was first used), \
                 but this process was started with the {wanted} one; start every pvara process on \
                 it with the same event log settings"
            )));
        }
        self.inner
            .events_in_place
            .store(kind == EventLogKind::Embedded, Ordering::Relaxed);
        Ok(())
    }

    /// Sends events through the outbox even though the log is embedded: how databases behaved
    /// before in-place appends, kept so that the relay into the embedded log stays tested.
    pub fn route_events_through_outbox(&self) {
        self.inner.events_in_place.store(false, Ordering::Relaxed);
    }

    pub(super) fn events_in_place(&self) -> bool {
        self.inner.events_in_place.load(Ordering::Relaxed)
    }

    /// Moves the WAL's pages into the database file and truncates the WAL: after an erasure or
    /// a retention batch, the old pages that still held the person (the WAL keeps every version
    /// of a page until a checkpoint) are gone from both files.
    pub(crate) async fn purge_wal(&self) -> Result<(), StoreError> {
        self.inner.writer.checkpoint().await
    }

    /// Waits until whatever a read that has just returned could have seen is on disk.
    pub(super) async fn settled(&self) -> Result<(), StoreError> {
        self.inner.writer.durability.settled().await
    }

    pub fn writer_stats(&self) -> Arc<WriterStats> {
        self.inner.writer.stats.clone()
    }

    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        self.inner.writer.write(work).await
    }

    pub(crate) async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .inner
            .reader_permits
            .acquire()
            .await
            .map_err(|_| StoreError::Unavailable("reader pool closed".to_owned()))?;
        let pooled = self.inner.readers.lock().map_err(|_| poisoned())?.pop();
        let path = self.inner.path.clone();
        let (conn, result) = tokio::task::spawn_blocking(move || {
            // A connection is lost only if a read panicked; open a replacement.
            let conn = match pooled {
                Some(conn) => conn,
                None => open_connection(&path)?,
            };
            let result = work(&conn);
            Ok::<_, StoreError>((conn, result))
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("database read panicked: {e}")))??;
        self.inner.readers.lock().map_err(|_| poisoned())?.push(conn);
        result
    }

    fn bump(sender: &watch::Sender<u64>) {
        sender.send_modify(|n| *n = n.wrapping_add(1));
    }
}

fn poisoned() -> StoreError {
    StoreError::Unavailable("reader pool lock poisoned".to_owned())
}
