#!/usr/bin/env python3
"""Where a server's threads spend their time, running or not (issue 28).

    python3 docs/perf/thread_states.py PID [SECONDS] [THREAD_PREFIX]

A CPU profile (perf, the flame graphs here) sees only the time a thread runs. This samples each
thread whose name starts with THREAD_PREFIX (default `pvara-sqlite`) every half millisecond for
SECONDS (default 6) and prints, per thread, the share of samples in each state and system call:
`R/running` is running or waiting for a core, `D/74` asleep in `fsync` (x86-64 system call 74),
`D/75` in `fdatasync`, `S/202` waiting on a futex (for work). Run it against `pvara bench`'s
server in the middle of a run:

    pvara bench --applications 25000 --connections 64 &
    sleep 9; python3 docs/perf/thread_states.py "$(pgrep -n -f 'pvara --data-dir')"
"""

import collections
import os
import sys
import time


def main():
    pid = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 6.0
    prefix = sys.argv[3] if len(sys.argv) > 3 else "pvara-sqlite"
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as comm:
            name = comm.read().strip()
        if name.startswith(prefix):
            threads[tid] = name
    samples = {tid: collections.Counter() for tid in threads}
    end = time.time() + seconds
    while time.time() < end:
        for tid in threads:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                    state = stat.read().rsplit(")", 1)[1].split()[0]
                with open(f"/proc/{pid}/task/{tid}/syscall") as syscall:
                    call = syscall.read().split()[0]
            except OSError:
                continue
            samples[tid][f"{state}/{call}"] += 1
        time.sleep(0.0005)
    for tid, name in sorted(threads.items(), key=lambda t: t[1]):
        total = sum(samples[tid].values()) or 1
        shares = ", ".join(f"{k} {v / total * 100:.1f}%" for k, v in samples[tid].most_common(5))
        print(f"{name:18s} {shares}")


if __name__ == "__main__":
    main()
