//! The embedded engine: data, outbox and event log in one SQLite database in WAL mode.
//!
//! Writes go through one group-committing writer thread ([`writer`]); reads use a small pool of
//! connections on the blocking thread pool, so they never wait behind a commit.

mod log;
mod rows;
mod schema;
mod stats;
mod store;
mod writer;

use std::path::{Path, PathBuf};
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
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    // FULL: a commit is on disk before anyone hears about it. Group commit pays for it.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
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
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        }
        let mut conn = open_connection(&path)?;
        schema::migrate(&mut conn)?;
        let writer = Writer::spawn(conn)
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer thread: {e}")))?;
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
            }),
        })
    }

    /// The event log kept in this database.
    pub fn log(&self) -> SqliteLog {
        SqliteLog::new(self.clone())
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
