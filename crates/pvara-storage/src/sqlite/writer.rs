//! Group commit: one thread owns the only write connection and commits whatever requests queued up
//! while the previous commit was being made durable. Under load a single fsync covers hundreds of
//! requests; when idle a request commits alone, so latency stays one fsync.
//!
//! Each request runs in its own savepoint, so a request that fails (a duplicate, a stale status)
//! rolls back only its own writes. Nobody hears back before the COMMIT that covers them succeeded
//! and is on disk: that is the guarantee behind "201 only after the application and its event are
//! durable". The disk is the syncer's job ([`super::syncer`]), so that the writer runs the next
//! group while the last one is being synced.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::syncer::{self, Committed, Durability, Reply};
use crate::error::StoreError;

/// Most requests folded into one transaction; bounds the time one commit holds the write lock.
const MAX_REQUESTS_PER_COMMIT: usize = 2_000;
/// Requests queued before senders wait: backpressure instead of unbounded memory.
const QUEUE_DEPTH: usize = 16_384;

/// Counters for operators and the benchmark.
#[derive(Debug, Default)]
pub struct WriterStats {
    pub commits: AtomicU64,
    pub requests: AtomicU64,
    /// Rows inserted, updated or deleted by committed transactions.
    pub rows: AtomicU64,
}

/// Runs on the writer's connection after a COMMIT, told how it went.
type AfterCommit = Box<dyn FnOnce(Result<(), String>, &Connection) + Send>;

/// What a request does once its group's COMMIT has run.
enum Completion {
    /// Hears how the COMMIT went once it is on disk (on the syncer's thread).
    Reply(Reply),
    /// Runs on the writer's connection right after the COMMIT, outside any transaction.
    OnConnection(AfterCommit),
}

trait Request: Send {
    /// Runs inside the open transaction; the returned completion hears how the COMMIT went.
    fn run(self: Box<Self>, conn: &Connection) -> Completion;
    /// The transaction could not even begin.
    fn fail(self: Box<Self>, error: String);
}

struct WriteRequest<F, T> {
    work: F,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<F, T> Request for WriteRequest<F, T>
where
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
    T: Send + 'static,
{
    fn run(self: Box<Self>, conn: &Connection) -> Completion {
        let WriteRequest { work, reply } = *self;
        let result = in_savepoint(conn, work);
        Completion::Reply(Box::new(move |commit: Result<(), String>| {
            let outcome = commit.map_err(StoreError::Unavailable).and(result);
            // The caller may have gone away (client disconnected); the write still happened.
            let _ = reply.send(outcome);
        }))
    }

    fn fail(self: Box<Self>, error: String) {
        let _ = self.reply.send(Err(StoreError::Unavailable(error)));
    }
}

fn in_savepoint<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    // Cached statements: parsing these three on every request was a visible share of the writer.
    conn.prepare_cached("SAVEPOINT request")?.execute([])?;
    match work(conn) {
        Ok(value) => {
            conn.prepare_cached("RELEASE request")?.execute([])?;
            Ok(value)
        }
        Err(error) => {
            conn.prepare_cached("ROLLBACK TO request")?.execute([])?;
            conn.prepare_cached("RELEASE request")?.execute([])?;
            Err(error)
        }
    }
}

/// Copies every committed page from the WAL into the database file and truncates the WAL to
/// nothing, once the transaction it joined has committed. After an erasure, the person's old
/// pages are then in neither file (deleted content is zeroed, `secure_delete`).
struct CheckpointRequest {
    reply: oneshot::Sender<Result<(), StoreError>>,
}

/// Attempts a checkpoint makes while readers still hold older snapshots.
const CHECKPOINT_ATTEMPTS: u32 = 50;

impl Request for CheckpointRequest {
    fn run(self: Box<Self>, _: &Connection) -> Completion {
        let reply = self.reply;
        Completion::OnConnection(Box::new(move |commit: Result<(), String>, conn: &Connection| {
            let outcome = commit
                .map_err(StoreError::Unavailable)
                .and_then(|()| checkpoint(conn));
            let _ = reply.send(outcome);
        }))
    }

    fn fail(self: Box<Self>, error: String) {
        let _ = self.reply.send(Err(StoreError::Unavailable(error)));
    }
}

fn checkpoint(conn: &Connection) -> Result<(), StoreError> {
    for _ in 0..CHECKPOINT_ATTEMPTS {
        // (busy, frames in the WAL, frames checkpointed); busy while a reader holds a snapshot
        // the WAL's frames are still needed for.
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
        if busy == 0 {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Err(StoreError::Unavailable(
        "the WAL could not be checkpointed: readers kept it busy".to_owned(),
    ))
}

/// Handle to the writer thread. The thread ends when the last handle is dropped, after finishing
/// (and committing) everything already queued.
#[derive(Clone)]
pub(crate) struct Writer {
    sender: mpsc::Sender<Box<dyn Request>>,
    pub(crate) stats: Arc<WriterStats>,
    pub(crate) durability: Arc<Durability>,
}

impl Writer {
    /// False once the writer thread has gone (it panicked): every write would fail, so the
    /// engine must not be reported ready.
    pub(crate) fn is_alive(&self) -> bool {
        !self.sender.is_closed()
    }

    /// Starts the writer on `conn`, the connection to the database at `path`, and its syncer.
    pub(crate) fn spawn(conn: Connection, path: PathBuf) -> std::io::Result<Writer> {
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        let stats = Arc::new(WriterStats::default());
        let (syncer, durability) = syncer::spawn(path)?;
        let (thread_stats, thread_durability) = (stats.clone(), durability.clone());
        std::thread::Builder::new()
            .name("pvara-sqlite-writer".to_owned())
            .spawn(move || run(conn, receiver, &syncer, &thread_stats, &thread_durability))?;
        Ok(Writer {
            sender,
            stats,
            durability,
        })
    }

    /// Checkpoints the WAL into the database file and truncates it, after the next commit.
    pub(crate) async fn checkpoint(&self) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        let request: Box<dyn Request> = Box::new(CheckpointRequest { reply });
        let stopped = || StoreError::Unavailable("the database writer has stopped".to_owned());
        self.sender.send(request).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Runs `work` in the next group commit and returns its result once that commit is durable.
    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let request: Box<dyn Request> = Box::new(WriteRequest { work, reply });
        let stopped = || StoreError::Unavailable("the database writer has stopped".to_owned());
        self.sender.send(request).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn run(
    conn: Connection,
    mut receiver: mpsc::Receiver<Box<dyn Request>>,
    syncer: &std::sync::mpsc::Sender<Committed>,
    stats: &WriterStats,
    durability: &Durability,
) {
    let mut batch: Vec<Box<dyn Request>> = Vec::with_capacity(MAX_REQUESTS_PER_COMMIT);
    let mut completions: Vec<Completion> = Vec::with_capacity(MAX_REQUESTS_PER_COMMIT);
    while let Some(first) = receiver.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_REQUESTS_PER_COMMIT {
            match receiver.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
            tracing::error!(%error, "cannot begin a write transaction");
            batch
                .drain(..)
                .for_each(|request| request.fail(error.to_string()));
            continue;
        }
        let requests = batch.len() as u64;
        let changes_before = conn.total_changes();
        completions.extend(batch.drain(..).map(|request| request.run(&conn)));
        let number = durability.begin();
        let committed = conn.execute_batch("COMMIT").map_err(|error| {
            tracing::error!(%error, "group commit failed");
            let _ = conn.execute_batch("ROLLBACK");
            error.to_string()
        });
        if committed.is_ok() {
            stats.commits.fetch_add(1, Ordering::Relaxed);
            stats.requests.fetch_add(requests, Ordering::Relaxed);
            let rows = conn.total_changes().saturating_sub(changes_before);
            stats.rows.fetch_add(rows, Ordering::Relaxed);
        }
        let mut replies = Vec::with_capacity(completions.len());
        for completion in completions.drain(..) {
            match completion {
                Completion::Reply(reply) => replies.push(reply),
                Completion::OnConnection(run) => run(committed.clone(), &conn),
            }
        }
        let handed = syncer.send(Committed {
            number,
            outcome: committed,
            replies,
        });
        if let Err(std::sync::mpsc::SendError(lost)) = handed {
            // The syncer stopped at a failed sync: nothing committed from now on is known durable.
            for reply in lost.replies {
                reply(Err(
                    "the database writer has stopped after a failed sync".to_owned()
                ));
            }
            break;
        }
    }
    tracing::debug!("sqlite writer stopped");
}
