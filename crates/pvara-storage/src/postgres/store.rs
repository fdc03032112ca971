//! [`Store`] on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, EventId, JobId, UserId};
use pvara_domain::job::Job;
use pvara_domain::language::Language;
use pvara_domain::status::Status;
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder, Row};
use tokio::sync::watch;
use uuid::Uuid;

use super::rows::{self, CANDIDATE_COLUMNS, HISTORY_COLUMNS, JOB_COLUMNS, TEXTS_JOIN, USER_COLUMNS};
use super::{PgEngine, log, on_constraint};
use crate::error::StoreError;
use crate::log::Publisher;
use crate::model::{
    ApplicationQuery, ApplicationRecord, ApplicationSummary, Applied, BatchJobs, Checkpoint, Counts,
    Delivery, MailContext, NewUser, OutboxBacklog, RescoreProgress, ScoringChange, ScoringInput, SortOrder,
    Submission, Transition, UserRecord, WorkBatch, WriteStats,
};
use crate::store::Store;

pub(super) use super::batch::insert_outbox;

impl PgEngine {
    pub(super) fn outbox_written(&self) {
        Self::bump(&self.inner.outbox_changed);
    }
}

#[async_trait]
impl Store for PgEngine {
    async fn create_user(&self, user: NewUser) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        insert_user(&mut tx, &user).await?;
        tx.commit().await?;
        if user.verification.is_some() {
            self.outbox_written();
        }
        Ok(())
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"))
            .bind(email)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn create_job(&self, job: Job) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        insert_job(&mut conn, &job).await
    }

    async fn change_scoring(&self, change: ScoringChange) -> Result<u64, StoreError> {
        let n = super::scores::change_scoring(self.pool(), &change).await?;
        self.outbox_written();
        Ok(n)
    }

    async fn rescore_progress(&self, job: JobId, version: u32) -> Result<RescoreProgress, StoreError> {
        super::scores::rescore_progress(self.pool(), job.0, version).await
    }

    async fn jobs_scored_by_other_rules(&self, rules: &str) -> Result<Vec<JobId>, StoreError> {
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT DISTINCT job_id FROM applications
             WHERE ai_score IS NOT NULL AND NOT score_by_person AND erased_at IS NULL
               AND (score_rules IS NULL OR score_rules <> $1) AND status = ANY($2)",
        )
        .bind(rules)
        .bind(super::scores::names(&crate::model::open_statuses()))
        .fetch_all(self.pool())
        .await?;
        Ok(ids.into_iter().map(JobId).collect())
    }

    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs j WHERE j.id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(rows::job).transpose()
    }

    async fn open_jobs(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Job>, StoreError> {
        let found = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs j WHERE j.closes_at IS NULL OR j.closes_at > $1 ORDER BY j.id DESC LIMIT $2"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        found.iter().map(rows::job).collect()
    }

    async fn submit(&self, submission: Submission) -> Result<(), StoreError> {
        self.submit_grouped(submission).await
    }

    async fn application(&self, id: ApplicationId) -> Result<Option<ApplicationRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT a.id, a.job_id, a.applicant_id, a.status, a.ai_score, a.score_breakdown, a.scorer_version,
                    a.submitted_at, a.updated_at, {CANDIDATE_COLUMNS},
                    (SELECT f.file_name FROM application_files f WHERE f.application_id = a.id) AS cv_file_name,
                    a.consent_version, a.reference
             FROM applications a {TEXTS_JOIN} WHERE a.id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let history = sqlx::query(&format!(
            "SELECT {HISTORY_COLUMNS} FROM application_history WHERE application_id = $1 ORDER BY id"
        ))
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        Ok(Some(ApplicationRecord {
            id: ApplicationId(row.try_get("id")?),
            reference: crate::model::stored_reference(row.try_get("reference")?)?,
            job_id: JobId(row.try_get("job_id")?),
            applicant_id: UserId(row.try_get("applicant_id")?),
            status: rows::status(row.try_get("status")?)?,
            score: rows::score(&row)?,
            submitted_at: row.try_get("submitted_at")?,
            updated_at: row.try_get("updated_at")?,
            candidate: rows::candidate(&row)?,
            cv_file_name: row.try_get("cv_file_name")?,
            consent_version: row.try_get("consent_version")?,
            history: history.iter().map(rows::history).collect::<Result<_, _>>()?,
            score_changes: super::scores::score_changes(self.pool(), id.0).await?,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn application_by_reference(
        &self,
        reference: &pvara_domain::reference::Reference,
    ) -> Result<Option<ApplicationId>, StoreError> {
        let id: Option<Uuid> = sqlx::query_scalar("SELECT id FROM applications WHERE reference = $1")
            .bind(reference.as_str())
            .fetch_optional(self.pool())
            .await?;
        Ok(id.map(ApplicationId))
    }

    async fn application_owner(
        &self,
        id: ApplicationId,
    ) -> Result<Option<(UserId, JobId, Status)>, StoreError> {
        let row = sqlx::query("SELECT applicant_id, job_id, status FROM applications WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok((
                UserId(r.try_get("applicant_id")?),
                JobId(r.try_get("job_id")?),
                rows::status(r.try_get("status")?)?,
            ))
        })
        .transpose()
    }

    async fn list_applications(
        &self,
        query: &ApplicationQuery,
    ) -> Result<Vec<ApplicationSummary>, StoreError> {
        // The rank orders (the total, then how near the CV is to the job); a minimum total is a
        // minimum rank, which the same index serves.
        const SCORE: &str = "coalesce(a.score_rank, -1)";
        let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(
            "SELECT a.id, a.job_id, a.full_name, a.status, a.ai_score, a.submitted_at, a.scorer_version, a.score_rank
             FROM applications a WHERE TRUE",
        );
        if let Some(job) = query.job_id {
            sql.push(" AND a.job_id = ").push_bind(job.0);
        }
        if let Some(status) = query.status {
            sql.push(" AND a.status = ").push_bind(status.as_str());
        }
        if let Some(min) = query.min_score {
            sql.push(format!(" AND {SCORE} >= "))
                .push_bind(pvara_domain::scoring::rank(min, 0.0));
        }
        if let Some(after) = query.after {
            let score = after.score;
            match query.sort {
                SortOrder::ScoreDesc | SortOrder::ScoreAsc => {
                    let cmp = if query.sort == SortOrder::ScoreDesc {
                        "<"
                    } else {
                        ">"
                    };
                    // The first comparison bounds the index scan; the second skips the ties
                    // already shown.
                    sql.push(format!(" AND {SCORE} {cmp}= ")).push_bind(score);
                    sql.push(format!(" AND ({SCORE} {cmp} ")).push_bind(score);
                    sql.push(" OR a.id > ").push_bind(after.id.0).push(")");
                }
                SortOrder::SubmittedAsc => {
                    sql.push(" AND a.id > ").push_bind(after.id.0);
                }
                SortOrder::SubmittedDesc => {
                    sql.push(" AND a.id < ").push_bind(after.id.0);
                }
            }
        }
        sql.push(match query.sort {
            SortOrder::ScoreDesc => format!(" ORDER BY {SCORE} DESC, a.id ASC"),
            SortOrder::ScoreAsc => format!(" ORDER BY {SCORE} ASC, a.id ASC"),
            SortOrder::SubmittedAsc => " ORDER BY a.id ASC".to_owned(),
            SortOrder::SubmittedDesc => " ORDER BY a.id DESC".to_owned(),
        });
        sql.push(" LIMIT ").push_bind(i64::from(query.limit));
        let found = sql.build().fetch_all(self.pool()).await?;
        found
            .iter()
            .map(|row| {
                Ok(ApplicationSummary {
                    id: ApplicationId(row.try_get("id")?),
                    job_id: JobId(row.try_get("job_id")?),
                    full_name: row.try_get("full_name")?,
                    status: rows::status(row.try_get("status")?)?,
                    ai_score: rows::ai_score(row)?,
                    submitted_at: row.try_get("submitted_at")?,
                    scorer_version: row.try_get("scorer_version")?,
                    rank: row.try_get("score_rank")?,
                })
            })
            .collect()
    }

    async fn transition(&self, transition: Transition) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        // One transition is a batch of one: the same statements as the workers' batches.
        let applied = super::batch::apply_transitions(&mut tx, std::slice::from_ref(&transition)).await?;
        if !applied.first().copied().unwrap_or(false) {
            let exists = sqlx::query("SELECT 1 FROM applications WHERE id = $1")
                .bind(transition.application_id.0)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(if exists.is_some() {
                StoreError::StaleStatus
            } else {
                StoreError::NotFound("application")
            });
        }
        tx.commit().await?;
        self.outbox_written();
        Ok(())
    }

    async fn apply_batch(&self, batch: WorkBatch) -> Result<Applied, StoreError> {
        let mut tx = self.pool().begin().await?;
        let applied = Applied {
            transitions: super::batch::apply_transitions(&mut tx, &batch.transitions).await?,
            rescores: super::scores::apply_rescores(&mut tx, &batch.rescores).await?,
        };
        let jobs = batch.scored_jobs(&applied.transitions);
        let current = super::scores::rubric_versions(&mut tx, &jobs).await?;
        let stale = batch.stale_rubric_events(&applied.transitions, &current)?;
        insert_outbox(&mut tx, &batch.messages, crate::clock::now()).await?;
        insert_outbox(&mut tx, &stale, crate::clock::now()).await?;
        super::batch::insert_deliveries(&mut tx, &batch.deliveries).await?;
        super::tokens::mark_mailed(&mut tx, &batch.account_mails, crate::clock::now()).await?;
        if let Some(Checkpoint { group, positions }) = &batch.checkpoint {
            log::store_positions(&mut tx, group, positions).await?;
        }
        tx.commit().await?;
        self.outbox_written();
        Ok(applied)
    }

    async fn scoring_inputs(&self, ids: &[ApplicationId]) -> Result<Vec<ScoringInput>, StoreError> {
        let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let found = sqlx::query(&format!(
            "SELECT a.id, a.status, {CANDIDATE_COLUMNS}, {JOB_COLUMNS}, a.ai_score, a.score_breakdown, a.scorer_version,
                    a.erased_at IS NOT NULL AS erased
             FROM applications a {TEXTS_JOIN} JOIN jobs j ON j.id = a.job_id WHERE a.id = ANY($1)"
        ))
        .bind(&ids)
        .fetch_all(self.pool())
        .await?;
        let mut jobs = BatchJobs::default();
        found
            .iter()
            .map(|row| {
                Ok(ScoringInput {
                    application_id: ApplicationId(row.try_get("id")?),
                    status: rows::status(row.try_get("status")?)?,
                    candidate: rows::candidate(row)?,
                    job: jobs.get(JobId(row.try_get("job_id_")?), || rows::job(row))?,
                    score: rows::score(row)?,
                    erased: row.try_get("erased")?,
                })
            })
            .collect()
    }

    async fn mail_contexts(
        &self,
        wanted: &[(ApplicationId, Status)],
    ) -> Result<Vec<Option<MailContext>>, StoreError> {
        // One query for the whole batch: each application with its job's title and the history
        // entry of the status the mail is about.
        let ids: Vec<Uuid> = wanted.iter().map(|(id, _)| id.0).collect();
        let statuses: Vec<&str> = wanted.iter().map(|(_, status)| status.as_str()).collect();
        let found = sqlx::query(&format!(
            "SELECT w.n, a.full_name, a.email, a.ai_score, a.reference, j.title, h.*,
                    (SELECT max(round) FROM interview_panel p WHERE p.application_id = a.id) AS interview_round,
                    (SELECT language FROM users u WHERE u.id = a.applicant_id) AS language
             FROM UNNEST($1::uuid[], $2::text[]) WITH ORDINALITY AS w(id, status, n)
             JOIN applications a ON a.id = w.id
             JOIN jobs j ON j.id = a.job_id
             LEFT JOIN LATERAL (
                 SELECT {HISTORY_COLUMNS},
                     (SELECT count(*) FROM application_history p
                      WHERE p.application_id = w.id AND p.id <= e.id) AS step
                 FROM application_history e
                 WHERE application_id = w.id AND to_status = w.status ORDER BY id DESC LIMIT 1
             ) h ON true"
        ))
        .bind(&ids)
        .bind(&statuses)
        .fetch_all(self.pool())
        .await?;
        let mut contexts: Vec<Option<MailContext>> = vec![None; wanted.len()];
        for row in &found {
            let n: i64 = row.try_get("n")?;
            let slot = usize::try_from(n - 1)
                .ok()
                .filter(|&i| i < wanted.len())
                .ok_or_else(|| StoreError::Corrupt(format!("mail context ordinal {n}")))?;
            let has_entry = row.try_get::<Option<&str>, _>("to_status")?.is_some();
            let context = MailContext {
                application_id: wanted[slot].0,
                reference: crate::model::stored_reference(row.try_get("reference")?)?,
                full_name: row.try_get("full_name")?,
                email: row.try_get("email")?,
                job_title: row.try_get("title")?,
                ai_score: rows::ai_score(row)?,
                entry: has_entry.then(|| rows::history(row)).transpose()?,
                step: row.try_get::<Option<i64>, _>("step")?.unwrap_or(0) as u32,
                interview_round: row
                    .try_get::<Option<i16>, _>("interview_round")?
                    .and_then(|r| u8::try_from(r).ok()),
                language: row
                    .try_get::<Option<&str>, _>("language")?
                    .and_then(Language::parse)
                    .unwrap_or_default(),
            };
            contexts[slot] = Some(context);
        }
        Ok(contexts)
    }

    async fn delivered(&self, events: &[EventId]) -> Result<Vec<EventId>, StoreError> {
        let ids: Vec<Uuid> = events.iter().map(|e| e.0).collect();
        let found: Vec<Uuid> =
            sqlx::query_scalar("SELECT event_id FROM mail_deliveries WHERE event_id = ANY($1)")
                .bind(&ids)
                .fetch_all(self.pool())
                .await?;
        Ok(found.into_iter().map(EventId).collect())
    }

    async fn deliveries(&self, application: ApplicationId) -> Result<Vec<Delivery>, StoreError> {
        let rows: Vec<(Uuid, String, String, DateTime<Utc>, Option<String>)> = sqlx::query_as(
            "SELECT event_id, template, message_id, delivered_at, failure FROM mail_deliveries
             WHERE application_id = $1 ORDER BY delivered_at, event_id",
        )
        .bind(application.0)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(event, template, message_id, delivered_at, failure)| Delivery {
                event_id: EventId(event),
                application_id: application,
                template,
                message_id,
                delivered_at,
                failure,
            })
            .collect())
    }

    async fn relay_outbox(&self, max: usize, publisher: &dyn Publisher) -> Result<usize, StoreError> {
        log::relay_shards(self, max, log::Sink::External(publisher)).await
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM jobs) AS jobs,
                    (SELECT count(*) FROM applications) AS applications,
                    (SELECT count(*) FROM application_history) AS history,
                    (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM mail_deliveries) AS deliveries",
        )
        .fetch_one(self.pool())
        .await?;
        let n = |name: &str| -> Result<u64, StoreError> { Ok(row.try_get::<i64, _>(name)? as u64) };
        Ok(Counts {
            users: n("users")?,
            jobs: n("jobs")?,
            applications: n("applications")?,
            history: n("history")?,
            outbox: n("outbox")?,
            deliveries: n("deliveries")?,
        })
    }

    async fn outbox_backlog(&self) -> Result<OutboxBacklog, StoreError> {
        let row = sqlx::query(
            "SELECT count(*) AS rows, (SELECT created_at FROM outbox ORDER BY id LIMIT 1) AS oldest FROM outbox",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(OutboxBacklog {
            rows: row.try_get::<i64, _>("rows")? as u64,
            oldest: row.try_get("oldest")?,
        })
    }

    async fn write_stats(&self) -> Result<WriteStats, StoreError> {
        let row = sqlx::query(
            "SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows
             FROM pg_stat_database WHERE datname = current_database()",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(WriteStats {
            commits: row.try_get::<i64, _>("commits")? as u64,
            rows: row.try_get::<i64, _>("rows")? as u64,
        })
    }

    async fn ping(&self) -> Result<(), StoreError> {
        if !self.submissions_open() {
            return Err(StoreError::Unavailable(
                "the submission writer has stopped".into(),
            ));
        }
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    fn outbox_signal(&self) -> watch::Receiver<u64> {
        self.inner.outbox_changed.subscribe()
    }
}

/// A new account, shared by registration and an import.
pub(super) async fn insert_user(conn: &mut sqlx::PgConnection, user: &NewUser) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, full_name, role, created_at, email_verified_at, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(user.id.0)
    .bind(user.email.as_str())
    .bind(&user.password_hash)
    .bind(user.full_name.as_str())
    .bind(user.role.as_str())
    .bind(user.created_at)
    .bind(user.email_verified_at)
    .bind(user.language.code())
    .execute(&mut *conn)
    .await
    .map_err(|e| on_constraint(e, "user", "user"))?;
    if let Some(token) = &user.verification {
        super::tokens::insert_token(conn, token).await?;
    }
    Ok(())
}

/// A new job, shared by posting and an import.
pub(super) async fn insert_job(conn: &mut sqlx::PgConnection, job: &Job) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO jobs (id, title, description, location, closes_at, requirements, created_by, created_at, vacancies, hiring_manager_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(job.id.0)
    .bind(&job.title)
    .bind(&job.description)
    .bind(&job.location)
    .bind(job.closes_at)
    .bind(Json(&job.requirements))
    .bind(job.created_by.0)
    .bind(job.created_at)
    .bind(i32::try_from(job.vacancies).unwrap_or(i32::MAX))
    .bind(job.hiring_manager.map(|id| id.0))
    .execute(&mut *conn)
    .await
    .map_err(|e| on_constraint(e, "job", "user"))?;
    Ok(())
}
