//! Submissions on PostgreSQL, committed in groups.
//!
//! Each submission is five or six statements and a commit; at a few thousand a second that is a backend
//! woken for every statement, and the profile in BENCHMARKS.md shows the cost is per statement and
//! per transaction, not per row. So, like the SQLite writer, submissions queue for a writer task
//! that takes whatever is waiting (up to [`MAX_BATCH`]) and writes it in one transaction, each
//! statement taking its rows as arrays. At low load a batch is one submission and nothing waits;
//! under load batches grow by themselves while [`IN_FLIGHT`] transactions are running.
//!
//! Every submission still gets its own answer: a closed or unknown job or a second application to
//! the same job is refused alone. If a group fails as a whole (a constraint only the database
//! sees), its submissions are written one by one, so one bad submission never fails another.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Weak};

use chrono::{DateTime, Utc};
use pvara_domain::status::Status;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use tokio::sync::{Semaphore, mpsc, oneshot};
use uuid::Uuid;

use super::batch::{add_to_counts, insert_outbox};
use super::{Inner, PgEngine, on_constraint};
use crate::error::StoreError;
use crate::model::{Submission, count_shard};

/// Most submissions in one transaction.
const MAX_BATCH: usize = 256;
/// Group transactions running at once: while they run, the next group fills up.
const IN_FLIGHT: usize = 4;
/// Submissions waiting for the writer before senders wait too.
const QUEUE: usize = 4_096;

/// A submission waiting for its group, and where its answer goes.
pub(super) struct Pending {
    submission: Submission,
    answer: oneshot::Sender<Result<(), StoreError>>,
}

pub(super) type Queue = mpsc::Sender<Pending>;

/// The queue and its writer task. The task holds the engine weakly and ends when the last
/// engine handle is dropped (the queue's sender goes with it).
pub(super) fn queue() -> (Queue, mpsc::Receiver<Pending>) {
    mpsc::channel(QUEUE)
}

pub(super) fn spawn_writer(inner: Weak<Inner>, mut queue: mpsc::Receiver<Pending>) {
    tokio::spawn(async move {
        let running = Arc::new(Semaphore::new(IN_FLIGHT));
        loop {
            let Ok(permit) = running.clone().acquire_owned().await else {
                break;
            };
            let Some(first) = queue.recv().await else {
                break;
            };
            let mut group = vec![first];
            while group.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(next) => group.push(next),
                    Err(_) => break,
                }
            }
            let Some(inner) = inner.upgrade() else {
                break;
            };
            tokio::spawn(async move {
                let _permit = permit;
                let engine = PgEngine { inner };
                commit_group(&engine, group).await;
                engine.outbox_written();
            });
        }
        tracing::debug!("submission writer stopped");
    });
}

impl PgEngine {
    /// Queues `submission` for the next group commit and waits for its answer.
    pub(super) async fn submit_grouped(&self, submission: Submission) -> Result<(), StoreError> {
        let (answer, answered) = oneshot::channel();
        let stopped = || StoreError::Unavailable("the submission writer has stopped".into());
        self.inner
            .submissions
            .send(Pending { submission, answer })
            .await
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }

    /// Whether the writer task still takes submissions (for readiness).
    pub(super) fn submissions_open(&self) -> bool {
        !self.inner.submissions.is_closed()
    }
}

#[tracing::instrument(skip_all, fields(submissions = group.len()))]
async fn commit_group(engine: &PgEngine, group: Vec<Pending>) {
    let submissions: Vec<&Submission> = group.iter().map(|p| &p.submission).collect();
    let outcomes = match write_group(engine.pool(), &submissions).await {
        Ok(outcomes) => outcomes,
        Err(error) if group.len() > 1 => {
            tracing::warn!(error = %error, "a group of submissions failed; writing them one by one");
            let mut outcomes = Vec::with_capacity(group.len());
            for submission in &submissions {
                outcomes.push(
                    write_group(engine.pool(), &[submission])
                        .await
                        .and_then(|mut o| o.pop().unwrap_or(Err(StoreError::Corrupt("no outcome".into())))),
                );
            }
            outcomes
        }
        Err(error) => vec![Err(error)],
    };
    for (pending, outcome) in group.into_iter().zip(outcomes) {
        // The submitter may have gone (a client that disconnected); its row stands.
        let _ = pending.answer.send(outcome);
    }
}

/// Writes `submissions` in one transaction; returns each one's outcome, or an error when the
/// transaction as a whole failed (nothing was written).
async fn write_group(
    pool: &PgPool,
    submissions: &[&Submission],
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let mut tx = pool.begin().await?;
    let outcomes = write_submissions(&mut tx, submissions).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// [`write_group`] inside the caller's transaction (an import adds its own rows to it).
pub(super) async fn write_submissions(
    tx: &mut PgConnection,
    submissions: &[&Submission],
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let mut outcomes = open_jobs(&mut *tx, submissions).await?;
    let candidates: Vec<usize> = (0..submissions.len()).filter(|&i| outcomes[i].is_ok()).collect();
    let inserted = insert_applications(&mut *tx, submissions, &candidates).await?;
    for &i in &candidates {
        if !inserted.contains(&submissions[i].application.id.0) {
            outcomes[i] = Err(StoreError::Conflict("application"));
        }
    }
    let written: Vec<&Submission> = (0..submissions.len())
        .filter(|&i| outcomes[i].is_ok())
        .map(|i| submissions[i])
        .collect();
    if !written.is_empty() {
        write_effects(&mut *tx, &written).await?;
    }
    Ok(outcomes)
}

/// Refuses each submission whose job does not exist or is closed at its submission time.
async fn open_jobs(
    conn: &mut PgConnection,
    submissions: &[&Submission],
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let ids: Vec<Uuid> = submissions.iter().map(|s| s.application.job_id.0).collect();
    let rows: Vec<(Uuid, Option<DateTime<Utc>>)> =
        sqlx::query_as("SELECT id, closes_at FROM jobs WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
    let closes: HashMap<Uuid, Option<DateTime<Utc>>> = rows.into_iter().collect();
    Ok(submissions
        .iter()
        .map(|s| match closes.get(&s.application.job_id.0) {
            None => Err(StoreError::NotFound("job")),
            Some(&closes_at) if !pvara_domain::job::open_at(closes_at, s.application.submitted_at) => {
                Err(StoreError::Closed("job"))
            }
            Some(_) => Ok(()),
        })
        .collect())
}

/// Inserts the applications at `indices`; returns the ids written. One that is missing was a
/// second application to the same job (by an earlier group or by another in this one).
async fn insert_applications(
    conn: &mut PgConnection,
    submissions: &[&Submission],
    indices: &[usize],
) -> Result<HashSet<Uuid>, StoreError> {
    if indices.is_empty() {
        return Ok(HashSet::new());
    }
    let apps: Vec<_> = indices.iter().map(|&i| &submissions[i].application).collect();
    let ids: Vec<Uuid> = apps.iter().map(|a| a.id.0).collect();
    let jobs: Vec<Uuid> = apps.iter().map(|a| a.job_id.0).collect();
    let applicants: Vec<Uuid> = apps.iter().map(|a| a.applicant_id.0).collect();
    let names: Vec<&str> = apps.iter().map(|a| a.candidate.full_name.as_str()).collect();
    let emails: Vec<&str> = apps.iter().map(|a| a.candidate.email.as_str()).collect();
    let phones: Vec<Option<&str>> = apps.iter().map(|a| a.candidate.phone.as_deref()).collect();
    let skills: Vec<Json<&Vec<String>>> = apps.iter().map(|a| Json(&a.candidate.skills)).collect();
    let years: Vec<f64> = apps.iter().map(|a| a.candidate.years_experience).collect();
    let education: Vec<&str> = apps.iter().map(|a| a.candidate.education.as_str()).collect();
    let at: Vec<DateTime<Utc>> = apps.iter().map(|a| a.submitted_at).collect();
    let consent: Vec<&str> = apps.iter().map(|a| a.consent_version.as_str()).collect();
    let references: Vec<&str> = apps.iter().map(|a| a.reference.as_str()).collect();
    let written: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO applications (id, job_id, applicant_id, full_name, email, phone, skills, years_experience,
             education, status, submitted_at, updated_at, consent_version, reference)
         SELECT i, j, a, n, e, p, s, y, ed, $11, t, t, cv, rf
         FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::jsonb[],
                     $8::float8[], $9::text[], $10::timestamptz[], $12::text[], $13::text[])
             AS x(i, j, a, n, e, p, s, y, ed, t, cv, rf)
         ON CONFLICT (job_id, applicant_id) DO NOTHING
         RETURNING id",
    )
    .bind(&ids)
    .bind(&jobs)
    .bind(&applicants)
    .bind(&names)
    .bind(&emails)
    .bind(&phones)
    .bind(&skills)
    .bind(&years)
    .bind(&education)
    .bind(&at)
    .bind(Status::Submitted.as_str())
    .bind(&consent)
    .bind(&references)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| on_constraint(e, "application", "job"))?;
    Ok(written.into_iter().collect())
}

/// The CV's text, history rows, counts, CV files and events of the applications written.
async fn write_effects(conn: &mut PgConnection, written: &[&Submission]) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = written.iter().map(|s| s.application.id.0).collect();
    let actors: Vec<String> = written
        .iter()
        .map(|s| s.application.applicant_id.to_string())
        .collect();
    let at: Vec<DateTime<Utc>> = written.iter().map(|s| s.application.submitted_at).collect();
    let resumes: Vec<&str> = written
        .iter()
        .map(|s| s.application.candidate.resume_text.as_str())
        .collect();
    let letters: Vec<Option<&str>> = written
        .iter()
        .map(|s| s.application.candidate.cover_letter.as_deref())
        .collect();
    sqlx::query(
        "INSERT INTO application_texts (application_id, resume_text, cover_letter)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[])",
    )
    .bind(&ids)
    .bind(&resumes)
    .bind(&letters)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO application_history (application_id, from_status, to_status, actor, reason, at)
         SELECT i, NULL, $2, a, 'submitted', t FROM UNNEST($1::uuid[], $3::text[], $4::timestamptz[]) AS x(i, a, t)",
    )
    .bind(&ids)
    .bind(Status::Submitted.as_str())
    .bind(&actors)
    .bind(&at)
    .execute(&mut *conn)
    .await?;
    let mut counts = BTreeMap::new();
    for s in written {
        let a = &s.application;
        let row = (a.job_id.0, Status::Submitted.as_str(), count_shard(a.id) as i32);
        *counts.entry(row).or_default() += 1;
    }
    add_to_counts(conn, counts).await?;
    let files: Vec<(Uuid, &crate::model::CvFile)> = written
        .iter()
        .filter_map(|s| s.cv.as_ref().map(|cv| (s.application.id.0, cv)))
        .collect();
    if !files.is_empty() {
        let ids: Vec<Uuid> = files.iter().map(|(id, _)| *id).collect();
        let names: Vec<&str> = files.iter().map(|(_, f)| f.file_name.as_str()).collect();
        let types: Vec<&str> = files.iter().map(|(_, f)| f.content_type.as_str()).collect();
        let contents: Vec<&[u8]> = files.iter().map(|(_, f)| f.content.as_slice()).collect();
        sqlx::query(
            "INSERT INTO application_files (application_id, file_name, content_type, content)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::bytea[])",
        )
        .bind(&ids)
        .bind(&names)
        .bind(&types)
        .bind(&contents)
        .execute(&mut *conn)
        .await?;
    }
    insert_equality(conn, written).await?;
    insert_declarations(conn, written).await?;
    let messages: Vec<_> = written.iter().flat_map(|s| s.messages.iter().cloned()).collect();
    insert_outbox(conn, &messages, crate::clock::now()).await
}

/// What the applicants declared for their jobs' national-recruitment rules.
async fn insert_declarations(conn: &mut PgConnection, written: &[&Submission]) -> Result<(), StoreError> {
    let mut ids = Vec::new();
    let mut facts = Vec::new();
    for s in written {
        if let Some(declaration) = &s.declaration {
            ids.push(s.application.id.0);
            facts.push(serde_json::to_value(declaration).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
    }
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO application_declarations (application_id, facts)
         SELECT * FROM UNNEST($1::uuid[], $2::jsonb[])",
    )
    .bind(&ids)
    .bind(&facts)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The candidates' equality answers, in their own table.
async fn insert_equality(conn: &mut PgConnection, written: &[&Submission]) -> Result<(), StoreError> {
    let answers: Vec<(Uuid, &str, &str)> = written
        .iter()
        .flat_map(|s| {
            let id = s.application.id.0;
            s.equality
                .0
                .iter()
                .map(move |(d, a)| (id, d.as_str(), a.as_str()))
        })
        .collect();
    if answers.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = answers.iter().map(|a| a.0).collect();
    let dimensions: Vec<&str> = answers.iter().map(|a| a.1).collect();
    let values: Vec<&str> = answers.iter().map(|a| a.2).collect();
    sqlx::query(
        "INSERT INTO equality_answers (application_id, dimension, answer)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[])",
    )
    .bind(&ids)
    .bind(&dimensions)
    .bind(&values)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
