//! Log output: human-readable by default, JSON lines for log shippers. Logs go to stderr so that
//! stdout carries only what commands print on purpose; colour only when stderr is a terminal (a
//! log written to a file or a pipe has no ANSI codes in it). The one home of the logging setup:
//! every command of the binary installs it here.
//!
//! Lines are formatted where they happen and written by a thread of their own, a buffer's worth
//! per system call: under load the access log (one line per request) was a `write` on every
//! request thread, under a lock (issue 28). Nothing is dropped: when the writer falls 128,000
//! lines behind, the threads logging wait for it.

use std::io::IsTerminal;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

/// Bytes gathered before a write to stderr; the log thread also writes whenever it has caught up.
const LOG_BUFFER_BYTES: usize = 64 * 1024;

/// Installs the global subscriber; `RUST_LOG` overrides the default level. Logs are written
/// until the returned guard is dropped, which writes what is still queued.
#[must_use = "dropping the guard stops the log"]
pub fn init(format: LogFormat) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("pvara-log")
        .finish(std::io::BufWriter::with_capacity(
            LOG_BUFFER_BYTES,
            std::io::stderr(),
        ));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(writer);
    let _ = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    guard
}
