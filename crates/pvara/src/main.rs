//! `pvara`: see the crate docs of `pvara` (the library half) for the layout.

#![forbid(unsafe_code)]

use clap::Parser;
use pvara::cli::{self, Cli};

/// glibc's malloc spent about a fifth of the server's CPU under load (`perf`, BENCHMARKS.md):
/// every request allocates and frees bodies of several kilobytes across threads. mimalloc's
/// per-thread free lists make that cheap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    pvara::telemetry::init(cli.log_format);
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
