#!/usr/bin/env python3
"""A model of the SQLite writer's work per application, for choosing schema changes before
building them (BENCHMARKS.md, issue 28).

    python3 docs/perf/writer_model.py OLD.db NEW.db ...

Each argument is a pvara database (any size; only its schema is read: `pvara serve` once in an
empty directory makes one). For each, the model builds an empty copy of the schema with pvara's
pragmas (WAL, synchronous FULL, secure_delete, foreign keys) and runs what the writer does for
an application, in group commits like the server's: 26 submissions (the application, its CV's
text, history, counts, four equality answers, an event on the log), then the scores of the
previous 26 (the update with a 0.8 KB card, counts, history, an event) and their mail
deliveries, and the consumers' positions. It prints the WAL written per application, split by
the B-tree each page belongs to, and the CPU per application (noisy: compare runs of one
sitting only).
"""

import collections
import json
import os
import random
import shutil
import sqlite3
import struct
import sys
import tempfile
import time
import uuid

PER_COMMIT, COMMITS = 26, 60
# Applications written (and checkpointed) before the measured commits: a random key's index
# costs a page per insert only once it has more leaves than a commit has inserts.
PREFILL = int(os.environ.get("PREFILL", "0"))
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
WORDS = "administration public service ministry budget records policy team led years".split()
CV = " ".join(random.choice(WORDS) for _ in range(700))[:4000]
CARD = json.dumps({"skills": {"matched": ["a", "b"], "score": 30}, "relevance": {"terms": WORDS[:3]},
                   "passages": [{"text": CV[:150], "similarity": 0.4}] * 3})
NOW = "2026-12-05T16:00:00.000000Z"


def v7():
    """A time-ordered id, as Uuid::now_v7 makes them."""
    ms, r = int(time.time() * 1000), random.getrandbits(74)
    return str(uuid.UUID(int=(ms << 80) | (7 << 76) | ((r >> 62) << 64) | (2 << 62) | (r & ((1 << 62) - 1))))


def reference():
    pick = lambda: "".join(random.choice(ALPHABET) for _ in range(4))
    return f"PVA-{pick()}-{pick()}"


def schema_of(db):
    with sqlite3.connect(db) as c:
        return [sql for (sql,) in c.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type = 'index'")]


def run(db, workdir):
    random.seed(1)
    path = os.path.join(workdir, "model.db")
    c = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "wal_autocheckpoint = 0",
                   "secure_delete = ON", "foreign_keys = ON"):
        c.execute(f"PRAGMA {pragma}")
    for sql in schema_of(db):
        c.execute(sql)
    columns = {r[1] for r in c.execute("PRAGMA table_info(applications)")}
    text_apart = "resume_text" not in columns
    warm = PREFILL // PER_COMMIT
    users = [v7() for _ in range(PER_COMMIT * (warm + COMMITS + 1))]
    c.execute("BEGIN")
    c.execute("INSERT INTO log_topics VALUES ('applications', 3), ('emails', 3)")
    for u in users:
        c.execute("INSERT INTO users (id, email, password_hash, full_name, role, created_at) "
                  "VALUES (?, ?, '!', 'Name', 'applicant', ?)", (u, f"{u}@example.org", NOW))
    job = v7()
    c.execute("INSERT INTO jobs (id, title, description, requirements, created_by, created_at) "
              "VALUES (?, 'T', 'D', '{}', ?, ?)", (job, users[0], NOW))
    c.execute("COMMIT")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    offsets = collections.Counter()

    def event(topic):
        partition = random.randrange(3)
        offsets[topic, partition] += 1
        c.execute("INSERT INTO log_records VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (topic, partition, offsets[topic, partition], v7(), '{"applicationId":"%s"}' % v7(),
                   '[["ce_type","pvara.application.scored"],["ce_id","%s"]]' % v7() * 4, NOW))

    def count(status, delta, shard):
        if c.execute("UPDATE job_status_counts SET count = count + ? WHERE job_id = ? AND status = ? "
                     "AND shard = ?", (delta, job, status, shard)).rowcount == 0:
            c.execute("INSERT INTO job_status_counts VALUES (?, ?, ?, ?)", (job, status, shard, delta))

    waiting, started = [], time.process_time()
    for n in range(warm + COMMITS):
        if n == warm:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            started = time.process_time()
        c.execute("BEGIN")
        for i in range(PER_COMMIT):
            a, u = v7(), users[n * PER_COMMIT + i]
            c.execute("SELECT closes_at FROM jobs WHERE id = ?", (job,)).fetchone()
            text = () if text_apart else (CV, "I would be glad to serve.")
            c.execute(f"INSERT INTO applications (id, job_id, applicant_id, full_name, email, phone, skills, "
                      f"years_experience, education, {'' if text_apart else 'resume_text, cover_letter, '}"
                      f"status, submitted_at, updated_at, consent_version, reference) "
                      f"VALUES ({', '.join('?' * (14 if text_apart else 16))})",
                      (a, job, u, "Full Name", "a@example.org", "+92", '["SQL"]', 4, "bachelor", *text,
                       "Submitted", NOW, NOW, "1", reference()))
            if text_apart:
                c.execute("INSERT INTO application_texts VALUES (?, ?, ?)", (a, CV, "I would be glad to serve."))
            c.execute("INSERT INTO application_history (application_id, to_status, actor, reason, at) "
                      "VALUES (?, 'Submitted', ?, 'submitted', ?)", (a, u, NOW))
            count("Submitted", 1, hash(a) % 8)
            for dimension, answer in (("sex", "f"), ("age", "25-34"), ("disability", "no"), ("province", "sindh")):
                c.execute("INSERT INTO equality_answers VALUES (?, ?, ?)", (a, dimension, answer))
            event("applications")
            waiting.append(a)
        scored, waiting = (waiting[:-PER_COMMIT], waiting[-PER_COMMIT:]) if n else ([], waiting)
        for a in scored:
            c.execute("UPDATE applications SET status = 'Under Review', updated_at = ?, ai_score = 70, "
                      "score_breakdown = ?, scorer_version = 'rules-3/rubric-1', score_rubric = 1, "
                      "score_rules = 'rules-3', score_rank = 70123 WHERE id = ? AND status = 'Submitted'",
                      (NOW, CARD, a))
            count("Submitted", -1, hash(a) % 8)
            count("Under Review", 1, hash(a) % 8)
            c.execute("INSERT INTO application_history (application_id, from_status, to_status, actor, reason, at) "
                      "VALUES (?, 'Submitted', 'Under Review', 'scorer', 'scored 70', ?)", (a, NOW))
            event("applications")
            for template in ("received", "scored"):
                c.execute("INSERT INTO mail_deliveries (event_id, application_id, template, message_id, "
                          "delivered_at) VALUES (?, ?, ?, '<m@example.org>', ?)", (v7(), a, template, NOW))
        for group in ("pvara-scoring", "pvara-notify"):
            for partition in range(3):
                c.execute("INSERT INTO log_offsets VALUES (?, 'applications', ?, ?, ?) ON CONFLICT DO UPDATE "
                          "SET next_offset = excluded.next_offset", (group, partition, n, NOW))
        c.execute("COMMIT")
    cpu = time.process_time() - started
    applications = PER_COMMIT * COMMITS
    wal = open(path + "-wal", "rb").read()
    page = struct.unpack(">I", wal[8:12])[0]
    pages = [struct.unpack(">I", wal[at:at + 4])[0] for at in range(32, len(wal) - 24 - page + 1, 24 + page)]
    owner = dict((p, name) for name, p in c.execute("SELECT name, pageno FROM dbstat"))
    by_tree = collections.Counter(owner.get(p, "(freed)") for p in pages)
    c.close()
    return len(wal) / applications / 1024, cpu / applications * 1e6, {
        tree: n * page / applications / 1024 for tree, n in by_tree.most_common(12)}


if __name__ == "__main__":
    for db in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as workdir:
            wal, cpu, trees = run(db, workdir)
        print(f"{db}: {wal:.1f} KB of WAL and {cpu:.0f} µs of CPU per application")
        for tree, kb in trees.items():
            print(f"  {tree:45s} {kb:5.2f} KB")
