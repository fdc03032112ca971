#!/usr/bin/env python3
"""Shares of a server profile by pipeline stage and by kind of work.

    perf script -i perf.data | inferno-collapse-perf > folded.txt
    python3 docs/perf/stages.py folded.txt [more.txt ...]

A stack's stage is the first of STAGES (most specific first) that one of its frames names; its
kind is the kernel's (by the system call that entered it) or the leaf-most frame of a known
KIND. Both are shares of the samples of the process.
"""
import re
import sys

# (stage, pattern on any frame): the first that matches names the stage. Patterns are anchored
# at the frame's start (a trait impl's frame starts with "<"): a generic frame names every type
# it was instantiated with, and a handler's frame names its extractors.
STAGES = [
    ("log: lines formatted and written", r"^<?tracing_subscriber|^<?tracing_appender|^pvara-log"),
    ("metrics", r"^<?metrics::|^<?metrics_exporter_prometheus|^<?metrics_util"),
    ("writer: events onto the log", r"^<?pvara_storage::sqlite::(writes::emit|log::append_records)"),
    ("writer: submissions' statements", r"^<?pvara_storage::sqlite::inserts::insert_submission|^<?pvara_storage::sqlite::store::\{impl#\d+\}::submit"),
    ("writer: scorer's and mailer's transitions", r"^<?pvara_storage::sqlite::writes::(apply_transition|record_delivery)|apply_batch::\{"),
    ("writer: consumer offsets", r"^<?pvara_storage::sqlite::log::store_positions"),
    ("writer: commits (WAL, checkpoints, fsync)", r"^pvara_storage::sqlite::writer::run"),
    ("writer: other", r"^pvara-sqlite-wr"),
    ("scorer: rules", r"^<?pvara_domain::scoring"),
    ("scorer: worker (read, decide, events)", r"^<?pvara_services::workers::scoring"),
    ("mail: render and deliver", r"^<?pvara_services::(workers::notify|mail::)|^<?minijinja|^<?lettre"),
    ("CV reading (sandbox)", r"^<?pvara_services::cv::"),
    ("reads (consumers, pages, polls)", r"^poll<pvara_storage::sqlite::\{impl#\d+\}::read|^<?pvara_storage::sqlite::(log|store|workspace|rows)::"),
    ("auth: token and account", r"^<?pvara_services::auth::|^<?jsonwebtoken|^<?ring::hmac"),
    ("submit: checks and events", r"^<?pvara_services::(usecase::applications|api::applications::submit)|^<?pvara_domain::(application|event)|^<?pvara_storage::outbox"),
    ("HTTP and JSON (hyper, axum, serde)", r"^<?(hyper|axum|h2|httparse|serde_json|serde_path_to_error|tower)"),
    ("tokio scheduling and timers", r"^<?tokio::"),
]

# Where a stack enters the kernel: what lies leafward of it is the kernel's work, named after
# the system call the user-space frame above it made.
KERNEL_ENTRY = r"^(entry_SYSCALL_64|do_syscall_64|asm_exc_page_fault|asm_sysvec_|ret_from_fork|asm_common_interrupt)"
SYSCALLS = [
    ("fsync", r"fsync|fdatasync"),
    ("file writes (WAL, database, mail)", r"pwrite|__libc_write|write_all|std::io::Write|sqlite3OsWrite|unixWrite"),
    ("file reads", r"pread|__libc_read|unixRead|sqlite3OsRead"),
    ("futex (waking threads)", r"futex|pthread_cond|lll_|park|unpark|notify"),
    ("network (epoll, send, receive)", r"epoll|send|recv|mio|TcpStream|accept"),
    ("page faults", r"page_fault"),
]

# (kind, pattern on a frame): the leaf-most frame that matches one names the kind.
KINDS = [
    ("memory allocation", r"^_?mi_|^__rust_(alloc|dealloc|realloc)|^_int_(malloc|free|realloc)|^__GI___libc_(malloc|free|realloc)|^(malloc|free|realloc|calloc|cfree)$|^unlink_chunk|mimalloc|^alloc::raw_vec|^<alloc::raw_vec"),
    ("SQLite itself (the C library)", r"^sqlite3|^btree|^pager|^wal[A-Z]|^pcache|^vdbe|^unix[A-Z]"),
    ("rusqlite bindings", r"^rusqlite|^<rusqlite"),
    ("serde_json", r"^serde_json|^<serde_json|^<&mut serde_json"),
    ("tracing and the log lines", r"^tracing|^<tracing"),
    ("the rule scorer", r"^pvara_domain::scoring"),
    ("HTTP (hyper, axum)", r"^hyper|^<hyper|^axum|^<axum|^httparse"),
    ("tokio scheduling", r"^tokio|^<tokio"),
    ("token checks (HMAC, SHA-2)", r"hmac|sha2|jsonwebtoken"),
]


def kind_of(frames):
    entry = next((i for i, f in enumerate(frames) if re.search(KERNEL_ENTRY, f)), None)
    if entry is not None:
        above = frames[max(0, entry - 6):entry]
        for name, pattern in SYSCALLS:
            if any(re.search(pattern, f) for f in above):
                return "kernel: " + name
        return "kernel: other"
    return classify(frames, KINDS, leaf_first=True)


def classify(frames, table, leaf_first):
    order = reversed(frames) if leaf_first else frames
    for frame in order:
        for name, pattern in table:
            if re.search(pattern, frame):
                return name
    return "other"


def main(paths):
    stages, kinds, total = {}, {}, 0
    for path in paths:
        for line in open(path, encoding="utf-8", errors="replace"):
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            frames = stack.split(";")
            total += n
            # Specific stages first, whatever their depth: any frame of the stack may name one.
            stage = next((name for name, p in STAGES if any(re.search(p, f) for f in frames)), "other")
            stages[stage] = stages.get(stage, 0) + n
            kind = kind_of(frames)
            kinds[kind] = kinds.get(kind, 0) + n
    for title, table in (("stage", stages), ("kind of work", kinds)):
        print(f"| {title} | share |\n|---|---|")
        for name, n in sorted(table.items(), key=lambda item: -item[1]):
            print(f"| {name} | {100 * n / max(total, 1):.1f}% |")
        print()
    print(f"{total} samples")


if __name__ == "__main__":
    main(sys.argv[1:])
