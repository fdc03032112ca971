//! PostgreSQL schema migrations, applied in order under an advisory lock so that several
//! processes starting at once do not race.

use sqlx::PgPool;

use crate::error::StoreError;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('applicant', 'recruiter', 'admin')),
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE jobs (
    id           UUID PRIMARY KEY,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    location     TEXT,
    closes_at    TIMESTAMPTZ,
    requirements JSONB NOT NULL,
    created_by   UUID NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE applications (
    id               UUID PRIMARY KEY,
    job_id           UUID NOT NULL REFERENCES jobs (id),
    applicant_id     UUID NOT NULL REFERENCES users (id),
    full_name        TEXT NOT NULL,
    email            TEXT NOT NULL,
    phone            TEXT,
    skills           JSONB NOT NULL,
    years_experience DOUBLE PRECISION NOT NULL,
    education        TEXT NOT NULL,
    resume_text      TEXT NOT NULL,
    cover_letter     TEXT,
    status           TEXT NOT NULL,
    ai_score         SMALLINT,
    score_breakdown  JSONB,
    scorer_version   TEXT,
    submitted_at     TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (job_id, applicant_id)
);
CREATE INDEX applications_job_rank ON applications (job_id, (coalesce(ai_score, -1)), id);
CREATE INDEX applications_rank ON applications ((coalesce(ai_score, -1)), id);
CREATE INDEX applications_status ON applications (status, id);

CREATE TABLE application_history (
    id             BIGSERIAL PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id),
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    actor          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    details        JSONB,
    at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX application_history_by_application ON application_history (application_id, to_status);

-- The transactional outbox. `shard` is a hash of the key: relays claim whole shards, so several
-- relays run at once while each key's events keep their order.
CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    shard      INTEGER NOT NULL,
    topic      TEXT NOT NULL,
    key        TEXT,
    value      BYTEA NOT NULL,
    headers    JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_by_shard ON outbox (shard, id);

CREATE TABLE mail_deliveries (
    event_id       UUID PRIMARY KEY,
    application_id UUID NOT NULL,
    template       TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    delivered_at   TIMESTAMPTZ NOT NULL
);

-- The embedded event log.
CREATE TABLE log_topics (
    name       TEXT PRIMARY KEY,
    partitions INTEGER NOT NULL CHECK (partitions > 0)
);
-- The next offset per partition; its row lock orders concurrent appends.
CREATE TABLE log_partitions (
    topic       TEXT NOT NULL REFERENCES log_topics (name),
    partition   INTEGER NOT NULL,
    next_offset BIGINT NOT NULL,
    PRIMARY KEY (topic, partition)
);
CREATE TABLE log_records (
    topic      TEXT NOT NULL,
    partition  INTEGER NOT NULL,
    log_offset BIGINT NOT NULL,
    key        TEXT,
    value      BYTEA NOT NULL,
    headers    JSONB NOT NULL,
    timestamp  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (topic, partition, log_offset)
);
CREATE TABLE log_offsets (
    group_id    TEXT NOT NULL,
    topic       TEXT NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset BIGINT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
);
-- Group membership for consumers in several processes: members heartbeat, partitions are leased.
CREATE TABLE log_members (
    group_id     TEXT NOT NULL,
    topic        TEXT NOT NULL,
    member_id    UUID NOT NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, topic, member_id)
);
CREATE TABLE log_leases (
    group_id    TEXT NOT NULL,
    topic       TEXT NOT NULL,
    partition   INTEGER NOT NULL,
    member_id   UUID NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
);
"#,
    r#"
-- The web portal: deactivated staff, browser sessions, staff notes, CV files, and counts per job
-- and status kept by the writes that move applications (sharded: see model::count_shard).
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY, -- SHA-256 of the cookie's token
    user_id    UUID NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE application_notes (
    id             BIGSERIAL PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id),
    author_id      UUID NOT NULL REFERENCES users (id),
    body           TEXT NOT NULL,
    at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX application_notes_by_application ON application_notes (application_id, id);

CREATE TABLE application_files (
    application_id UUID PRIMARY KEY REFERENCES applications (id),
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    content        BYTEA NOT NULL
);

CREATE TABLE job_status_counts (
    job_id UUID NOT NULL,
    status TEXT NOT NULL,
    shard  INTEGER NOT NULL,
    count  BIGINT NOT NULL,
    PRIMARY KEY (job_id, status, shard)
);
INSERT INTO job_status_counts (job_id, status, shard, count)
    SELECT job_id, status, 0, count(*) FROM applications GROUP BY job_id, status;

CREATE INDEX applications_by_applicant ON applications (applicant_id, id);
-- Best score first with ties in submission order, read in index order (a deep page of 100,000
-- candidates sorted everything after its cursor without it). They replace the ascending rank
-- indexes: every index is one more B-tree the single writer updates for each submission and
-- each score, and the ascending order (sort=aiScore) is rarely asked for.
DROP INDEX applications_job_rank;
DROP INDEX applications_rank;
CREATE INDEX applications_job_best ON applications (job_id, (coalesce(ai_score, -1)) DESC, id);
CREATE INDEX applications_best ON applications ((coalesce(ai_score, -1)) DESC, id);
"#,
    r#"
-- Who did what to which record: ids only, append-only.
CREATE TABLE audit_log (
    id      BIGSERIAL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
-- When an application was anonymised (erasure or retention).
ALTER TABLE applications ADD COLUMN erased_at TIMESTAMPTZ;
"#,
    r#"
-- Verified addresses. Accounts from before verification existed keep working: their address is
-- taken as verified when they were created.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;
UPDATE users SET email_verified_at = created_at;
-- When the password was last reset: Bearer tokens issued before it stop working.
ALTER TABLE users ADD COLUMN credentials_changed_at TIMESTAMPTZ;
-- Single-use tokens mailed to a person (address verification, password reset). No secret here:
-- the link's MAC is made with a key the database does not hold.
CREATE TABLE account_tokens (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id),
    purpose    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    mailed_at  TIMESTAMPTZ
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
    id             BIGSERIAL PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id),
    previous_score SMALLINT NOT NULL,
    score          SMALLINT NOT NULL,
    scorer_version TEXT NOT NULL,
    actor          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX score_changes_by_application ON score_changes (application_id, id);
"#,
    r#"
-- Answers to the voluntary equality questionnaire (special-category data): a table of their own,
-- read only for the aggregate impact report and deleted when the person is erased.
CREATE TABLE equality_answers (
    application_id UUID NOT NULL REFERENCES applications (id),
    dimension      TEXT NOT NULL,
    answer         TEXT NOT NULL,
    PRIMARY KEY (application_id, dimension)
);
"#,
    r#"
-- Which rubric a score was made under, and whether a person set it, as data (the scorer
-- version's text is for people; a substring test in it took rubric 1 for rubric 10).
ALTER TABLE applications ADD COLUMN IF NOT EXISTS score_rubric INTEGER;
ALTER TABLE applications ADD COLUMN IF NOT EXISTS score_by_person BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE applications
SET score_by_person = starts_with(scorer_version, 'override:'),
    score_rubric = substring(scorer_version from '/rubric-([0-9]+)')::INTEGER
WHERE scorer_version IS NOT NULL;
"#,
    r#"
-- The rules a machine's score was made by (after a rules change, the older ones are scored
-- again) and the rank that orders the pipeline: the total, then how near the CV is to the job
-- between equal totals (score_rules NULL: from before this, to be scored again).
ALTER TABLE applications ADD COLUMN IF NOT EXISTS score_rules TEXT;
ALTER TABLE applications ADD COLUMN IF NOT EXISTS score_rank BIGINT;
UPDATE applications SET score_rank = ai_score * 1000 WHERE ai_score IS NOT NULL;
DROP INDEX IF EXISTS applications_job_best;
DROP INDEX IF EXISTS applications_best;
CREATE INDEX applications_job_best ON applications (job_id, (coalesce(score_rank, -1)) DESC, id);
CREATE INDEX applications_best ON applications ((coalesce(score_rank, -1)) DESC, id);
"#,
    r#"
-- How many posts a job fills.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS vacancies INTEGER NOT NULL DEFAULT 1;
"#,
    r#"
-- Hiring managers and interviewers.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('applicant', 'recruiter', 'admin', 'hiring_manager', 'interviewer'));
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS hiring_manager_id UUID REFERENCES users (id);
-- Each interview's panel, one row per member and round, written with the scheduling; the
-- member's scorecard fills the row (ratings hold evidence about the candidate: erasure clears
-- them, the recommendation stays).
CREATE TABLE IF NOT EXISTS interview_panel (
    application_id UUID NOT NULL REFERENCES applications (id),
    round          SMALLINT NOT NULL,
    interviewer_id UUID NOT NULL REFERENCES users (id),
    scheduled_at   TIMESTAMPTZ NOT NULL,
    ratings        JSONB,
    recommendation TEXT,
    submitted_at   TIMESTAMPTZ,
    PRIMARY KEY (application_id, round, interviewer_id)
);
CREATE INDEX IF NOT EXISTS interview_panel_by_interviewer ON interview_panel (interviewer_id, scheduled_at);
"#,
    r#"
-- Short references (`PVA-7K3Q-9MXD`) that a person can read to a helpdesk; the UUID stays the
-- id. New applications draw theirs at random (pvara_domain::reference); existing ones get one
-- from their row number through a bijection of the 30^8 references (a multiplier prime to 30),
-- so no two collide.
ALTER TABLE applications ADD COLUMN IF NOT EXISTS reference TEXT NOT NULL DEFAULT '';
WITH numbered AS (
    SELECT id, (row_number() OVER (ORDER BY submitted_at, id) * 48271051 + 123456789) % 656100000000 AS v,
           '23456789ABCDEFGHJKMNPQRSTVWXYZ'::text AS x
    FROM applications
)
UPDATE applications a SET reference = 'PVA-' ||
        substr(x, ((v % 30))::int + 1, 1) ||
        substr(x, (((v / 30) % 30))::int + 1, 1) ||
        substr(x, (((v / 900) % 30))::int + 1, 1) ||
        substr(x, (((v / 27000) % 30))::int + 1, 1) ||
        '-' ||
        substr(x, (((v / 810000) % 30))::int + 1, 1) ||
        substr(x, (((v / 24300000) % 30))::int + 1, 1) ||
        substr(x, (((v / 729000000) % 30))::int + 1, 1) ||
        substr(x, (((v / 21870000000) % 30))::int + 1, 1)
FROM numbered WHERE numbered.id = a.id;
CREATE UNIQUE INDEX IF NOT EXISTS applications_reference ON applications (reference);
ALTER TABLE applications ALTER COLUMN reference DROP DEFAULT;
"#,
    r#"
-- The language a person reads the pages and their mail in (pvara_domain::language).
ALTER TABLE users ADD COLUMN IF NOT EXISTS language TEXT NOT NULL DEFAULT 'en';
"#,
    r#"
-- The apply page's drafts between the form and "Check your answers" (crate::drafts).
CREATE TABLE IF NOT EXISTS application_drafts (
    user_id      UUID NOT NULL REFERENCES users (id),
    job_id       UUID NOT NULL REFERENCES jobs (id),
    saved_at     TIMESTAMPTZ NOT NULL,
    form         TEXT NOT NULL,
    cv_name      TEXT,
    cv_type      TEXT,
    cv_content   BYTEA,
    cv_text      TEXT,
    cv_pages     INTEGER,
    PRIMARY KEY (user_id, job_id)
);
CREATE INDEX IF NOT EXISTS application_drafts_by_age ON application_drafts (saved_at);
-- The address an account moves to once the link mailed there is followed.
ALTER TABLE account_tokens ADD COLUMN IF NOT EXISTS new_email TEXT;
"#,
    r#"
-- National recruitment (crate::merit). A job's rules live in its requirements ('drive').
-- What an applicant declares for the rules: decision facts, apart from equality answers.
CREATE TABLE IF NOT EXISTS application_declarations (
    application_id UUID PRIMARY KEY REFERENCES applications (id),
    facts          JSONB NOT NULL
);
-- Test and interview marks in hundredths.
CREATE TABLE IF NOT EXISTS marks (
    application_id UUID NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('test', 'interview')),
    mark           INTEGER NOT NULL CHECK (mark BETWEEN 0 AND 10000),
    recorded_by    UUID NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, kind)
);
-- Merit lists: prepared by one person, published when another approves; never changed after.
CREATE TABLE IF NOT EXISTS merit_lists (
    job_id        UUID NOT NULL REFERENCES jobs (id),
    version       INTEGER NOT NULL,
    drive_version INTEGER NOT NULL,
    vacancies     INTEGER NOT NULL,
    split         JSONB NOT NULL,
    cutoffs       JSONB NOT NULL,
    fingerprint   TEXT NOT NULL,
    prepared_by   UUID NOT NULL,
    prepared_at   TIMESTAMPTZ NOT NULL,
    approved_by   UUID,
    approved_at   TIMESTAMPTZ,
    PRIMARY KEY (job_id, version)
);
CREATE TABLE IF NOT EXISTS merit_entries (
    job_id         UUID NOT NULL,
    version        INTEGER NOT NULL,
    line           INTEGER NOT NULL,
    application_id UUID NOT NULL,
    reference      TEXT NOT NULL,
    position       INTEGER,
    test           INTEGER,
    interview      INTEGER,
    total          INTEGER,
    outcome        JSONB NOT NULL,
    PRIMARY KEY (job_id, version, line),
    FOREIGN KEY (job_id, version) REFERENCES merit_lists (job_id, version)
);
CREATE INDEX IF NOT EXISTS merit_entries_by_application ON merit_entries (application_id, version);
CREATE TABLE IF NOT EXISTS representations (
    id             UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id),
    job_id         UUID NOT NULL REFERENCES jobs (id),
    list_version   INTEGER NOT NULL,
    body           TEXT NOT NULL,
    filed_at       TIMESTAMPTZ NOT NULL,
    decided_by     UUID,
    decided_at     TIMESTAMPTZ,
    upheld         BOOLEAN,
    reason         TEXT,
    UNIQUE (application_id, list_version)
);
CREATE INDEX IF NOT EXISTS representations_by_job ON representations (job_id, filed_at);
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
    pvara_id    UUID NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, kind, old_id)
);
-- Who was erased and when (ids only): a restore of an older backup replays it
-- (`pvara restore --erasures-from`), so that an erased person does not come back.
CREATE TABLE erasure_ledger (
    user_id   UUID PRIMARY KEY,
    erased_at TIMESTAMPTZ NOT NULL
);
"#,
    // The CV's text in a table of its own, as on SQLite (where the scorer's update of a row
    // holding it rewrote the text's pages too). PostgreSQL stored it out of line already; the
    // same schema keeps one erasure plan for both engines.
    r#"
CREATE TABLE application_texts (
    application_id UUID PRIMARY KEY REFERENCES applications (id),
    resume_text    TEXT NOT NULL,
    cover_letter   TEXT
);
INSERT INTO application_texts (application_id, resume_text, cover_letter)
    SELECT id, resume_text, cover_letter FROM applications;
ALTER TABLE applications DROP COLUMN resume_text, DROP COLUMN cover_letter;
"#,
];

/// Arbitrary constant naming pvara's migration lock.
const MIGRATION_LOCK: i64 = 0x7076_6172_615f_6d31;

pub(crate) async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS pvara_schema (version INTEGER NOT NULL)")
        .execute(&mut *tx)
        .await?;
    let version: Option<i32> = sqlx::query_scalar("SELECT max(version) FROM pvara_schema")
        .fetch_one(&mut *tx)
        .await?;
    let version = version.unwrap_or(0) as usize;
    for (version, sql) in crate::migrations::pending(version, MIGRATIONS)? {
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO pvara_schema (version) VALUES ($1)")
            .bind(version as i32)
            .execute(&mut *tx)
            .await?;
        tracing::info!(version, "applied database migration");
    }
    tx.commit().await?;
    Ok(())
}
