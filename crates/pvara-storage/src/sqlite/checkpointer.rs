//! Checkpoints off the writer's path: a thread with a connection of its own copies the WAL's
//! pages into the database file while the writer goes on committing.
//!
//! Why: SQLite checkpoints on the connection that commits, once the WAL holds
//! [`super::WAL_AUTOCHECKPOINT_PAGES`] pages. On the one writer thread that was a pause of reads,
//! writes and two `fsync`s (the WAL's, then the database file's) every few hundred milliseconds
//! under load, during which no application was committed (issue 28, BENCHMARKS.md). A PASSIVE
//! checkpoint from another connection runs beside the writer: it copies what was committed when it
//! began and never waits for a lock. The writer's own automatic checkpoint stays as the backstop;
//! it then finds almost everything copied already, and restarts the WAL from its start.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;

use super::writer::WriterStats;

/// How often the thread looks for new commits to copy: often enough that most of the copying
/// happens here rather than on the writer (every 250 ms did less: BENCHMARKS.md, issue 28); when
/// idle it does nothing.
const INTERVAL: Duration = Duration::from_millis(100);
/// Checkpoints in a row at most, chasing the writer to the WAL's end.
const ROUNDS: u32 = 4;

/// The running checkpoint thread; dropping this stops it.
pub(super) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

/// Starts checkpointing on `conn` (a connection of its own) whenever the writer whose `stats` it
/// is has committed since the last look.
pub(super) fn spawn(conn: Connection, stats: Arc<WriterStats>) -> std::io::Result<Checkpointer> {
    let (stop, stopped) = mpsc::channel();
    std::thread::Builder::new()
        .name("pvara-sqlite-ckpt".to_owned())
        .spawn(move || run(&conn, &stopped, &stats))?;
    Ok(Checkpointer { _stop: stop })
}

fn run(conn: &Connection, stopped: &mpsc::Receiver<()>, stats: &WriterStats) {
    let mut seen = stats.commits.load(Ordering::Relaxed);
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
        let commits = stats.commits.load(Ordering::Relaxed);
        if commits == seen {
            continue;
        }
        seen = commits;
        if let Err(error) = catch_up(conn) {
            tracing::warn!(%error, "a background checkpoint failed; the writer's own checkpoints go on");
        }
    }
    tracing::debug!("sqlite checkpointer stopped");
}

/// Checkpoints until every committed page is in the database file, or [`ROUNDS`] times. A round
/// copies what was committed when it began, so under load the WAL is never all copied after the
/// first; each later round has only the commits made during the one before, and one of them
/// usually ends between two commits. Only a WAL copied to its end lets the writer start it over
/// from the beginning instead of growing it to the backstop.
fn catch_up(conn: &Connection) -> rusqlite::Result<()> {
    for _ in 0..ROUNDS {
        // PASSIVE: copies what it can without waiting for readers or the writer; what a
        // reader's snapshot still needs is left for the next round. (busy, frames, copied)
        let (frames, copied): (i64, i64) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            Ok((row.get(1)?, row.get(2)?))
        })?;
        if copied >= frames {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn open(path: &std::path::Path) -> Connection {
        let conn = Connection::open(path).expect("the database opens");
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
            .expect("WAL mode");
        conn
    }

    #[test]
    fn commits_reach_the_database_file_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("pvara.db");
        let writer = open(&path);
        writer.execute_batch("CREATE TABLE t (x BLOB)").expect("a table");
        let stats = Arc::new(WriterStats::default());
        let _checkpointer = spawn(open(&path), stats.clone()).expect("the thread starts");
        let before = std::fs::metadata(&path).expect("the file").len();
        writer
            .execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                 INSERT INTO t SELECT zeroblob(1000) FROM n",
                [],
            )
            .expect("rows");
        stats.commits.fetch_add(1, Ordering::Relaxed);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&path).expect("the file").len() <= before {
            assert!(
                Instant::now() < deadline,
                "the commit never reached the database file"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
