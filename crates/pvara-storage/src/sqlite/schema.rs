//! Schema migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::StoreError;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('applicant', 'recruiter', 'admin')),
    created_at    TEXT NOT NULL
);

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    location     TEXT,
    closes_at    TEXT,
    requirements TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL
);

CREATE TABLE applications (
    id               TEXT PRIMARY KEY,
    job_id           TEXT NOT NULL REFERENCES jobs (id),
    applicant_id     TEXT NOT NULL REFERENCES users (id),
    full_name        TEXT NOT NULL,
    email            TEXT NOT NULL,
    phone            TEXT,
    skills           TEXT NOT NULL,
    years_experience REAL NOT NULL,
    education        TEXT NOT NULL,
    resume_text      TEXT NOT NULL,
    cover_letter     TEXT,
    status           TEXT NOT NULL,
    ai_score         INTEGER,
    score_breakdown  TEXT,
    scorer_version   TEXT,
    submitted_at     TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (job_id, applicant_id)
);
-- Ranked listings per job and overall; unscored applications sort as -1.
CREATE INDEX applications_job_rank ON applications (job_id, coalesce(ai_score, -1), id);
CREATE INDEX applications_rank ON applications (coalesce(ai_score, -1), id);
CREATE INDEX applications_status ON applications (status, id);

CREATE TABLE application_history (
    id             INTEGER PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    actor          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    details        TEXT,
    at             TEXT NOT NULL
);
CREATE INDEX application_history_by_application ON application_history (application_id, to_status);

-- The transactional outbox: events written with the change that caused them, moved to the log
-- by the relay. AUTOINCREMENT keeps ids (and so relay order) strictly increasing.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    topic      TEXT NOT NULL,
    key        TEXT,
    value      BLOB NOT NULL,
    headers    TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE mail_deliveries (
    event_id       TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    template       TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    delivered_at   TEXT NOT NULL
);

-- The embedded event log.
CREATE TABLE log_topics (
    name       TEXT PRIMARY KEY,
    partitions INTEGER NOT NULL CHECK (partitions > 0)
);
CREATE TABLE log_records (
    topic     TEXT NOT NULL,
    partition INTEGER NOT NULL,
    offset    INTEGER NOT NULL,
    key       TEXT,
    value     BLOB NOT NULL,
    headers   TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    PRIMARY KEY (topic, partition, offset)
) WITHOUT ROWID;
CREATE TABLE log_offsets (
    group_id    TEXT NOT NULL,
    topic       TEXT NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
) WITHOUT ROWID;
"#,
    r#"
-- What every process of one deployment must agree on (see SqliteEngine::bind_event_log).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    r#"
-- The web portal: deactivated staff, browser sessions, staff notes, CV files, and counts per job
-- and status kept by the writes that move applications (see model::count_shard).
ALTER TABLE users ADD COLUMN deactivated_at TEXT;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY, -- SHA-256 of the cookie's token
    user_id    TEXT NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE application_notes (
    id             INTEGER PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    author_id      TEXT NOT NULL REFERENCES users (id),
    body           TEXT NOT NULL,
    at             TEXT NOT NULL
);
CREATE INDEX application_notes_by_application ON application_notes (application_id, id);

CREATE TABLE application_files (
    application_id TEXT PRIMARY KEY REFERENCES applications (id),
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    content        BLOB NOT NULL
);

CREATE TABLE job_status_counts (
    job_id TEXT NOT NULL,
    status TEXT NOT NULL,
    shard  INTEGER NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (job_id, status, shard)
) WITHOUT ROWID;
INSERT INTO job_status_counts (job_id, status, shard, count)
    SELECT job_id, status, 0, count(*) FROM applications GROUP BY job_id, status;

CREATE INDEX applications_by_applicant ON applications (applicant_id, id);
-- Best score first with ties in submission order, read in index order (a deep page of 100,000
-- candidates sorted everything after its cursor without it). They replace the ascending rank
-- indexes: every index is one more B-tree the single writer updates for each submission and
-- each score, and the ascending order (sort=aiScore) is rarely asked for.
DROP INDEX applications_job_rank;
DROP INDEX applications_rank;
CREATE INDEX applications_job_best ON applications (job_id, coalesce(ai_score, -1) DESC, id);
CREATE INDEX applications_best ON applications (coalesce(ai_score, -1) DESC, id);
"#,
    r#"
-- Who did what to which record: ids only, append-only.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
-- When an application was anonymised (erasure or retention).
ALTER TABLE applications ADD COLUMN erased_at TEXT;
"#,
    r#"
-- Verified addresses. Accounts from before verification existed keep working: their address is
-- taken as verified when they were created.
ALTER TABLE users ADD COLUMN email_verified_at TEXT;
UPDATE users SET email_verified_at = created_at;
-- When the password was last reset: Bearer tokens issued before it stop working.
ALTER TABLE users ADD COLUMN credentials_changed_at TEXT;
-- Single-use tokens mailed to a person (address verification, password reset). No secret here:
-- the link's MAC is made with a key the database does not hold.
CREATE TABLE account_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    purpose    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    mailed_at  TEXT
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id);
-- The privacy statement an applicant accepted, by version.
ALTER TABLE applications ADD COLUMN consent_version TEXT;
"#,
    r#"
-- Mail a relay refused for good, with its reply; and each application's mail, for its page.
ALTER TABLE mail_deliveries ADD COLUMN failure TEXT;
CREATE INDEX mail_deliveries_by_application ON mail_deliveries (application_id, delivered_at);
"#,
    r#"
-- Score versions after the first (the semantic model's refinements), with the score each
-- replaced. No personal data: the quoted passages live in the breakdown, which erasure clears.
CREATE TABLE score_changes (
    id             INTEGER PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    previous_score SMALLINT NOT NULL,
    score          SMALLINT NOT NULL,
    scorer_version TEXT NOT NULL,
    actor          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    at             TEXT NOT NULL
);
CREATE INDEX score_changes_by_application ON score_changes (application_id, id);
"#,
    r#"
-- Answers to the voluntary equality questionnaire (special-category data): a table of their own,
-- read only for the aggregate impact report and deleted when the person is erased.
CREATE TABLE equality_answers (
    application_id TEXT NOT NULL REFERENCES applications (id),
    dimension      TEXT NOT NULL,
    answer         TEXT NOT NULL,
    PRIMARY KEY (application_id, dimension)
);
"#,
    r#"
-- Which rubric a score was made under, and whether a person set it, as data (the scorer
-- version's text is for people; a substring test in it took rubric 1 for rubric 10).
ALTER TABLE applications ADD COLUMN score_rubric INTEGER;
ALTER TABLE applications ADD COLUMN score_by_person INTEGER NOT NULL DEFAULT 0;
UPDATE applications
SET score_by_person = (scorer_version LIKE 'override:%'),
    score_rubric = CASE WHEN instr(scorer_version, '/rubric-') > 0
                        THEN CAST(substr(scorer_version, instr(scorer_version, '/rubric-') + 8) AS INTEGER) END
WHERE scorer_version IS NOT NULL;
"#,
    r#"
-- The rules a machine's score was made by (after a rules change, the older ones are scored
-- again) and the rank that orders the pipeline: the total, then how near the CV is to the job
-- between equal totals (score_rules NULL: from before this, to be scored again).
ALTER TABLE applications ADD COLUMN score_rules TEXT;
ALTER TABLE applications ADD COLUMN score_rank INTEGER;
UPDATE applications SET score_rank = ai_score * 1000 WHERE ai_score IS NOT NULL;
DROP INDEX applications_job_best;
DROP INDEX applications_best;
CREATE INDEX applications_job_best ON applications (job_id, coalesce(score_rank, -1) DESC, id);
CREATE INDEX applications_best ON applications (coalesce(score_rank, -1) DESC, id);
"#,
    r#"
-- How many posts a job fills.
ALTER TABLE jobs ADD COLUMN vacancies INTEGER NOT NULL DEFAULT 1;
"#,
    r#"
-- Hiring managers and interviewers. SQLite cannot alter a CHECK constraint; its documented way
-- for a change that leaves every stored row valid is to edit the table's text in the schema
-- (https://sqlite.org/lang_altertable.html#otheralter). The connection that ran this is closed
-- after migrating, so every connection reads the new text.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, 'CHECK (role IN (''applicant'', ''recruiter'', ''admin''))',
                  'CHECK (role IN (''applicant'', ''recruiter'', ''admin'', ''hiring_manager'', ''interviewer''))')
WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = OFF;
ALTER TABLE jobs ADD COLUMN hiring_manager_id TEXT REFERENCES users (id);
-- Each interview's panel, one row per member and round, written with the scheduling; the
-- member's scorecard fills the row (ratings hold evidence about the candidate: erasure clears
-- them, the recommendation stays).
CREATE TABLE interview_panel (
    application_id TEXT NOT NULL REFERENCES applications (id),
    round          INTEGER NOT NULL,
    interviewer_id TEXT NOT NULL REFERENCES users (id),
    scheduled_at   TEXT NOT NULL,
    ratings        TEXT,
    recommendation TEXT,
    submitted_at   TEXT,
    PRIMARY KEY (application_id, round, interviewer_id)
);
CREATE INDEX interview_panel_by_interviewer ON interview_panel (interviewer_id, scheduled_at);
"#,
    r#"
-- Short references (`PVA-7K3Q-9MXD`) that a person can read to a helpdesk; the UUID stays the
-- id. New applications draw theirs at random (pvara_domain::reference); existing ones get one
-- from their row number through a bijection of the 30^8 references (a multiplier prime to 30),
-- so no two collide.
ALTER TABLE applications ADD COLUMN reference TEXT NOT NULL DEFAULT '';
CREATE TEMP TABLE reference_numbers AS
    SELECT id, (rowid * 48271051 + 123456789) % 656100000000 AS v, '23456789ABCDEFGHJKMNPQRSTVWXYZ' AS x
    FROM applications;
UPDATE applications SET reference = (
    SELECT 'PVA-' ||
        substr(x, v % 30 + 1, 1) ||
        substr(x, (v / 30) % 30 + 1, 1) ||
        substr(x, (v / 900) % 30 + 1, 1) ||
        substr(x, (v / 27000) % 30 + 1, 1) ||
        '-' ||
        substr(x, (v / 810000) % 30 + 1, 1) ||
        substr(x, (v / 24300000) % 30 + 1, 1) ||
        substr(x, (v / 729000000) % 30 + 1, 1) ||
        substr(x, (v / 21870000000) % 30 + 1, 1)
    FROM reference_numbers r WHERE r.id = applications.id);
DROP TABLE reference_numbers;
CREATE UNIQUE INDEX applications_reference ON applications (reference);
"#,
    r#"
-- The language a person reads the pages and their mail in (pvara_domain::language).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
"#,
    r#"
-- The apply page's drafts between the form and "Check your answers" (crate::drafts).
CREATE TABLE application_drafts (
    user_id      TEXT NOT NULL REFERENCES users (id),
    job_id       TEXT NOT NULL REFERENCES jobs (id),
    saved_at     TEXT NOT NULL,
    form         TEXT NOT NULL,
    cv_name      TEXT,
    cv_type      TEXT,
    cv_content   BLOB,
    cv_text      TEXT,
    cv_pages     INTEGER,
    PRIMARY KEY (user_id, job_id)
);
CREATE INDEX application_drafts_by_age ON application_drafts (saved_at);
-- The address an account moves to once the link mailed there is followed.
ALTER TABLE account_tokens ADD COLUMN new_email TEXT;
"#,
    r#"
-- National recruitment (crate::merit). A job's rules live in its requirements ($.drive).
-- What an applicant declares for the rules: decision facts, apart from equality answers.
CREATE TABLE application_declarations (
    application_id TEXT PRIMARY KEY REFERENCES applications (id),
    facts          TEXT NOT NULL
);
-- Test and interview marks in hundredths.
CREATE TABLE marks (
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('test', 'interview')),
    mark           INTEGER NOT NULL CHECK (mark BETWEEN 0 AND 10000),
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    PRIMARY KEY (application_id, kind)
);
-- Merit lists: prepared by one person, published when another approves; never changed after.
CREATE TABLE merit_lists (
    job_id        TEXT NOT NULL REFERENCES jobs (id),
    version       INTEGER NOT NULL,
    drive_version INTEGER NOT NULL,
    vacancies     INTEGER NOT NULL,
    split         TEXT NOT NULL,
    cutoffs       TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    prepared_by   TEXT NOT NULL,
    prepared_at   TEXT NOT NULL,
    approved_by   TEXT,
    approved_at   TEXT,
    PRIMARY KEY (job_id, version)
);
CREATE TABLE merit_entries (
    job_id         TEXT NOT NULL,
    version        INTEGER NOT NULL,
    line           INTEGER NOT NULL,
    application_id TEXT NOT NULL,
    reference      TEXT NOT NULL,
    position       INTEGER,
    test           INTEGER,
    interview      INTEGER,
    total          INTEGER,
    outcome        TEXT NOT NULL,
    PRIMARY KEY (job_id, version, line),
    FOREIGN KEY (job_id, version) REFERENCES merit_lists (job_id, version)
);
CREATE INDEX merit_entries_by_application ON merit_entries (application_id, version);
CREATE TABLE representations (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    job_id         TEXT NOT NULL REFERENCES jobs (id),
    list_version   INTEGER NOT NULL,
    body           TEXT NOT NULL,
    filed_at       TEXT NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    upheld         INTEGER,
    reason         TEXT,
    UNIQUE (application_id, list_version)
);
CREATE INDEX representations_by_job ON representations (job_id, filed_at);
"#,
    // The ids an import brought across (`pvara import mongodb`), the old system's id beside
    // pvara's, so that a second run takes only what is new, an interrupted one resumes, and an
    // erased person (whose row stays here, ids only) is not imported again; and the erasure
    // ledger.
    r#"
CREATE TABLE import_ids (
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    old_id      TEXT NOT NULL,
    pvara_id    TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (source, kind, old_id)
);
-- Who was erased and when (ids only): a restore of an older backup replays it
-- (`pvara restore --erasures-from`), so that an erased person does not come back.
CREATE TABLE erasure_ledger (
    user_id   TEXT PRIMARY KEY,
    erased_at TEXT NOT NULL
);
"#,
    // The CV's text in a table of its own. In the application's row it made every row of
    // 4 KB or more, one leaf and one overflow page, and the scorer's update (status, score, card)
    // wrote both again, for text that never changes after it is sent, with secure_delete zeroing
    // the old overflow page too (docs/perf/writer_model.py: 24.2 KB of WAL per application before,
    // 21.6 after). Apart, the text is written
    // once, and the rows the pipeline updates are small enough to share pages (issue 28,
    // BENCHMARKS.md). WITHOUT ROWID: one B-tree keyed by the application, not a table and an
    // index.
    r#"
CREATE TABLE application_texts (
    application_id TEXT PRIMARY KEY REFERENCES applications (id),
    resume_text    TEXT NOT NULL,
    cover_letter   TEXT
) WITHOUT ROWID;
INSERT INTO application_texts (application_id, resume_text, cover_letter)
    SELECT id, resume_text, cover_letter FROM applications;
ALTER TABLE applications DROP COLUMN resume_text;
ALTER TABLE applications DROP COLUMN cover_letter;
"#,
];

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (version, sql) in crate::migrations::pending(version, MIGRATIONS)? {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::{MIGRATIONS, migrate};

    /// The migration that moves the CV's text carries the text of applications stored before it
    /// into its own table.
    #[test]
    fn stored_applications_keep_their_cv_text_through_its_migration() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        let texts = MIGRATIONS
            .iter()
            .position(|sql| sql.contains("CREATE TABLE application_texts"))
            .unwrap();
        for (i, sql) in MIGRATIONS[..texts].iter().enumerate() {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", i + 1).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO users (id, email, password_hash, full_name, role, created_at)
                 VALUES ('u', 'a@example.org', '!', 'A', 'applicant', 't');
             INSERT INTO jobs (id, title, description, requirements, created_by, created_at)
                 VALUES ('j', 'T', 'D', '{}', 'u', 't');
             INSERT INTO applications (id, job_id, applicant_id, full_name, email, skills, years_experience,
                     education, resume_text, cover_letter, status, submitted_at, updated_at, reference)
                 VALUES ('a', 'j', 'u', 'A', 'a@example.org', '[]', 1, 'bachelor', 'Ten years of SQL.',
                     'Dear board', 'Submitted', 't', 't', 'PVA-2345-6789');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let moved: (String, Option<String>) = conn
            .query_row(
                "SELECT resume_text, cover_letter FROM application_texts WHERE application_id = 'a'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            moved,
            ("Ten years of SQL.".to_owned(), Some("Dear board".to_owned()))
        );
        assert!(
            conn.prepare("SELECT resume_text FROM applications").is_err(),
            "the application's row no longer holds the text"
        );
        let foreign_key_problems: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(foreign_key_problems, 0);
    }
}
