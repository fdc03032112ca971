//! The sandbox's child: `pvara sandbox-extract KIND MEMORY_MB CPU_SECONDS`, started by
//! [`super::sandbox::Sandbox`] with a cleared environment. It limits itself before it reads a
//! byte of the document: no core dump, no file written, no new file opened, its address space
//! and CPU time capped; then, with the document in memory, a seccomp filter leaves it only the
//! system calls that compute (memory, futexes, signals, reading stdin and writing stdout). A
//! parser that overflows its stack, loops, or inflates a bomb ends this process, never the
//! server's; one that is subverted can do nothing but write to the pipe it was given.

use std::io::{Read, Write};
use std::process::ExitCode;

use super::Kind;
use super::read;

/// The subcommand the server runs the child as.
pub const SUBCOMMAND: &str = "sandbox-extract";

/// Exit status of a child that read the file and found no text in it.
pub const NO_TEXT: u8 = 2;
/// Exit status of a child that could not set up its limits (never reads the document).
/// Its address space may grow by `MEMORY_MB` over what it holds at start.
pub const NO_SANDBOX: u8 = 3;
/// Exit status of a child called with arguments it does not understand.
pub const USAGE: u8 = 4;

/// The child's `main`: `args` are the arguments after the subcommand.
pub fn main(args: &[String]) -> ExitCode {
    let (Some(kind), Some(memory_mb), Some(cpu_seconds)) = (
        args.first().and_then(|k| Kind::from_arg(k)),
        args.get(1).and_then(|m| m.parse::<u64>().ok()),
        args.get(2).and_then(|c| c.parse::<u64>().ok()),
    ) else {
        return ExitCode::from(USAGE);
    };
    if let Err(error) = limit_resources(memory_mb, cpu_seconds) {
        let _ = writeln!(std::io::stderr(), "sandbox: cannot set limits: {error}");
        return ExitCode::from(NO_SANDBOX);
    }
    let mut document = Vec::new();
    let limit = super::MAX_CV_BYTES as u64 + 1;
    if std::io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut document)
        .is_err()
    {
        return ExitCode::from(USAGE);
    }
    if let Err(error) = filter_system_calls() {
        let _ = writeln!(std::io::stderr(), "sandbox: cannot filter system calls: {error}");
        return ExitCode::from(NO_SANDBOX);
    }
    let Some(reading) = read::read(kind, &document) else {
        return ExitCode::from(NO_TEXT);
    };
    drop(document);
    let Ok(json) = serde_json::to_vec(&reading) else {
        return ExitCode::from(NO_TEXT);
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(&json).and_then(|()| out.flush()).is_err() {
        return ExitCode::from(NO_TEXT);
    }
    ExitCode::SUCCESS
}

fn limit_resources(memory_mb: u64, cpu_seconds: u64) -> std::io::Result<()> {
    use rlimit::Resource;
    Resource::CORE.set(0, 0)?;
    Resource::FSIZE.set(0, 0)?;
    // Past the soft limit the kernel sends SIGXCPU (which ends the process); the hard limit one
    // second later is SIGKILL.
    Resource::CPU.set(cpu_seconds, cpu_seconds + 1)?;
    // On top of what the process holds already: the allocator reserves address space before
    // `main` (mimalloc, 1 GiB of it), so a fixed cap below that would leave no room even for
    // the stack to grow.
    let bytes = address_space()?.saturating_add(memory_mb.saturating_mul(1024 * 1024));
    Resource::AS.set(bytes, bytes)?;
    // stdin, stdout and stderr are open already; nothing else is needed.
    Resource::NOFILE.set(3, 3)?;
    Ok(())
}

/// The process's address space now, in bytes.
fn address_space() -> std::io::Result<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm")?;
    let pages: u64 = statm
        .split_whitespace()
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| std::io::Error::other("unreadable /proc/self/statm"))?;
    Ok(pages.saturating_mul(4096))
}

/// Every system call but these fails with EPERM.
#[cfg(target_os = "linux")]
fn filter_system_calls() -> Result<(), String> {
    use std::collections::BTreeMap;

    use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};
    let allowed = [
        libc::SYS_read,
        libc::SYS_write,
        libc::SYS_writev,
        libc::SYS_close,
        libc::SYS_mmap,
        libc::SYS_munmap,
        libc::SYS_mremap,
        libc::SYS_mprotect,
        libc::SYS_madvise,
        libc::SYS_brk,
        libc::SYS_futex,
        libc::SYS_getrandom,
        libc::SYS_clock_gettime,
        libc::SYS_sched_yield,
        libc::SYS_sigaltstack,
        libc::SYS_rt_sigaction,
        libc::SYS_rt_sigprocmask,
        libc::SYS_rt_sigreturn,
        libc::SYS_gettid,
        libc::SYS_getpid,
        libc::SYS_tgkill,
        libc::SYS_exit,
        libc::SYS_exit_group,
    ];
    let rules = allowed
        .into_iter()
        .map(|call| (call, Vec::new()))
        .collect::<BTreeMap<_, _>>();
    let arch = TargetArch::try_from(std::env::consts::ARCH).map_err(|e| e.to_string())?;
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Errno(libc::EPERM as u32),
        SeccompAction::Allow,
        arch,
    )
    .map_err(|e| e.to_string())?;
    let program: BpfProgram = filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| e.to_string())?;
    seccompiler::apply_filter(&program).map_err(|e| e.to_string())
}

#[cfg(not(target_os = "linux"))]
fn filter_system_calls() -> Result<(), String> {
    Ok(())
}
