#!/usr/bin/env python3
"""Which B-trees a running server's WAL is made of (issue 28).

    python3 docs/perf/wal_pages.py DATA_DIR/pvara.db

Copies the database and its WAL as they are (take it in the middle of a `pvara bench --target`
run against a server on DATA_DIR), reads the page number of every frame of the WAL's current
generation, and prints the share of frames that belong to each table or index (`dbstat` of the
copy). A page rewritten by many commits counts once per commit: that is what the writer wrote.
"""

import collections
import shutil
import sqlite3
import struct
import sys
import tempfile


def main():
    source = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        copy = f"{work}/copy.db"
        with open(source + "-wal", "rb") as wal_file:
            wal = wal_file.read()
        shutil.copy(source, copy)
        page = struct.unpack(">I", wal[8:12])[0]
        salt = wal[16:24]
        frames = []
        for at in range(32, len(wal) - 24 - page + 1, 24 + page):
            if wal[at + 8:at + 16] != salt:  # an older generation's frame: the current one ended
                break
            frames.append(struct.unpack(">I", wal[at:at + 4])[0])
        db = sqlite3.connect(f"file:{copy}?mode=ro&immutable=1", uri=True)
        owner = dict((number, name) for name, number in db.execute("SELECT name, pageno FROM dbstat"))
        db.close()
    trees = collections.Counter(owner.get(p, "(new or freed since)") for p in frames)
    print(f"{len(frames)} frames of {page} bytes")
    for tree, count in trees.most_common(25):
        print(f"  {tree:45s} {count / max(len(frames), 1) * 100:5.1f}%")


if __name__ == "__main__":
    main()
