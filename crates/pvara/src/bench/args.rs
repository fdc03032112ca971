//! `pvara bench`'s arguments.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Base URL of a running pvara; without it the benchmark starts its own.
    #[arg(long)]
    pub target: Option<String>,
    #[arg(long, default_value_t = 10_000)]
    pub applications: usize,
    /// Concurrent connections (closed loop: each sends its next request when the last is answered).
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Offered applications per second (open loop); without it, a closed loop at full speed.
    #[arg(long)]
    pub rate: Option<f64>,
    /// Process id of a --target on this machine, to report its CPU time and peak memory.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Wait for the pvara-semantic group to drain, refined by workers outside the benchmark's
    /// server (`pvara worker semantic`); with --semantic-model the server refines too.
    #[arg(long)]
    pub await_semantic: bool,
    /// Time the workspace pages instead: seed one job with --applications applications (and
    /// 999 more jobs), then fetch each page one request at a time.
    #[arg(long)]
    pub pages: bool,
    /// Time a national drive's merit list instead: one job of 500 posts in 8 quota categories
    /// gets --applications applicants with declarations and marks, then the dry run is timed.
    #[arg(long, conflicts_with = "pages")]
    pub drive: bool,
    /// Send each application as the apply form does, as multipart/form-data with this file
    /// (a PDF or DOCX) as its CV and no pasted text: the server reads every file in its
    /// sandbox, and the report gives the readers' share of the CPU.
    #[arg(long, conflicts_with_all = ["pages", "drive"])]
    pub cv: Option<PathBuf>,
    /// Directory for report.json and report.svg.
    #[arg(long, default_value = "bench-report")]
    pub report: PathBuf,
    /// Staff account used against --target.
    #[arg(long, env = "PVARA_BENCH_STAFF_EMAIL")]
    pub staff_email: Option<String>,
    #[arg(long, env = "PVARA_BENCH_STAFF_PASSWORD", hide_env_values = true)]
    pub staff_password: Option<String>,
}
