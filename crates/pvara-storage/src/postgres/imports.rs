//! [`Imports`] on PostgreSQL: a batch of applications in one transaction, each statement taking
//! its rows as arrays, as submissions are written; when a batch fails as a whole (a constraint
//! only the database sees) its applications are written one by one, so one bad record fails
//! alone.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use pvara_domain::job::Job;
use pvara_domain::status::Status;
use sqlx::PgConnection;
use uuid::Uuid;

use super::PgEngine;
use super::batch::add_to_counts;
use super::store::{insert_job, insert_user};
use super::submit::write_submissions;
use crate::error::StoreError;
use crate::imports::{IMPORT_ACTOR, ImportKind, ImportedApplication, Imports};
use crate::model::{NewUser, Submission, count_shard};

async fn map_ids(
    conn: &mut PgConnection,
    source: &str,
    kind: ImportKind,
    old_ids: &[&str],
    ids: &[Uuid],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO import_ids (source, kind, old_id, pvara_id, imported_at)
         SELECT $1, $2, o, i, $5 FROM UNNEST($3::text[], $4::uuid[]) AS x(o, i)",
    )
    .bind(source)
    .bind(kind.as_str())
    .bind(old_ids)
    .bind(ids)
    .bind(crate::clock::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The statuses, counts, history entries marked imported and map rows of the applications
/// written.
async fn write_imported(
    conn: &mut PgConnection,
    source: &str,
    written: &[&ImportedApplication],
) -> Result<(), StoreError> {
    let now = crate::clock::now();
    let moved: Vec<&&ImportedApplication> =
        written.iter().filter(|a| a.status != Status::Submitted).collect();
    if !moved.is_empty() {
        let ids: Vec<Uuid> = moved.iter().map(|a| a.submission.application.id.0).collect();
        let statuses: Vec<&str> = moved.iter().map(|a| a.status.as_str()).collect();
        sqlx::query(
            "UPDATE applications a SET status = x.s, updated_at = $3
             FROM UNNEST($1::uuid[], $2::text[]) AS x(i, s) WHERE a.id = x.i",
        )
        .bind(&ids)
        .bind(&statuses)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        let mut counts = BTreeMap::new();
        for a in &moved {
            let (job, shard) = (
                a.submission.application.job_id.0,
                count_shard(a.submission.application.id) as i32,
            );
            *counts
                .entry((job, Status::Submitted.as_str(), shard))
                .or_default() -= 1;
            *counts.entry((job, a.status.as_str(), shard)).or_default() += 1;
        }
        add_to_counts(conn, counts).await?;
    }
    let ids: Vec<Uuid> = written.iter().map(|a| a.submission.application.id.0).collect();
    let statuses: Vec<&str> = written.iter().map(|a| a.status.as_str()).collect();
    let notes: Vec<&str> = written.iter().map(|a| a.note.as_str()).collect();
    let details: Vec<&serde_json::Value> = written.iter().map(|a| &a.details).collect();
    sqlx::query(
        "INSERT INTO application_history (application_id, from_status, to_status, actor, reason, details, at)
         SELECT i, $2, s, $3, r, d, $7 FROM UNNEST($1::uuid[], $4::text[], $5::text[], $6::jsonb[]) AS x(i, s, r, d)",
    )
    .bind(&ids)
    .bind(Status::Submitted.as_str())
    .bind(IMPORT_ACTOR)
    .bind(&statuses)
    .bind(&notes)
    .bind(&details)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let old_ids: Vec<&str> = written.iter().map(|a| a.old_id.as_str()).collect();
    map_ids(conn, source, ImportKind::Application, &old_ids, &ids).await
}

/// Writes `applications` in one transaction; each one's outcome, or an error when the
/// transaction as a whole failed (nothing was written).
async fn write_batch(
    engine: &PgEngine,
    source: &str,
    applications: &[&ImportedApplication],
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let mut tx = engine.pool().begin().await?;
    let submissions: Vec<&Submission> = applications.iter().map(|a| &a.submission).collect();
    let outcomes = write_submissions(&mut tx, &submissions).await?;
    let written: Vec<&ImportedApplication> = applications
        .iter()
        .zip(&outcomes)
        .filter(|(_, outcome)| outcome.is_ok())
        .map(|(a, _)| *a)
        .collect();
    if !written.is_empty() {
        write_imported(&mut tx, source, &written).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

#[async_trait]
impl Imports for PgEngine {
    async fn imported(&self, source: &str, kind: ImportKind) -> Result<HashMap<String, Uuid>, StoreError> {
        let rows: Vec<(String, Uuid)> =
            sqlx::query_as("SELECT old_id, pvara_id FROM import_ids WHERE source = $1 AND kind = $2")
                .bind(source)
                .bind(kind.as_str())
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().collect())
    }

    async fn import_user(&self, source: &str, old_id: &str, user: NewUser) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        insert_user(&mut tx, &user).await?;
        map_ids(&mut tx, source, ImportKind::User, &[old_id], &[user.id.0]).await?;
        tx.commit().await?;
        if user.verification.is_some() {
            self.outbox_written();
        }
        Ok(())
    }

    async fn import_job(&self, source: &str, old_id: &str, job: Job) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        insert_job(&mut tx, &job).await?;
        map_ids(&mut tx, source, ImportKind::Job, &[old_id], &[job.id.0]).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(applications = applications.len()))]
    async fn import_applications(
        &self,
        source: &str,
        applications: Vec<ImportedApplication>,
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let all: Vec<&ImportedApplication> = applications.iter().collect();
        let outcomes = match write_batch(self, source, &all).await {
            Ok(outcomes) => outcomes,
            Err(error) if all.len() > 1 => {
                tracing::warn!(error = %error, "a batch of imported applications failed; writing them one by one");
                let mut outcomes = Vec::with_capacity(all.len());
                for one in &all {
                    outcomes.push(
                        write_batch(self, source, &[one]).await.and_then(|mut o| {
                            o.pop().unwrap_or(Err(StoreError::Corrupt("no outcome".into())))
                        }),
                    );
                }
                outcomes
            }
            Err(error) => return Err(error),
        };
        self.outbox_written();
        Ok(outcomes)
    }
}
