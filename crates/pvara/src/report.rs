//! `pvara report impact|scorer --job ID`: the reports of the workspace's reports page and of
//! `/api/reports/*`, at the terminal (the same use cases, logged as `operator`).

use std::fmt::Write as _;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use pvara_domain::ids::JobId;
use pvara_domain::report::impact::ImpactReport;
use pvara_domain::report::scorer::ScorerReport;
use pvara_services::usecase;

use crate::config::Config;
use crate::startup::open_engines;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Aligned text for reading.
    Table,
    Json,
    /// Impact only: one line per row, as the API's `format=csv`.
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Selection rates and impact ratios per stage and equality category; rows under four
    /// fifths of the most-selected group's rate are flagged.
    Impact {
        #[arg(long)]
        job: JobId,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// For applications recruiters advanced or rejected at the sift: the score's ROC AUC and the
    /// advance rate per score band.
    Scorer {
        #[arg(long)]
        job: JobId,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

pub async fn run(config: &Config, command: ReportCommand) -> anyhow::Result<()> {
    if let ReportCommand::Scorer {
        format: Format::Csv, ..
    } = command
    {
        anyhow::bail!("--format csv is for `pvara report impact`; use table or json");
    }
    let engines = open_engines(config).await?;
    let store = engines.store.as_ref();
    let operator = crate::admin::operator();
    let out = match command {
        ReportCommand::Impact { job, format } => {
            let questionnaire = config.questionnaire()?;
            let (job, report) = usecase::reports::impact(store, operator, job, &questionnaire)
                .await
                .context("cannot compute the impact report")?;
            match format {
                Format::Table => impact_table(&job.title, &report),
                Format::Json => serde_json::to_string_pretty(&report)?,
                Format::Csv => usecase::reports::impact_csv(&job, &report)?,
            }
        }
        ReportCommand::Scorer { job, format } => {
            let (job, report) = usecase::reports::scorer(store, operator, job)
                .await
                .context("cannot compute the scorer report")?;
            match format {
                Format::Json => serde_json::to_string_pretty(&report)?,
                Format::Table | Format::Csv => scorer_table(&job.title, &report),
            }
        }
    };
    print!("{out}");
    Ok(())
}

/// A rate as a percentage with one decimal, "-" for none.
fn percent(rate: Option<f64>) -> String {
    or_dash(rate.map(|r| format!("{:.1}%", r * 100.0)))
}

fn or_dash<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn impact_table(title: &str, report: &ImpactReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Adverse impact: {title}\n{} applications, {} with equality answers; rows under 5 people are not shown; '!' flags an impact ratio below 0.80.",
        report.applications, report.answered
    );
    for stage in &report.stages {
        let median = stage
            .median_score
            .map(|m| format!(", median score {m}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n== {} ({} of {} selected{median})",
            stage.label, stage.selected, stage.assessed
        );
        for table in &stage.tables {
            let _ = writeln!(
                out,
                "\n  {:<44} {:>9} {:>9} {:>8} {:>7}",
                table.name, "assessed", "selected", "rate", "ratio"
            );
            for row in &table.rows {
                let (assessed, selected) = if row.too_small {
                    ("<5".to_owned(), "-".to_owned())
                } else {
                    (or_dash(row.assessed), or_dash(row.selected))
                };
                let ratio = row.impact_ratio.map(|r| format!("{r:.2}"));
                let flag = if row.flagged { " !" } else { "" };
                let _ = writeln!(
                    out,
                    "  {:<44} {assessed:>9} {selected:>9} {:>8} {:>7}{flag}",
                    row.category,
                    percent(row.selection_rate),
                    or_dash(ratio)
                );
            }
        }
    }
    out
}

fn scorer_table(title: &str, report: &ScorerReport) -> String {
    let mut out = String::new();
    let auc = report.roc_auc.map(|a| format!("{a:.3}"));
    let _ = writeln!(
        out,
        "How well the score predicts: {title}\nROC AUC {} over {} advanced and {} rejected at the sift ({} undecided)\n\n  {:<10} {:>8} {:>9} {:>8}",
        or_dash(auc),
        report.advanced,
        report.rejected,
        report.undecided,
        "score",
        "decided",
        "advanced",
        "rate"
    );
    for band in &report.bands {
        let _ = writeln!(
            out,
            "  {:<10} {:>8} {:>9} {:>8}",
            format!("{}-{}", band.lowest, band.highest),
            band.decided,
            band.advanced,
            percent(band.advance_rate)
        );
    }
    out
}
