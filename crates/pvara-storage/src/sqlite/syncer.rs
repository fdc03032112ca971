//! Durability off the writer's path: the writer commits without waiting for the disk, and this
//! thread makes each commit durable (`fdatasync` of the WAL) before anyone hears about it.
//!
//! Why: under load the one writer thread was the bottleneck, and a third of its time was spent
//! asleep in `fsync` (issue 28, BENCHMARKS.md), while statements of the next group could have
//! run. SQLite's `synchronous = FULL` syncs inside COMMIT; with `NORMAL` on the writer's
//! connection it does not, and the database stays consistent on a power cut (SQLite's WAL
//! recovery keeps a prefix of whole transactions). What `NORMAL` alone would lose is the last
//! commits' durability; syncing the WAL here before the replies go out gives it back, so a 201
//! still means "on disk". Meanwhile the writer runs the next group: the two overlap.
//!
//! One difference remains, and [`Durability::settled`] closes it for this process: a commit is
//! visible to readers a few milliseconds before it is durable. A consumer that acted on such a
//! record (sent a mail) and then lost it to a power cut would have mailed about an application
//! that does not exist, so the embedded log's consumers, and the relay before it publishes to
//! Kafka, wait until what they read is durable.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use tokio::sync::watch;

use crate::error::StoreError;

/// Hears how a group commit went, once it is durable (or failed).
pub(super) type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;

/// One group commit on its way to the disk.
pub(super) struct Committed {
    /// Its number in [`Durability`]'s count of commits begun.
    pub number: u64,
    /// How the COMMIT statement went.
    pub outcome: Result<(), String>,
    pub replies: Vec<Reply>,
}

/// Which commits readers may see and which are on disk.
#[derive(Debug)]
pub(crate) struct Durability {
    /// Commits begun: bumped before each COMMIT statement, so any commit a reader could have
    /// seen has a number no higher than this counter read after the read.
    begun: AtomicU64,
    /// The highest commit number known to be on disk, or `None` once a sync failed.
    durable: watch::Sender<Option<u64>>,
}

impl Durability {
    fn new() -> Self {
        Self {
            begun: AtomicU64::new(0),
            durable: watch::Sender::new(Some(0)),
        }
    }

    /// Numbers the commit about to be made.
    pub(super) fn begin(&self) -> u64 {
        self.begun.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Waits until every commit that a read which has just returned could have seen is on disk.
    /// Usually at once; at most one `fdatasync` later.
    pub(crate) async fn settled(&self) -> Result<(), StoreError> {
        let seen = self.begun.load(Ordering::SeqCst);
        let mut durable = self.durable.subscribe();
        let stopped = || StoreError::Unavailable("the database writer has stopped".to_owned());
        let now = durable
            .wait_for(|d| d.is_none_or(|d| d >= seen))
            .await
            .map_err(|_| stopped())?;
        now.map(|_| ()).ok_or_else(stopped)
    }
}

/// Starts the syncer thread for the database at `database` and returns the sending end the
/// writer hands its commits to, with the shared [`Durability`].
pub(super) fn spawn(database: PathBuf) -> std::io::Result<(mpsc::Sender<Committed>, Arc<Durability>)> {
    let (sender, receiver) = mpsc::channel();
    let durability = Arc::new(Durability::new());
    let shared = durability.clone();
    let mut wal = database.into_os_string();
    wal.push("-wal");
    std::thread::Builder::new()
        .name("pvara-sqlite-sync".to_owned())
        .spawn(move || run(PathBuf::from(wal), &receiver, &shared))?;
    Ok((sender, durability))
}

/// Syncs whatever commits queued up while the last sync ran with one `fdatasync`. Stops at the
/// first failed sync: after one, Linux may have dropped the pages it could not write, so no later
/// sync proves anything; the writer then stops too and the engine reports itself not ready.
fn run(wal: PathBuf, receiver: &mpsc::Receiver<Committed>, durability: &Durability) {
    while let Ok(first) = receiver.recv() {
        let mut group = vec![first];
        group.extend(receiver.try_iter());
        let last = group.last().map_or(0, |c| c.number);
        // Opened per sync: the WAL is never replaced while the engine runs, but a path is simpler
        // to keep right than a handle (fsync acts on the file, whichever handle wrote it).
        let synced = std::fs::File::open(&wal)
            .and_then(|file| file.sync_data())
            .map_err(|error| format!("cannot make the commit durable ({}): {error}", wal.display()));
        match &synced {
            Ok(()) => durability.durable.send_modify(|d| *d = d.map(|d| d.max(last))),
            Err(error) => {
                tracing::error!(%error, "the database's WAL could not be synced; stopping the writer");
                durability.durable.send_replace(None);
            }
        }
        for committed in group {
            let outcome = committed.outcome.and(synced.clone());
            for reply in committed.replies {
                reply(outcome.clone());
            }
        }
        if synced.is_err() {
            return;
        }
    }
    // The writer has gone (the engine closed, or its thread panicked): whatever it numbered and
    // never handed over will not become durable, so nobody may wait for it.
    durability.durable.send_replace(None);
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::FutureExt;

    use super::*;

    /// A reply that forwards what it heard.
    fn reply_into(sender: &std::sync::mpsc::Sender<Result<(), String>>) -> Reply {
        let sender = sender.clone();
        Box::new(move |outcome| {
            let _ = sender.send(outcome);
        })
    }

    #[tokio::test]
    async fn a_commit_is_answered_and_settled_only_once_synced() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let database = dir.path().join("pvara.db");
        std::fs::write(dir.path().join("pvara.db-wal"), b"frames").expect("a WAL to sync");
        let (syncer, durability) = spawn(database).expect("the syncer starts");
        let number = durability.begin();
        // Begun but not handed to the syncer: a reader that may have seen it must wait.
        let mut settled = Box::pin(durability.settled());
        assert!((&mut settled).now_or_never().is_none());

        let (heard, answers) = std::sync::mpsc::channel();
        let committed = Committed {
            number,
            outcome: Ok(()),
            replies: vec![reply_into(&heard), reply_into(&heard)],
        };
        syncer.send(committed).expect("the syncer is running");
        for _ in 0..2 {
            let answer = answers.recv_timeout(Duration::from_secs(10)).expect("an answer");
            assert_eq!(answer, Ok(()));
        }
        tokio::time::timeout(Duration::from_secs(10), settled)
            .await
            .expect("settled once synced")
            .expect("durable");
    }

    #[tokio::test]
    async fn a_writer_gone_mid_commit_leaves_no_reader_waiting() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (syncer, durability) = spawn(dir.path().join("pvara.db")).expect("the syncer starts");
        // Numbered, then the writer went before handing it over.
        durability.begin();
        drop(syncer);
        let settled = tokio::time::timeout(Duration::from_secs(10), durability.settled())
            .await
            .expect("the wait ends");
        assert!(settled.is_err());
    }

    #[tokio::test]
    async fn a_failed_sync_fails_its_commit_and_every_later_wait() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // No WAL beside it: the sync cannot open it, as if the disk had gone.
        let (syncer, durability) = spawn(dir.path().join("pvara.db")).expect("the syncer starts");
        let (heard, answers) = std::sync::mpsc::channel();
        let committed = Committed {
            number: durability.begin(),
            outcome: Ok(()),
            replies: vec![reply_into(&heard)],
        };
        syncer.send(committed).expect("the syncer is running");
        let answer = answers.recv_timeout(Duration::from_secs(10)).expect("an answer");
        assert!(answer.is_err_and(|e| e.contains("cannot make the commit durable")));
        let settled = tokio::time::timeout(Duration::from_secs(10), durability.settled())
            .await
            .expect("a wait ends when the syncer has stopped");
        assert!(settled.is_err());
    }
}
