//! `pvara import mongodb`: the Node.js system's accounts, jobs and applications, read with the
//! official MongoDB driver and written through the import use cases
//! ([`pvara_services::usecase::import`]), on whatever engine pvara is configured with.
//!
//! # Layout
//! - [`mapping`]: old field names and words, the defaults laid under an operator's file.
//! - [`document`]: one old record's fields as the values pvara needs, or why not.
//! - [`run`] (here): users, then jobs, then applications, in batches written concurrently; old
//!   ids already mapped are skipped, so a second run imports only what is new and an
//!   interrupted one resumes. `--dry-run` does every check and writes nothing.
//! - [`report`]: the tally, every problem and every field the mapping could not place.

mod document;
pub mod mapping;
mod records;
mod report;

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use futures_util::TryStreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use mongodb::bson::{Document, doc};
use mongodb::{Client, Database};
use pvara_services::usecase::import as usecase;

use crate::config::Config;
use crate::startup::open_engines;
use mapping::{Collection, Mapping};
use records::Importer;

/// Old records read and checked together; their writes go to the store at once.
const BATCH: usize = 500;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import the old system's users, jobs and applications from MongoDB. Accounts keep their
    /// passwords; statuses and scores carry over as history marked "imported".
    Mongodb {
        /// The database's address, naming the database: mongodb://HOST:PORT/DATABASE. It may
        /// hold a password, so it is never printed.
        #[arg(long, env = "PVARA_IMPORT_MONGODB_URI", hide_env_values = true)]
        uri: String,
        /// A TOML file of field names and words that differ from the defaults
        /// (`pvara import mongodb --print-mapping` shows them).
        #[arg(long, env = "PVARA_IMPORT_MAPPING")]
        mapping: Option<PathBuf>,
        /// Check everything and write nothing: what would be imported, and every problem.
        #[arg(long)]
        dry_run: bool,
        /// The staff account (e-mail) that posts jobs whose creator was not imported as staff.
        #[arg(long, env = "PVARA_IMPORT_OWNER")]
        owner: Option<String>,
    },
    /// Print the default mapping: the documented example to copy and change.
    Mapping,
}

pub async fn run(config: &Config, command: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Mongodb {
        uri,
        mapping,
        dry_run,
        owner,
    } = command
    else {
        print!("{}", mapping::DEFAULT_MAPPING);
        return Ok(());
    };
    let mapping = Mapping::load(mapping.as_deref())?;
    anyhow::ensure!(
        !uri.starts_with("mongodb+srv://"),
        "mongodb+srv:// addresses are not supported: give the hosts, mongodb://HOST:PORT,HOST:PORT/DATABASE"
    );
    // The driver's error names the host, never the password; the address itself is not repeated.
    let client = Client::with_uri_str(&uri)
        .await
        .context("the --uri is not a MongoDB address pvara can use")?;
    let db = client
        .default_database()
        .context("the --uri names no database: end it with /DATABASE")?;
    db.run_command(doc! { "ping": 1 })
        .await
        .context("cannot reach MongoDB at the given --uri")?;
    usecase::authorise(crate::admin::operator())?;
    let engines = open_engines(config).await?;
    let store = engines.store.as_ref();
    let source = format!("mongodb:{}", db.name());
    let mut importer = Importer::new(store, &mapping, &source, dry_run).await?;
    if let Some(owner) = owner {
        importer.set_owner(&owner).await?;
    }
    let started = std::time::Instant::now();
    for collection in [Collection::Users, Collection::Jobs, Collection::Applications] {
        read_collection(&db, &mapping, collection, &mut importer).await?;
    }
    let tally = importer.finish();
    print!("{}", report::summary(&tally, dry_run, started.elapsed()));
    if !dry_run {
        pvara_services::usecase::audit::record(
            store,
            "operator",
            "import.mongodb",
            format!("source:{source}"),
        )
        .await;
    }
    let refused = tally.refused();
    anyhow::ensure!(
        refused == 0,
        "{refused} records {} not imported: see the problems above",
        if refused == 1 { "was" } else { "were" }
    );
    Ok(())
}

/// Sends the cursor's documents in batches of [`BATCH`] until it ends or the receiver goes.
async fn read_batches(
    mut cursor: mongodb::Cursor<Document>,
    batches: tokio::sync::mpsc::Sender<Vec<Document>>,
) -> mongodb::error::Result<()> {
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(document) = cursor.try_next().await? {
        batch.push(document);
        if batch.len() == BATCH
            && batches
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .await
                .is_err()
        {
            return Ok(());
        }
    }
    if !batch.is_empty() {
        let _ = batches.send(batch).await;
    }
    Ok(())
}

/// Streams one collection in batches through the importer, with a progress bar on a terminal.
async fn read_collection(
    db: &Database,
    mapping: &Mapping,
    collection: Collection,
    importer: &mut Importer<'_>,
) -> anyhow::Result<()> {
    let name = match collection {
        Collection::Users => &mapping.collections.users,
        Collection::Jobs => &mapping.collections.jobs,
        Collection::Applications => &mapping.collections.applications,
    };
    let documents = db.collection::<Document>(name);
    // Counted beside the import: a server that counts by reading (FerretDB does) must not hold
    // it up; the bar gets its length when the count arrives.
    let bar = ProgressBar::new(0);
    let counting = {
        let (documents, bar) = (documents.clone(), bar.clone());
        tokio::spawn(async move {
            if let Ok(total) = documents.estimated_document_count().await {
                bar.set_length(total);
            }
        })
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>13} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(collection.name());
    let started = std::time::Instant::now();
    // In the server's own order: the id map, not the order, makes a second run skip what is
    // done, and a sort would make the server read the whole collection before the first batch.
    let cursor = documents
        .find(doc! {})
        .batch_size(BATCH as u32)
        .await
        .with_context(|| format!("cannot read the collection {name}"))?;
    // The next batch is read while this one is written: MongoDB and pvara's writer work at once.
    let (batches, mut next) = tokio::sync::mpsc::channel(2);
    let reader = tokio::spawn(read_batches(cursor, batches));
    while let Some(batch) = next.recv().await {
        let n = batch.len() as u64;
        importer.batch(collection, batch).await?;
        bar.inc(n);
    }
    reader
        .await?
        .with_context(|| format!("cannot read the collection {name}"))?;
    importer.took(collection, started.elapsed());
    counting.abort();
    bar.finish_and_clear();
    Ok(())
}
