//! [`Accounts`] and [`Workspace`] on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::equality::Answers;
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::job::{Job, JobEdit};
use pvara_domain::language::Language;
use pvara_domain::report::History;
use sqlx::Row;
use uuid::Uuid;

use super::rows::{self, JOB_COLUMNS, USER_COLUMNS};
use super::{PgEngine, on_constraint};
use crate::error::StoreError;
use crate::model::{
    AuditEntry, AuditQuery, CvFile, ERASED_EMAIL, ERASED_NAME, NewNote, NewSession, Note, OwnApplication,
    SessionRecord, StatusCount, UserRecord,
};
use crate::workspace::{Accounts, AnswersOf, Audit, Workspace};

/// How PostgreSQL writes the erasure plan ([`crate::erasure`]).
const DIALECT: crate::erasure::Dialect = crate::erasure::Dialect {
    placeholder: '$',
    ids: "= ANY($1)",
    empty_json: "'{}'::jsonb",
};

/// Erases these applications as the plan says.
async fn anonymise(conn: &mut sqlx::PgConnection, ids: &[Uuid], at: DateTime<Utc>) -> Result<(), StoreError> {
    let statements = DIALECT.erase_applications();
    let (last, removals) = statements
        .split_last()
        .ok_or_else(|| StoreError::Corrupt("an empty erasure plan".into()))?;
    for sql in removals {
        sqlx::query(sql).bind(ids).execute(&mut *conn).await?;
    }
    sqlx::query(last)
        .bind(ids)
        .bind(ERASED_NAME)
        .bind(ERASED_EMAIL)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends an account's access as the plan says, in the caller's transaction.
async fn end_access(conn: &mut sqlx::PgConnection, id: UserId, at: DateTime<Utc>) -> Result<(), StoreError> {
    for sql in DIALECT.end_access() {
        let query = sqlx::query(&sql).bind(id.0);
        let query = if DIALECT.parameters(&sql) > 1 {
            query.bind(at)
        } else {
            query
        };
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

impl PgEngine {
    /// One text column of one user, by `update` (`$1` the value, `$2` the id);
    /// `NotFound("user")` when there is no such user.
    async fn set_user_text(&self, update: &'static str, id: UserId, value: &str) -> Result<(), StoreError> {
        let changed = sqlx::query(update)
            .bind(value)
            .bind(id.0)
            .execute(self.pool())
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound("user"));
        }
        Ok(())
    }
}

#[async_trait]
impl Accounts for PgEngine {
    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn staff_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let found = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.role <> 'applicant' ORDER BY u.email"
        ))
        .fetch_all(self.pool())
        .await?;
        found.iter().map(rows::user).collect()
    }

    async fn deactivate_user(&self, id: UserId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let changed =
            sqlx::query("UPDATE users SET deactivated_at = coalesce(deactivated_at, $1) WHERE id = $2")
                .bind(at)
                .bind(id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound("user"));
        }
        end_access(&mut tx, id, at).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn set_language(&self, id: UserId, language: Language) -> Result<(), StoreError> {
        self.set_user_text(
            "UPDATE users SET language = $1 WHERE id = $2",
            id,
            language.code(),
        )
        .await
    }

    async fn rename_user(&self, id: UserId, full_name: &str) -> Result<(), StoreError> {
        self.set_user_text("UPDATE users SET full_name = $1 WHERE id = $2", id, full_name)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let known: Option<i32> = sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::NotFound("user"));
        }
        super::tokens::set_password(&mut tx, id.0, password_hash, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(&self, session: NewSession) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(session.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.id_hash)
        .bind(session.user_id.0)
        .bind(&session.csrf)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id = $1 AND s.expires_at > $2"
        ))
        .bind(id_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                user: rows::user(&row)?,
                csrf: row.try_get("csrf")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn erase_user(&self, id: UserId, at: DateTime<Utc>) -> Result<Vec<ApplicationId>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query(&DIALECT.erase_account())
            .bind(id.0)
            .bind(at)
            .bind(crate::erasure::erased_account_email(id))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound("user"));
        }
        let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM applications WHERE applicant_id = $1")
            .bind(id.0)
            .fetch_all(&mut *tx)
            .await?;
        anonymise(&mut tx, &ids, at).await?;
        end_access(&mut tx, id, at).await?;
        sqlx::query(&DIALECT.record_erasure())
            .bind(id.0)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(ApplicationId).collect())
    }

    async fn erased_users(&self) -> Result<Vec<(UserId, DateTime<Utc>)>, StoreError> {
        let rows: Vec<(Uuid, DateTime<Utc>)> =
            sqlx::query_as("SELECT user_id, erased_at FROM erasure_ledger ORDER BY erased_at, user_id")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(|(id, at)| (UserId(id), at)).collect())
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[async_trait]
impl Workspace for PgEngine {
    async fn all_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        let found = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs j ORDER BY j.id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        found.iter().map(rows::job).collect()
    }

    async fn close_job(&self, id: JobId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let found: Option<i32> = sqlx::query_scalar(
            "WITH found AS (SELECT id FROM jobs WHERE id = $1),
                  closed AS (UPDATE jobs SET closes_at = $2 WHERE id = $1 AND (closes_at IS NULL OR closes_at > $2))
             SELECT 1 FROM found",
        )
        .bind(id.0)
        .bind(at)
        .fetch_optional(self.pool())
        .await?;
        found.map(|_| ()).ok_or(StoreError::NotFound("job"))
    }

    async fn edit_job(&self, id: JobId, edit: JobEdit) -> Result<(), StoreError> {
        let changed = sqlx::query(
            "UPDATE jobs SET title = $2, description = $3, location = $4, closes_at = $5, vacancies = $6,
                    hiring_manager_id = $7,
                    requirements = CASE WHEN $8::jsonb IS NULL THEN requirements
                                        ELSE jsonb_set(requirements, '{stages}', $8::jsonb) END
             WHERE id = $1",
        )
        .bind(id.0)
        .bind(&edit.title)
        .bind(&edit.description)
        .bind(&edit.location)
        .bind(edit.closes_at)
        .bind(i32::try_from(edit.vacancies).unwrap_or(i32::MAX))
        .bind(edit.hiring_manager.map(|id| id.0))
        .bind(edit.stages.map(sqlx::types::Json))
        .execute(self.pool())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound("job"));
        }
        Ok(())
    }

    async fn status_counts(&self, jobs: &[JobId]) -> Result<Vec<StatusCount>, StoreError> {
        let ids: Vec<Uuid> = jobs.iter().map(|j| j.0).collect();
        let found = sqlx::query(
            "SELECT job_id, status, sum(count)::bigint AS n FROM job_status_counts
             WHERE cardinality($1::uuid[]) = 0 OR job_id = ANY($1)
             GROUP BY job_id, status HAVING sum(count) > 0",
        )
        .bind(&ids)
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| {
                Ok(StatusCount {
                    job_id: JobId(row.try_get("job_id")?),
                    status: rows::status(row.try_get("status")?)?,
                    count: row.try_get::<i64, _>("n")?.max(0) as u64,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip(self))]
    async fn job_histories(&self, job: JobId) -> Result<Vec<History>, StoreError> {
        let found = sqlx::query(
            "SELECT h.application_id, h.to_status, h.at,
                    coalesce((a.score_breakdown #>> $2)::int, a.ai_score::int) AS machine_score
             FROM application_history h JOIN applications a ON a.id = h.application_id
             WHERE a.job_id = $1 ORDER BY h.application_id, h.id",
        )
        .bind(job.0)
        .bind(pvara_domain::scoring::MACHINE_TOTAL_PATH)
        .fetch_all(self.pool())
        .await?;
        let steps = found
            .iter()
            .map(|row| {
                let step = pvara_domain::report::Step {
                    status: rows::status(row.try_get("to_status")?)?,
                    at: row.try_get("at")?,
                };
                let score = row
                    .try_get::<Option<i32>, _>("machine_score")?
                    .and_then(|s| u8::try_from(s).ok());
                Ok((
                    ApplicationId(row.try_get::<Uuid, _>("application_id")?),
                    score,
                    step,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(crate::model::histories(steps))
    }

    #[tracing::instrument(skip(self))]
    async fn equality_answers(&self, of: AnswersOf) -> Result<Vec<(ApplicationId, Answers)>, StoreError> {
        let (filter, id) = match of {
            AnswersOf::Job(job) => ("a.job_id = $1", job.0),
            AnswersOf::Application(application) => ("e.application_id = $1", application.0),
        };
        let found: Vec<(Uuid, String, String)> = sqlx::query_as(&format!(
            "SELECT e.application_id, e.dimension, e.answer FROM equality_answers e
             JOIN applications a ON a.id = e.application_id
             WHERE {filter} ORDER BY e.application_id"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let rows = found
            .into_iter()
            .map(|(id, dimension, answer)| (ApplicationId(id), (dimension, answer)))
            .collect();
        Ok(crate::model::answer_sets(rows))
    }

    async fn applications_of(&self, applicant: UserId) -> Result<Vec<OwnApplication>, StoreError> {
        let found = sqlx::query(
            "SELECT a.id, a.job_id, j.title, a.status, a.submitted_at, a.reference FROM applications a
             JOIN jobs j ON j.id = a.job_id WHERE a.applicant_id = $1 ORDER BY a.id DESC",
        )
        .bind(applicant.0)
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| {
                Ok(OwnApplication {
                    id: ApplicationId(row.try_get("id")?),
                    job_id: JobId(row.try_get("job_id")?),
                    job_title: row.try_get("title")?,
                    status: rows::status(row.try_get("status")?)?,
                    submitted_at: row.try_get("submitted_at")?,
                    reference: crate::model::stored_reference(row.try_get("reference")?)?,
                })
            })
            .collect()
    }

    async fn cv_file(&self, application: ApplicationId) -> Result<Option<CvFile>, StoreError> {
        let row = sqlx::query(
            "SELECT file_name, content_type, content FROM application_files WHERE application_id = $1",
        )
        .bind(application.0)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(CvFile {
                file_name: row.try_get("file_name")?,
                content_type: row.try_get("content_type")?,
                content: row.try_get("content")?,
            })
        })
        .transpose()
    }

    async fn retire_applications(
        &self,
        closed_before: DateTime<Utc>,
        at: DateTime<Utc>,
        limit: u32,
    ) -> Result<usize, StoreError> {
        let mut tx = self.pool().begin().await?;
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT a.id FROM applications a JOIN jobs j ON j.id = a.job_id
             WHERE a.erased_at IS NULL AND j.closes_at IS NOT NULL AND j.closes_at <= $1
             LIMIT $2 FOR UPDATE OF a SKIP LOCKED",
        )
        .bind(closed_before)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        anonymise(&mut tx, &ids, at).await?;
        tx.commit().await?;
        Ok(ids.len())
    }

    async fn add_note(&self, note: NewNote) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO application_notes (application_id, author_id, body, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(note.application_id.0)
        .bind(note.author.0)
        .bind(&note.body)
        .bind(note.at)
        .execute(self.pool())
        .await
        .map_err(|e| on_constraint(e, "note", "application"))?;
        Ok(())
    }

    async fn notes(&self, application: ApplicationId) -> Result<Vec<Note>, StoreError> {
        let found = sqlx::query(
            "SELECT u.full_name, n.body, n.at FROM application_notes n JOIN users u ON u.id = n.author_id
             WHERE n.application_id = $1 ORDER BY n.id",
        )
        .bind(application.0)
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| {
                Ok(Note {
                    author_name: row.try_get("full_name")?,
                    body: row.try_get("body")?,
                    at: row.try_get("at")?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl Audit for PgEngine {
    async fn record_audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO audit_log (at, actor, action, subject) VALUES ($1, $2, $3, $4)")
            .bind(entry.at)
            .bind(&entry.actor)
            .bind(&entry.action)
            .bind(&entry.subject)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let found = sqlx::query(
            "SELECT at, actor, action, subject FROM audit_log
             WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR actor = $2)
               AND ($3::timestamptz IS NULL OR at >= $3)
             ORDER BY id LIMIT $4",
        )
        .bind(&query.subject)
        .bind(&query.actor)
        .bind(query.since)
        .bind(i64::from(query.limit))
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| {
                Ok(AuditEntry {
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                })
            })
            .collect()
    }
}
