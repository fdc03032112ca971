//! `pvara backup DEST` and `pvara restore SRC`: the embedded engine's whole data directory
//! (database, JWT key, delivered mail, anything else beside them), copied consistently while
//! pvara serves, verified, and restored into a fresh directory.
//!
//! A restore brings back everyone the backup held, including people erased since. So every
//! erasure is noted in a ledger (ids and times only) in the database, and a restore replays the
//! ledger of a newer copy (`--erasures-from`: the damaged data directory, or a newer backup)
//! through the erasure use case, delivered mail included. Retention needs no ledger: its rule
//! runs again on the restored data at the server's next pass.
//!
//! PostgreSQL and Kafka have their own practice (pg_dump or base backups with WAL archiving;
//! replication), described in the README; these commands refuse a PostgreSQL configuration.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pvara_services::auth::ActiveUsers;
use pvara_services::mail::FileMailer;
use pvara_services::usecase;
use pvara_storage::Location;
use pvara_storage::sqlite::backup::{self, Contents};

use crate::config::Config;
use crate::startup::open_engines;

const DATABASE: &str = "pvara.db";
const MANIFEST: &str = "backup.txt";

/// The embedded database's path, or why these commands do not apply.
fn embedded(config: &Config) -> anyhow::Result<PathBuf> {
    match config.location()? {
        Location::Sqlite(path) => Ok(path),
        _ => bail!(
            "pvara backup and restore are for the embedded engine; back PostgreSQL up with pg_dump or base \
             backups and WAL archiving (see the README's \"Backups\" section)"
        ),
    }
}

/// Refuses a directory with anything in it: a backup or restore never mixes with old files.
fn fresh_directory(dir: &Path, what: &str) -> anyhow::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!("{what} {} is not empty: choose a new directory", dir.display());
    }
    pvara_storage::private_fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(())
}

/// Copies every file and folder of `from` into `to`, but the database (copied on its own), its
/// WAL, the roles' lock files and `skip`; returns the bytes copied.
fn copy_beside(from: &Path, to: &Path, skip: &Path) -> anyhow::Result<u64> {
    let mut bytes = 0;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let (path, name) = (entry.path(), entry.file_name().to_string_lossy().into_owned());
        let database = name == DATABASE || name.starts_with("pvara.db-");
        if database || name.ends_with(".lock") || name == MANIFEST || path == skip {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            pvara_storage::private_fs::create_dir_all(&target)?;
            bytes += copy_beside(&path, &target, skip)?;
        } else {
            // std::fs::copy keeps the permissions: the JWT key stays 0600.
            bytes +=
                std::fs::copy(&path, &target).with_context(|| format!("cannot copy {}", path.display()))?;
        }
    }
    Ok(bytes)
}

fn size_of(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn describe(contents: &Contents) -> String {
    format!(
        "{} users, {} jobs, {} applications, {} erasures in the ledger",
        contents.users, contents.jobs, contents.applications, contents.erasures
    )
}

pub async fn backup(config: &Config, dest: &Path) -> anyhow::Result<()> {
    let database = embedded(config)?;
    anyhow::ensure!(
        database.exists(),
        "there is no database at {}",
        database.display()
    );
    fresh_directory(dest, "the backup directory")?;
    let copy = dest.join(DATABASE);
    let (from, to) = (database.clone(), copy.clone());
    tokio::task::spawn_blocking(move || backup::copy_database(&from, &to))
        .await?
        .context("cannot copy the database")?;
    let beside = copy_beside(&config.data_dir, dest, dest)?;
    let contents = backup::verify(&copy).context("the copy failed its check")?;
    let bytes = size_of(&copy) + beside;
    let made = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let manifest = format!(
        "pvara {} backup made {made}\n{}\n{bytes} bytes\n",
        env!("CARGO_PKG_VERSION"),
        describe(&contents)
    );
    std::fs::write(dest.join(MANIFEST), &manifest)?;
    println!(
        "backed up {} into {} ({:.1} MB; {}); integrity check passed",
        config.data_dir.display(),
        dest.display(),
        bytes as f64 / 1e6,
        describe(&contents)
    );
    Ok(())
}

pub async fn restore(config: &Config, source: &Path, erasures_from: Option<&Path>) -> anyhow::Result<()> {
    let database = embedded(config)?;
    let copy = source.join(DATABASE);
    anyhow::ensure!(
        copy.exists(),
        "{} holds no pvara backup (no {DATABASE})",
        source.display()
    );
    let contents = backup::verify(&copy).context("the backup failed its check: it is not restored")?;
    // Read before anything is written: a ledger that cannot be read stops the restore.
    let ledger = match erasures_from {
        Some(newer) => {
            let path = if newer.is_dir() {
                newer.join(DATABASE)
            } else {
                newer.to_path_buf()
            };
            Some(
                backup::ledger_of(&path)
                    .with_context(|| format!("cannot read the erasure ledger of {}", path.display()))?,
            )
        }
        None => None,
    };
    fresh_directory(&config.data_dir, "the data directory")?;
    std::fs::copy(&copy, &database).context("cannot copy the database")?;
    copy_beside(source, &config.data_dir, &config.data_dir)?;
    println!(
        "restored {} into {} ({})",
        source.display(),
        config.data_dir.display(),
        describe(&contents)
    );
    let Some(ledger) = ledger else {
        println!(
            "Erasures made after this backup are not replayed: run the restore with --erasures-from \
             naming the old data directory or a newer backup."
        );
        return Ok(());
    };
    let replayed = replay(config, ledger).await?;
    println!("replayed {replayed} erasures made after the backup");
    Ok(())
}

/// Erases again everyone the newer ledger names that the restored one does not, through the
/// erasure use case (their delivered mail included). Someone who registered after the backup is
/// not in it, and is skipped.
async fn replay(
    config: &Config,
    ledger: Vec<(pvara_domain::ids::UserId, chrono::DateTime<chrono::Utc>)>,
) -> anyhow::Result<u64> {
    let engines = open_engines(config).await?;
    let store = engines.store.as_ref();
    let done: std::collections::HashSet<_> = store
        .erased_users()
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mail = FileMailer::new(config.mail_dir(), config.mail_sender()?);
    let mut replayed = 0;
    for (user, _) in ledger.into_iter().filter(|(id, _)| !done.contains(id)) {
        match usecase::privacy::erase(
            store,
            (&ActiveUsers::default(), Some(&mail)),
            crate::admin::operator(),
            user,
        )
        .await
        {
            Ok(()) => replayed += 1,
            Err(usecase::Error::NotFound(_)) => {}
            Err(other) => return Err(other).with_context(|| format!("cannot erase {user} again")),
        }
    }
    Ok(replayed)
}
