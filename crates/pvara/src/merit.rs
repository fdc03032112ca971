//! `pvara merit import-marks|run|show`: national recruitment at the terminal, through the same
//! use cases as the workspace and `/api/jobs/{id}/merit-lists` (logged as `operator`).
//!
//! The operator prepares but cannot approve: publication needs a second person, and the
//! terminal is one. A list prepared here is approved in the workspace or over the API.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use pvara_domain::ids::JobId;
use pvara_domain::merit::allocation::{Outcome, Seat};
use pvara_domain::merit::list::{MeritList, seat_name};
use pvara_services::usecase::merit::{lists, marks};

use crate::config::Config;
use crate::startup::open_engines;

#[derive(Debug, Subcommand)]
pub enum MeritCommand {
    /// Import a testing agency's marks (CSV: reference, and test, interview or both): all or
    /// nothing, every bad line listed.
    ImportMarks {
        #[arg(long)]
        job: JobId,
        /// The CSV file.
        #[arg(long)]
        file: PathBuf,
    },
    /// Run the merit list by the job's rules and marks; with --dry-run only show it, otherwise
    /// store it as the next version for a second person to approve.
    Run {
        #[arg(long)]
        job: JobId,
        #[arg(long)]
        dry_run: bool,
        /// Print the canonical CSV (whose SHA-256 is the fingerprint) instead of a table.
        #[arg(long)]
        canonical: bool,
    },
    /// Show a version of the job's list (the newest when no version is given).
    Show {
        #[arg(long)]
        job: JobId,
        #[arg(long)]
        version: Option<u32>,
        #[arg(long)]
        canonical: bool,
    },
}

pub async fn run(config: &Config, command: MeritCommand) -> anyhow::Result<()> {
    let engines = open_engines(config).await?;
    let store = engines.store.as_ref();
    let operator = crate::admin::operator();
    let zone = config.locale()?.zone();
    match command {
        MeritCommand::ImportMarks { job, file } => {
            let csv = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            match marks::import(store, operator, job, &csv).await {
                Ok(done) => println!("read {} lines; {} marks changed", done.lines, done.changed),
                Err(pvara_services::usecase::Error::Problems(problems)) => {
                    for problem in &problems {
                        eprintln!("{}", problem.message);
                    }
                    anyhow::bail!("nothing was imported: the file has {} problems", problems.len());
                }
                Err(other) => return Err(other).context("cannot import the marks"),
            }
        }
        MeritCommand::Run {
            job,
            dry_run,
            canonical,
        } => {
            let list = if dry_run {
                lists::run(store, operator, job, zone).await?
            } else {
                lists::prepare(store, operator, job, zone).await?.list
            };
            print!("{}", if canonical { list.canonical() } else { table(&list) });
            if !dry_run {
                println!(
                    "version {} is prepared; another member of staff approves it to publish it",
                    list.version
                );
            }
        }
        MeritCommand::Show {
            job,
            version,
            canonical,
        } => {
            let version = match version {
                Some(v) => v,
                None => lists::versions(store, operator, job)
                    .await?
                    .first()
                    .map(|h| h.version)
                    .context("the job has no merit list yet")?,
            };
            let stored = lists::show(store, operator, job, version).await?;
            let state = match stored.head.approved {
                Some((_, at)) => format!("published {at}"),
                None => "waiting for approval".to_owned(),
            };
            println!("version {version}, {state}, sha256 {}", stored.head.fingerprint);
            print!(
                "{}",
                if canonical {
                    stored.list.canonical()
                } else {
                    table(&stored.list)
                }
            );
        }
    }
    Ok(())
}

/// The list as aligned text: the split, the cut-offs and one line per candidate.
fn table(list: &MeritList) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} posts, version {}, sha256 {}",
        list.vacancies,
        list.version,
        list.fingerprint()
    );
    for cutoff in &list.allocation.cutoffs {
        let _ = writeln!(
            out,
            "  {:<24} {:>5} posts {:>5} filled  last position {}{}",
            seat_name(&cutoff.seat),
            cutoff.posts,
            cutoff.filled,
            cutoff.last_position.map_or("-".to_owned(), |p| p.to_string()),
            match (cutoff.carried_forward, cutoff.to_open_merit) {
                (0, 0) => String::new(),
                (c, 0) => format!("  {c} carried forward"),
                (_, o) => format!("  {o} to open merit"),
            }
        );
    }
    let _ = writeln!(
        out,
        "{:>8}  {:<14} {:>7} {:>9} {:>8}  outcome",
        "position", "reference", "test", "interview", "total"
    );
    for e in &list.allocation.entries {
        let mark = |m: Option<String>| m.unwrap_or_else(|| "-".to_owned());
        let _ = writeln!(
            out,
            "{:>8}  {:<14} {:>7} {:>9} {:>8}  {}",
            mark(e.position.map(|p| p.to_string())),
            e.reference.as_str(),
            mark(e.test.map(|m| m.to_string())),
            mark(e.interview.map(|m| m.to_string())),
            mark(e.total.map(|t| t.to_string())),
            outcome(&e.outcome),
        );
    }
    out
}

fn outcome(outcome: &Outcome) -> String {
    let seat = |s: &Seat| seat_name(s);
    match outcome {
        Outcome::Selected {
            seat: s,
            carried_from: None,
        } => format!("selected: {}", seat(s)),
        Outcome::Selected {
            seat: s,
            carried_from: Some(from),
        } => format!("selected: {} (from {from})", seat(s)),
        Outcome::Reserve { seat: s, rank } => format!("reserve {rank}: {}", seat(s)),
        Outcome::NotSelected => "not selected".to_owned(),
        Outcome::NotEligible => "not eligible".to_owned(),
        Outcome::NoTestMark => "no test mark".to_owned(),
        Outcome::NoInterviewMark => "no interview mark".to_owned(),
    }
}
