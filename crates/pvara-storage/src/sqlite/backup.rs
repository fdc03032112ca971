//! The embedded database's side of `pvara backup` and `pvara restore`: a consistent copy made
//! while pvara serves, its verification, and the erasure ledger of any copy.
//!
//! `VACUUM INTO` reads one snapshot (WAL mode lets the writer go on meanwhile) and writes a
//! compact database with no WAL of its own, so the copy is consistent without stopping pvara
//! and smaller than the files it came from.

use std::path::Path;

use chrono::{DateTime, Utc};
use pvara_domain::ids::UserId;
use rusqlite::{Connection, OpenFlags};

use super::rows::{parse_id, parse_ts};
use crate::error::StoreError;

/// What a verified copy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contents {
    pub users: u64,
    pub jobs: u64,
    pub applications: u64,
    pub erasures: u64,
}

fn read_only(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(conn)
}

/// Writes a consistent copy of the database at `from` to `to` (which must not exist).
pub fn copy_database(from: &Path, to: &Path) -> Result<(), StoreError> {
    let conn = read_only(from)?;
    let target = to
        .to_str()
        .ok_or_else(|| StoreError::Config(format!("{} is not a UTF-8 path", to.display())))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

/// Checks a copy whole (`PRAGMA integrity_check`) and counts what it holds.
pub fn verify(path: &Path) -> Result<Contents, StoreError> {
    let conn = read_only(path)?;
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(StoreError::Corrupt(format!("{}: {verdict}", path.display())));
    }
    let count = |table: &str| -> Result<u64, StoreError> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(Contents {
        users: count("users")?,
        jobs: count("jobs")?,
        applications: count("applications")?,
        erasures: count("erasure_ledger")?,
    })
}

/// The erasure ledger of the database at `path` (a data directory's, or a backup's).
pub fn ledger_of(path: &Path) -> Result<Vec<(UserId, DateTime<Utc>)>, StoreError> {
    erased_users(&read_only(path)?)
}

pub(super) fn erased_users(conn: &Connection) -> Result<Vec<(UserId, DateTime<Utc>)>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT user_id, erased_at FROM erasure_ledger ORDER BY erased_at, user_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut erased = Vec::new();
    for row in rows {
        let (id, at) = row?;
        erased.push((parse_id(&id)?, parse_ts(&at)?));
    }
    Ok(erased)
}
