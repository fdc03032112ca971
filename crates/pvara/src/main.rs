//! `pvara`: see the crate docs of `pvara` (the library half) for the layout.

#![forbid(unsafe_code)]

use clap::Parser;
use pvara::cli::{self, Cli};

/// glibc's malloc spent about a fifth of the server's CPU under load (`perf`, BENCHMARKS.md):
/// every request allocates and frees bodies of several kilobytes across threads. mimalloc's
/// per-thread free lists make that cheap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // The CV sandbox's child (see `pvara_services::cv::child`): no runtime, no logging, no
    // configuration; it limits itself before it reads anything.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(pvara_services::cv::child::SUBCOMMAND) {
        return pvara_services::cv::child::main(&args[2..]);
    }
    let cli = Cli::parse();
    let log = pvara::telemetry::init(cli.log_format);
    let outcome = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime
            .block_on(cli::run(cli))
            .map_err(|error| format!("{error:#}")),
        Err(error) => Err(format!("cannot start the async runtime: {error}")),
    };
    // Every log line is written before the verdict, which comes last.
    drop(log);
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
