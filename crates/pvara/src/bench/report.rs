//! The run's figures: what the server and its database had used before and after the load
//! (`/metrics` and `/proc`), and `report.json` and `report.svg` made from them.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::load::Submission;
use super::server::{self, ProcessUsage, ServerCounters};
use super::{BenchOptions, chart, delta, percentile, round2};

/// What the server (and, with `--database-url`, this machine's PostgreSQL) had used at one
/// moment.
pub(super) struct Snapshot {
    counters: ServerCounters,
    server: Option<ProcessUsage>,
    /// CPU seconds of this machine's `postgres` processes.
    database: Option<f64>,
}

impl Snapshot {
    pub async fn take(
        client: &reqwest::Client,
        base: &str,
        pid: Option<u32>,
        options: &BenchOptions,
    ) -> Self {
        Snapshot {
            counters: server::counters(client, base).await,
            server: pid.and_then(server::usage),
            database: options
                .database_url
                .as_ref()
                .and_then(|_| server::cpu_seconds_of("postgres")),
        }
    }
}

/// How long the run took: until every submission was answered, until all were scored, and
/// (with the semantic model) the peak lag and when all were refined.
pub(super) struct Times {
    pub submit_secs: f64,
    pub e2e_secs: f64,
    pub semantic: Option<(f64, f64)>,
}

/// Submit-to-scored latencies (a sample, sorted) and the run's submissions.
pub(super) struct Answers<'a> {
    pub submissions: &'a [Submission],
    pub e2e: &'a [f64],
}

/// The report's JSON.
pub(super) fn figures(
    options: &BenchOptions,
    answers: &Answers<'_>,
    (before, after): (&Snapshot, &Snapshot),
    times: &Times,
) -> Value {
    let mut latencies: Vec<f64> = answers
        .submissions
        .iter()
        .filter(|s| s.id.is_some())
        .map(|s| s.latency_ms)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let accepted = latencies.len();
    let (e2e, e2e_secs) = (answers.e2e, times.e2e_secs);
    let per_1000 = |seconds: f64| (accepted > 0).then(|| round2(seconds / accepted as f64 * 1000.0));
    let (cpu, readers) = match (before.server, after.server) {
        (Some(b), Some(a)) => (
            per_1000(a.cpu_seconds - b.cpu_seconds),
            per_1000(a.children_cpu_seconds - b.children_cpu_seconds),
        ),
        _ => (None, None),
    };
    let database_cpu = (before.database)
        .zip(after.database)
        .and_then(|(b, a)| per_1000(a - b));
    let (b, a) = (&before.counters, &after.counters);
    let commits = delta(a.commits, b.commits);
    let rows = delta(a.rows, b.rows);
    json!({
        "applications": options.applications,
        "connections": options.connections,
        "mode": if options.rate.is_some() { "open-loop" } else { "closed-loop" },
        "offeredPerSec": options.rate,
        "accepted": accepted,
        "failed": answers.submissions.len() - accepted,
        "acceptedPerSec": round2(accepted as f64 / times.submit_secs),
        "submitLatencyMs": {
            "p50": round2(percentile(&latencies, 50.0)),
            "p90": round2(percentile(&latencies, 90.0)),
            "p99": round2(percentile(&latencies, 99.0)),
            "max": round2(latencies.last().copied().unwrap_or(0.0)),
        },
        "e2ePerSec": round2(accepted as f64 / e2e_secs),
        "e2eLatencyMs": { "p50": round2(percentile(e2e, 50.0)), "p99": round2(percentile(e2e, 99.0)) },
        "body": if options.cv.is_some() { "form with a CV file" } else { "json" },
        "serverCpuSecondsPer1000": cpu,
        "cvReaderCpuSecondsPer1000": readers,
        "databaseCpuSecondsPer1000": database_cpu,
        "serverPeakRssMb": after.server.map(|u| round2(u.peak_rss_mb)),
        "commitsPerSec": commits.map(|c| round2(c / e2e_secs)),
        "rowsPerCommit": commits.zip(rows).filter(|(c, _)| *c > 0.0).map(|(c, r)| round2(r / c)),
        "semantic": times.semantic.map(|(lag, secs)| json!({
            "peakLag": lag,
            "allRefinedSeconds": round2(secs),
            "drainSeconds": round2(secs - e2e_secs),
            "refinedPerSec": round2(accepted as f64 / secs),
            "refined": delta(a.refined, b.refined),
        })),
        "submitSeconds": round2(times.submit_secs),
        "e2eSeconds": round2(e2e_secs),
        "machine": {
            "cpus": std::thread::available_parallelism().map(usize::from).unwrap_or(0),
            "os": std::env::consts::OS,
        },
    })
}

/// Writes `report.json` and `report.svg` (throughput and latency per second, and the scored
/// counter's `readings`) into the report directory; returns the JSON's path.
pub(super) fn write(
    options: &BenchOptions,
    report: &Value,
    submissions: &[Submission],
    readings: &[(f64, f64)],
    e2e_secs: f64,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(&options.report_dir)?;
    let path = options.report_dir.join("report.json");
    std::fs::write(&path, serde_json::to_vec_pretty(report)?)?;
    let title = format!(
        "pvara bench: {} applications, {} connections, {}",
        report["accepted"],
        options.connections,
        options
            .rate
            .map_or("closed loop".to_owned(), |r| format!("{r:.0}/s offered"))
    );
    let svg = chart::svg(&title, &chart::seconds(submissions, readings, e2e_secs));
    std::fs::write(options.report_dir.join("report.svg"), svg)?;
    Ok(path)
}
