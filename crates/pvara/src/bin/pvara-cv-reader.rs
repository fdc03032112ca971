//! `pvara-cv-reader`: the CV sandbox's child as a binary of its own (see
//! `pvara_services::cv::child`). The server starts one process per uploaded file; starting the
//! whole `pvara` binary for it cost 6 ms of CPU before a byte was read (mapping and relocating a
//! large executable: 112,000 relocations, 976 page faults), more than reading a two-page PDF.
//! This binary holds the readers and nothing else, so a process costs a fraction of that
//! (issue 28, BENCHMARKS.md). The server uses it when it lies beside `pvara`, and `pvara
//! sandbox-extract` otherwise: the arguments are the same.

#![forbid(unsafe_code)]

/// The readers allocate as the server does (see `pvara`'s `main`); the child's address-space
/// cap is set on top of what the allocator reserved at start.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `pvara-cv-reader sandbox-extract KIND ...`, as the server calls `pvara`, or without the
    // subcommand.
    let args = match args.first().map(String::as_str) {
        Some(pvara_services::cv::child::SUBCOMMAND) => &args[1..],
        _ => &args[..],
    };
    pvara_services::cv::child::main(args)
}
