//! The server under test: started as a child process of the pvara binary (so its CPU time and
//! memory are its own, not the load generator's), or a running one given by URL. Its `/metrics`
//! and, when local, `/proc/<pid>` give the figures HTTP answers cannot.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::{BenchOptions, PASSWORD};

/// Linux reports CPU times in /proc in units of USER_HZ, which is 100 on every architecture.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;
pub(super) const STAFF_EMAIL: &str = "bench@pvara.invalid";

pub(super) struct Server {
    pub base: String,
    pub staff_email: String,
    pub staff_password: String,
    /// The process to measure, when it runs on this machine.
    pub pid: Option<u32>,
    child: Option<(Child, tempfile::TempDir)>,
}

impl Server {
    pub async fn start(options: &BenchOptions) -> anyhow::Result<Server> {
        if let Some(base) = &options.target {
            let (Some(email), Some(password)) = (&options.staff_email, &options.staff_password) else {
                bail!("--target needs --staff-email and --staff-password (a recruiter or admin account)");
            };
            return Ok(Server {
                base: base.trim_end_matches('/').to_owned(),
                staff_email: email.clone(),
                staff_password: password.clone(),
                pid: options.server_pid,
                child: None,
            });
        }
        let dir = tempfile::tempdir().context("cannot create a temporary data directory")?;
        Self::spawn(options, dir, true).await
    }

    /// Starts `pvara serve` on the data in `dir` (and `options`' database), creating the
    /// benchmark's admin first unless the data already has it.
    pub async fn spawn(
        options: &BenchOptions,
        dir: tempfile::TempDir,
        create_staff: bool,
    ) -> anyhow::Result<Server> {
        let exe = options
            .server_exe
            .clone()
            .map_or_else(std::env::current_exe, Ok)
            .context("cannot find the pvara binary to start")?;
        let engine_args = engine_args(options, dir.path());
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        if create_staff {
            create_admin(&exe, &engine_args, &log, dir.path()).await?;
        }
        let mut child = Command::new(&exe)
            .args(&engine_args)
            .args([
                "--log-format",
                "json",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--rate-limits",
                "off",
                // Its applicants never read their mail; the load is the pipeline's.
                "--email-verification",
                "off",
            ])
            .stdout(Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot run {}", exe.display()))?;
        let stdout = child.stdout.take().context("no stdout from the server")?;
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let Some(line) = lines.next_line().await? else {
                bail!(
                    "the server exited; see {}",
                    dir.path().join("server.log").display()
                );
            };
            if let Some(rest) = line.strip_prefix("pvara listening on ") {
                break rest.split_whitespace().next().unwrap_or_default().to_owned();
            }
        };
        eprintln!(
            "started pvara (pid {:?}) on {base} in {}",
            child.id(),
            dir.path().display()
        );
        Ok(Server {
            base,
            staff_email: STAFF_EMAIL.to_owned(),
            staff_password: PASSWORD.to_owned(),
            pid: child.id(),
            child: Some((child, dir)),
        })
    }

    /// Stops a server this benchmark started (SIGTERM through `kill`, then waits).
    pub async fn stop(self) -> anyhow::Result<()> {
        if let Some((mut child, _dir)) = self.child {
            if let Some(pid) = child.id() {
                let _ = Command::new("kill").arg(pid.to_string()).status().await;
            }
            child.wait().await?;
        }
        Ok(())
    }
}

async fn create_admin(
    exe: &Path,
    engine_args: &[String],
    log: &std::fs::File,
    dir: &Path,
) -> anyhow::Result<()> {
    let mut create = Command::new(exe)
        .args(engine_args)
        .args([
            "users",
            "create",
            "--email",
            STAFF_EMAIL,
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(log.try_clone()?)
        .spawn()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    if let Some(mut stdin) = create.stdin.take() {
        use tokio::io::AsyncWriteExt;
        stdin.write_all(format!("{PASSWORD}\n").as_bytes()).await?;
    }
    anyhow::ensure!(
        create.wait().await?.success(),
        "creating the benchmark's admin failed; see {}",
        dir.join("server.log").display()
    );
    Ok(())
}

fn engine_args(options: &BenchOptions, data_dir: &Path) -> Vec<String> {
    let mut args = vec!["--data-dir".to_owned(), data_dir.display().to_string()];
    if let Some(url) = &options.database_url {
        args.extend(["--database-url".to_owned(), url.clone()]);
    }
    if let Some(model) = &options.semantic_model {
        args.extend(["--semantic-model".to_owned(), model.display().to_string()]);
    }
    if let Some(kafka) = &options.kafka {
        args.extend(["--kafka-brokers".to_owned(), kafka.brokers.clone()]);
        args.extend(["--kafka-replication".to_owned(), kafka.replication.to_string()]);
        args.extend(["--kafka-topic-prefix".to_owned(), kafka.prefix.clone()]);
        for (key, value) in &kafka.properties {
            args.extend(["--kafka-property".to_owned(), format!("{key}={value}")]);
        }
    }
    args
}

/// CPU seconds (user + system) and peak resident memory of a local process.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ProcessUsage {
    /// Its own and its ended children's: all the work the server did, the CV readers' included.
    pub cpu_seconds: f64,
    /// Its ended children's alone: the sandboxed CV readers (the only children a server starts).
    pub children_cpu_seconds: f64,
    pub peak_rss_mb: f64,
}

/// The fields of `/proc/<pid>/stat` after the command name (which is in parentheses and may
/// hold spaces), and that name.
fn stat_of(pid: &str) -> Option<(String, Vec<f64>)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, tail) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_owned();
    // Non-numeric fields (the state) read as 0; only the times are used.
    let fields = tail
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    Some((name, fields))
}

/// utime, stime, cutime and cstime are fields 14 to 17 of the line: indexes 11 to 14 counting
/// from the state, field 3, which comes right after the name. Returns (own, ended children's).
fn cpu_of(fields: &[f64]) -> Option<(f64, f64)> {
    let tick = |i: usize| fields.get(i).map(|t| t / CLOCK_TICKS_PER_SECOND);
    Some((tick(11)? + tick(12)?, tick(13)? + tick(14)?))
}

pub(super) fn usage(pid: u32) -> Option<ProcessUsage> {
    let (_, fields) = stat_of(&pid.to_string())?;
    let (own, children) = cpu_of(&fields)?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let peak_kb = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())?;
    Some(ProcessUsage {
        cpu_seconds: own + children,
        children_cpu_seconds: children,
        peak_rss_mb: peak_kb / 1024.0,
    })
}

/// The CPU seconds of every process of this machine called `name` (with their ended
/// children's): for PostgreSQL, the postmaster, which reaps the backends that ended, and the
/// backends still running. `None` when there is none (the database is on another machine).
pub(super) fn cpu_seconds_of(name: &str) -> Option<f64> {
    let mut total = None;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let pid = entry.file_name();
        let Some((comm, fields)) = pid.to_str().and_then(stat_of) else {
            continue;
        };
        if comm == name
            && let Some((own, children)) = cpu_of(&fields)
        {
            *total.get_or_insert(0.0) += own + children;
        }
    }
    total
}

/// The counters the benchmark reads from `/metrics`; absent ones are `None`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ServerCounters {
    pub commits: Option<f64>,
    pub rows: Option<f64>,
    pub scored: Option<f64>,
    pub refined: Option<f64>,
    /// Records the `pvara-semantic` group has still to commit, over its partitions.
    pub semantic_lag: Option<f64>,
}

pub(super) async fn counters(client: &reqwest::Client, base: &str) -> ServerCounters {
    let text = match client.get(format!("{base}/metrics")).send().await {
        Ok(response) if response.status().is_success() => response.text().await.unwrap_or_default(),
        _ => return ServerCounters::default(),
    };
    let value = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    ServerCounters {
        commits: value(pvara_services::metrics::DB_COMMITS),
        rows: value(pvara_services::metrics::DB_ROWS),
        scored: value(pvara_services::metrics::SCORED),
        refined: value(pvara_services::metrics::REFINED),
        semantic_lag: semantic_lag(&text),
    }
}

/// The sum of the semantic group's per-partition lag gauges, if `/metrics` shows any.
fn semantic_lag(metrics: &str) -> Option<f64> {
    let group = format!("group=\"{}", pvara_domain::event::SEMANTIC_GROUP.name);
    let lags: Vec<f64> = metrics
        .lines()
        .filter(|line| line.starts_with(pvara_services::metrics::CONSUMER_LAG) && line.contains(&group))
        .filter_map(|line| line.rsplit_once(' ')?.1.trim().parse::<f64>().ok())
        .collect();
    (!lags.is_empty()).then(|| lags.iter().sum())
}
