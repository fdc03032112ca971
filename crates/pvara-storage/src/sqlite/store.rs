//! [`Store`] on SQLite.

use std::sync::atomic::Ordering;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, EventId, JobId, UserId};
use pvara_domain::job::Job;
use pvara_domain::language::Language;
use pvara_domain::status::Status;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};
use tokio::sync::watch;

use super::inserts::{insert_job, insert_submission, insert_user};
use super::rows::{
    CANDIDATE_COLUMNS, JOB_COLUMNS, TEXTS_JOIN, USER_COLUMNS, candidate_from_row, history_from_row,
    job_from_row, parse_id, parse_status, parse_ts, score_from_row, ts, user_from_row,
};
use super::writes::{apply_transition, emit, oldest_outbox, record_delivery};
use super::{SqliteEngine, log, stats};
use crate::error::StoreError;
use crate::log::Publisher;
use crate::model::{
    ApplicationQuery, ApplicationRecord, ApplicationSummary, Applied, BatchJobs, Checkpoint, Counts,
    Delivery, MailContext, NewUser, OutboxBacklog, OutboxMessage, RescoreProgress, ScoringChange,
    ScoringInput, SortOrder, Submission, Transition, UserRecord, WorkBatch, WriteStats, stored_reference,
};
use crate::store::Store;

fn in_list(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl SqliteEngine {
    /// After the commit that wrote `messages`: wakes the relay, or the consumers when the events
    /// went straight onto the log.
    pub(super) fn events_committed<'a>(
        &self,
        in_place: bool,
        messages: impl IntoIterator<Item = &'a OutboxMessage>,
    ) {
        if in_place {
            crate::metrics::count_produced(messages);
            Self::bump(&self.inner.log_changed);
        } else {
            Self::bump(&self.inner.outbox_changed);
        }
    }
}

#[async_trait]
impl Store for SqliteEngine {
    async fn create_user(&self, user: NewUser) -> Result<(), StoreError> {
        let in_place = self.events_in_place();
        let verification = self
            .write(move |conn| {
                insert_user(conn, &user, in_place)?;
                Ok(user.verification)
            })
            .await?;
        if let Some(token) = verification {
            self.events_committed(in_place, [&token.message]);
        }
        Ok(())
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        let email = email.to_owned();
        self.read(move |conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = ?1"))?;
            let mut rows = stmt.query([&email])?;
            rows.next()?.map(|row| user_from_row(row, 0)).transpose()
        })
        .await
    }

    async fn create_job(&self, job: Job) -> Result<(), StoreError> {
        self.write(move |conn| insert_job(conn, &job)).await
    }

    async fn change_scoring(&self, change: ScoringChange) -> Result<u64, StoreError> {
        let in_place = self.events_in_place();
        let messages = self
            .write(move |conn| super::scores::change_scoring(conn, &change, in_place))
            .await?;
        self.events_committed(in_place, &messages);
        Ok(messages.len() as u64)
    }

    async fn rescore_progress(&self, job: JobId, version: u32) -> Result<RescoreProgress, StoreError> {
        self.read(move |conn| super::scores::rescore_progress(conn, &job.to_string(), version))
            .await
    }

    async fn jobs_scored_by_other_rules(&self, rules: &str) -> Result<Vec<JobId>, StoreError> {
        let rules = rules.to_owned();
        self.read(move |conn| super::scores::jobs_scored_by_other_rules(conn, &rules))
            .await
    }

    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        self.read(move |conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {JOB_COLUMNS} FROM jobs j WHERE j.id = ?1"))?;
            let mut rows = stmt.query([id.to_string()])?;
            rows.next()?.map(|row| job_from_row(row, 0)).transpose()
        })
        .await
    }

    async fn open_jobs(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Job>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {JOB_COLUMNS} FROM jobs j WHERE j.closes_at IS NULL OR j.closes_at > ?1 ORDER BY j.id DESC LIMIT ?2"
            ))?;
            let mut rows = stmt.query(params![ts(now), limit])?;
            let mut jobs = Vec::new();
            while let Some(row) = rows.next()? {
                jobs.push(job_from_row(row, 0)?);
            }
            Ok(jobs)
        })
        .await
    }

    async fn submit(&self, submission: Submission) -> Result<(), StoreError> {
        let in_place = self.events_in_place();
        let messages = self
            .write(move |conn| insert_submission(conn, submission, in_place))
            .await?;
        self.events_committed(in_place, &messages);
        Ok(())
    }

    async fn application(&self, id: ApplicationId) -> Result<Option<ApplicationRecord>, StoreError> {
        self.read(move |conn| {
            let id_text = id.to_string();
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT a.id, a.job_id, a.applicant_id, a.status, a.ai_score, a.score_breakdown, a.scorer_version,
                        a.submitted_at, a.updated_at, {CANDIDATE_COLUMNS},
                        (SELECT f.file_name FROM application_files f WHERE f.application_id = a.id),
                        a.consent_version, a.reference
                 FROM applications a {TEXTS_JOIN} WHERE a.id = ?1"
            ))?;
            let mut rows = stmt.query([&id_text])?;
            let Some(row) = rows.next()? else { return Ok(None) };
            let mut record = ApplicationRecord {
                id: parse_id(&row.get::<_, String>(0)?)?,
                reference: stored_reference(&row.get::<_, String>(19)?)?,
                job_id: parse_id(&row.get::<_, String>(1)?)?,
                applicant_id: parse_id(&row.get::<_, String>(2)?)?,
                status: parse_status(&row.get::<_, String>(3)?)?,
                score: score_from_row(row, 4)?,
                submitted_at: parse_ts(&row.get::<_, String>(7)?)?,
                updated_at: parse_ts(&row.get::<_, String>(8)?)?,
                candidate: candidate_from_row(row, 9)?,
                cv_file_name: row.get(17)?,
                consent_version: row.get(18)?,
                history: Vec::new(),
                score_changes: super::scores::score_changes(conn, &id_text)?,
            };
            let mut stmt = conn.prepare_cached(
                "SELECT from_status, to_status, actor, reason, details, at FROM application_history
                 WHERE application_id = ?1 ORDER BY id",
            )?;
            let mut rows = stmt.query([&id_text])?;
            while let Some(row) = rows.next()? {
                record.history.push(history_from_row(row)?);
            }
            Ok(Some(record))
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn application_by_reference(
        &self,
        reference: &pvara_domain::reference::Reference,
    ) -> Result<Option<ApplicationId>, StoreError> {
        let reference = reference.to_string();
        self.read(move |conn| {
            let id: Option<String> = conn
                .prepare_cached("SELECT id FROM applications WHERE reference = ?1")?
                .query_row([&reference], |r| r.get(0))
                .optional()?;
            id.as_deref().map(parse_id).transpose()
        })
        .await
    }

    async fn application_owner(
        &self,
        id: ApplicationId,
    ) -> Result<Option<(UserId, JobId, Status)>, StoreError> {
        self.read(move |conn| {
            let row = conn
                .prepare_cached("SELECT applicant_id, job_id, status FROM applications WHERE id = ?1")?
                .query_row([id.to_string()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .optional()?;
            row.map(|(owner, job, status)| Ok((parse_id(&owner)?, parse_id(&job)?, parse_status(&status)?)))
                .transpose()
        })
        .await
    }

    async fn list_applications(
        &self,
        query: &ApplicationQuery,
    ) -> Result<Vec<ApplicationSummary>, StoreError> {
        let query = query.clone();
        self.read(move |conn| {
            // The rank orders (the total, then how near the CV is to the job); a minimum total is
            // a minimum rank, which the same index serves.
            let score = "coalesce(a.score_rank, -1)";
            let mut clauses: Vec<String> = Vec::new();
            let mut values: Vec<Value> = Vec::new();
            if let Some(job) = query.job_id {
                clauses.push("a.job_id = ?".to_owned());
                values.push(Value::Text(job.to_string()));
            }
            if let Some(status) = query.status {
                clauses.push("a.status = ?".to_owned());
                values.push(Value::Text(status.as_str().to_owned()));
            }
            if let Some(min) = query.min_score {
                clauses.push(format!("{score} >= ?"));
                values.push(Value::Integer(pvara_domain::scoring::rank(min, 0.0)));
            }
            if let Some(after) = query.after {
                let (clause, binds): (String, Vec<Value>) = match query.sort {
                    // The first comparison bounds the index scan; the second skips the ties
                    // already shown.
                    SortOrder::ScoreDesc => (
                        format!("{score} <= ? AND ({score} < ? OR a.id > ?)"),
                        vec![
                            Value::Integer(after.score),
                            Value::Integer(after.score),
                            Value::Text(after.id.to_string()),
                        ],
                    ),
                    SortOrder::ScoreAsc => (
                        format!("{score} >= ? AND ({score} > ? OR a.id > ?)"),
                        vec![
                            Value::Integer(after.score),
                            Value::Integer(after.score),
                            Value::Text(after.id.to_string()),
                        ],
                    ),
                    SortOrder::SubmittedAsc => {
                        ("a.id > ?".to_owned(), vec![Value::Text(after.id.to_string())])
                    }
                    SortOrder::SubmittedDesc => {
                        ("a.id < ?".to_owned(), vec![Value::Text(after.id.to_string())])
                    }
                };
                clauses.push(clause);
                values.extend(binds);
            }
            let order = match query.sort {
                SortOrder::ScoreDesc => format!("{score} DESC, a.id ASC"),
                SortOrder::ScoreAsc => format!("{score} ASC, a.id ASC"),
                SortOrder::SubmittedAsc => "a.id ASC".to_owned(),
                SortOrder::SubmittedDesc => "a.id DESC".to_owned(),
            };
            let filter = if clauses.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", clauses.join(" AND "))
            };
            values.push(Value::Integer(i64::from(query.limit)));
            let sql = format!(
                "SELECT a.id, a.job_id, a.full_name, a.status, a.ai_score, a.submitted_at, a.scorer_version, a.score_rank
                 FROM applications a {filter} ORDER BY {order} LIMIT ?"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(values))?;
            let mut page = Vec::new();
            while let Some(row) = rows.next()? {
                page.push(ApplicationSummary {
                    id: parse_id(&row.get::<_, String>(0)?)?,
                    job_id: parse_id(&row.get::<_, String>(1)?)?,
                    full_name: row.get(2)?,
                    status: parse_status(&row.get::<_, String>(3)?)?,
                    ai_score: row.get::<_, Option<i64>>(4)?.map(|s| s.clamp(0, 100) as u8),
                    submitted_at: parse_ts(&row.get::<_, String>(5)?)?,
                    scorer_version: row.get(6)?,
                    rank: row.get(7)?,
                });
            }
            Ok(page)
        })
        .await
    }

    async fn transition(&self, transition: Transition) -> Result<(), StoreError> {
        let in_place = self.events_in_place();
        let transition = self
            .write(move |conn| {
                if apply_transition(conn, &transition, in_place)? {
                    return Ok(transition);
                }
                let exists = conn
                    .prepare_cached("SELECT 1 FROM applications WHERE id = ?1")?
                    .query_row([transition.application_id.to_string()], |_| Ok(()))
                    .optional()?;
                Err(if exists.is_some() {
                    StoreError::StaleStatus
                } else {
                    StoreError::NotFound("application")
                })
            })
            .await?;
        self.events_committed(in_place, &transition.messages);
        Ok(())
    }

    async fn apply_batch(&self, batch: WorkBatch) -> Result<Applied, StoreError> {
        let in_place = self.events_in_place();
        let (applied, batch) = self
            .write(move |conn| {
                let transitions = batch
                    .transitions
                    .iter()
                    .map(|t| apply_transition(conn, t, in_place))
                    .collect::<Result<Vec<_>, _>>()?;
                let rescores = batch
                    .rescores
                    .iter()
                    .map(|r| super::scores::apply_rescore(conn, r, in_place))
                    .collect::<Result<Vec<_>, _>>()?;
                let current = super::scores::rubric_versions(conn, &batch.scored_jobs(&transitions))?;
                let stale = batch.stale_rubric_events(&transitions, &current)?;
                emit(conn, &batch.messages, &ts(crate::clock::now()), in_place)?;
                if !stale.is_empty() {
                    emit(conn, &stale, &ts(crate::clock::now()), in_place)?;
                }
                for delivery in &batch.deliveries {
                    record_delivery(conn, delivery)?;
                }
                super::tokens::mark_mailed(conn, &batch.account_mails, crate::clock::now())?;
                if let Some(Checkpoint { group, positions }) = &batch.checkpoint {
                    log::store_positions(conn, group, positions)?;
                }
                Ok((
                    Applied {
                        transitions,
                        rescores,
                    },
                    (batch, stale),
                ))
            })
            .await?;
        let (batch, stale) = batch;
        let transitions = batch
            .transitions
            .iter()
            .zip(&applied.transitions)
            .filter(|(_, a)| **a);
        let rescores = batch.rescores.iter().zip(&applied.rescores).filter(|(_, a)| **a);
        let caused = transitions
            .flat_map(|(t, _)| &t.messages)
            .chain(rescores.flat_map(|(r, _)| &r.messages));
        self.events_committed(in_place, caused.chain(&batch.messages).chain(&stale));
        Ok(applied)
    }

    async fn scoring_inputs(&self, ids: &[ApplicationId]) -> Result<Vec<ScoringInput>, StoreError> {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        self.read(move |conn| {
            let mut inputs = Vec::with_capacity(ids.len());
            let mut jobs = BatchJobs::default();
            for chunk in ids.chunks(500) {
                let sql = format!(
                    "SELECT a.id, a.status, {CANDIDATE_COLUMNS}, {JOB_COLUMNS}, a.ai_score, a.score_breakdown, a.scorer_version,
                            a.erased_at IS NOT NULL
                     FROM applications a {TEXTS_JOIN} JOIN jobs j ON j.id = a.job_id WHERE a.id IN ({})",
                    in_list(chunk.len())
                );
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut rows = stmt.query(params_from_iter(chunk))?;
                while let Some(row) = rows.next()? {
                    inputs.push(ScoringInput {
                        application_id: parse_id(&row.get::<_, String>(0)?)?,
                        status: parse_status(&row.get::<_, String>(1)?)?,
                        candidate: candidate_from_row(row, 2)?,
                        job: jobs.get(parse_id(&row.get::<_, String>(10)?)?, || job_from_row(row, 10))?,
                        score: score_from_row(row, 20)?,
                        erased: row.get(23)?,
                    });
                }
            }
            Ok(inputs)
        })
        .await
    }

    async fn mail_contexts(
        &self,
        wanted: &[(ApplicationId, Status)],
    ) -> Result<Vec<Option<MailContext>>, StoreError> {
        let wanted = wanted.to_vec();
        self.read(move |conn| {
            let mut application = conn.prepare_cached(
                "SELECT a.full_name, a.email, a.ai_score, j.title,
                        (SELECT max(round) FROM interview_panel p WHERE p.application_id = a.id), a.reference,
                        (SELECT language FROM users u WHERE u.id = a.applicant_id)
                 FROM applications a JOIN jobs j ON j.id = a.job_id
                 WHERE a.id = ?1",
            )?;
            let mut entry = conn.prepare_cached(
                "SELECT from_status, to_status, actor, reason, details, at,
                     (SELECT count(*) FROM application_history p WHERE p.application_id = e.application_id AND p.id <= e.id)
                 FROM application_history e
                 WHERE application_id = ?1 AND to_status = ?2 ORDER BY id DESC LIMIT 1",
            )?;
            let mut contexts = Vec::with_capacity(wanted.len());
            for (id, status) in wanted {
                let row = application
                    .query_row([id.to_string()], |r| {
                        Ok((
                            (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                            r.get::<_, Option<i64>>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, Option<u8>>(4)?,
                            r.get::<_, String>(5)?,
                            r.get::<_, Option<String>>(6)?,
                        ))
                    })
                    .optional()?;
                let Some(((full_name, email), ai_score, job_title, interview_round, reference, language)) = row else {
                    contexts.push(None);
                    continue;
                };
                let mut rows = entry.query(params![id.to_string(), status.as_str()])?;
                let (entry, step) = match rows.next()? {
                    Some(row) => (Some(history_from_row(row)?), row.get::<_, u32>(6)?),
                    None => (None, 0),
                };
                contexts.push(Some(MailContext {
                    application_id: id,
                    reference: stored_reference(&reference)?,
                    full_name,
                    email,
                    job_title,
                    ai_score: ai_score.map(|s| s.clamp(0, 100) as u8),
                    entry,
                    step,
                    interview_round,
                    language: language.as_deref().and_then(Language::parse).unwrap_or_default(),
                }));
            }
            Ok(contexts)
        })
        .await
    }

    async fn delivered(&self, events: &[EventId]) -> Result<Vec<EventId>, StoreError> {
        let ids: Vec<String> = events.iter().map(ToString::to_string).collect();
        self.read(move |conn| {
            let mut found = Vec::new();
            for chunk in ids.chunks(500) {
                let sql = format!(
                    "SELECT event_id FROM mail_deliveries WHERE event_id IN ({})",
                    in_list(chunk.len())
                );
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut rows = stmt.query(params_from_iter(chunk))?;
                while let Some(row) = rows.next()? {
                    found.push(parse_id(&row.get::<_, String>(0)?)?);
                }
            }
            Ok(found)
        })
        .await
    }

    async fn deliveries(&self, application: ApplicationId) -> Result<Vec<Delivery>, StoreError> {
        let id = application.to_string();
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT event_id, template, message_id, delivered_at, failure FROM mail_deliveries
                 WHERE application_id = ?1 ORDER BY delivered_at, event_id",
            )?;
            let mut rows = stmt.query([&id])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                found.push(Delivery {
                    event_id: parse_id(&row.get::<_, String>(0)?)?,
                    application_id: application,
                    template: row.get(1)?,
                    message_id: row.get(2)?,
                    delivered_at: parse_ts(&row.get::<_, String>(3)?)?,
                    failure: row.get(4)?,
                });
            }
            Ok(found)
        })
        .await
    }

    /// One relay per data directory (the relay role is locked), and ids are handed out in commit
    /// order by the single writer, so everything up to the last id read can be deleted.
    async fn relay_outbox(&self, max: usize, publisher: &dyn Publisher) -> Result<usize, StoreError> {
        let (last_id, messages) = self.read(move |conn| oldest_outbox(conn, max)).await?;
        let Some(last_id) = last_id else { return Ok(0) };
        // Kafka is outside: nothing goes there that a power cut could still take back here.
        self.settled().await?;
        publisher.publish(&messages).await?;
        self.write(move |conn| {
            Ok(conn
                .prepare_cached("DELETE FROM outbox WHERE id <= ?1")?
                .execute([last_id])?)
        })
        .await?;
        crate::metrics::count_produced(&messages);
        Ok(messages.len())
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        self.read(stats::counts).await
    }

    async fn outbox_backlog(&self) -> Result<OutboxBacklog, StoreError> {
        self.read(stats::outbox_backlog).await
    }

    async fn write_stats(&self) -> Result<WriteStats, StoreError> {
        let stats = self.writer_stats();
        Ok(WriteStats {
            commits: stats.commits.load(Ordering::Relaxed),
            rows: stats.rows.load(Ordering::Relaxed),
        })
    }

    async fn ping(&self) -> Result<(), StoreError> {
        if !self.inner.writer.is_alive() {
            return Err(StoreError::Unavailable(
                "the database writer has stopped".to_owned(),
            ));
        }
        self.read(|conn| Ok(conn.query_row("SELECT 1", [], |_| Ok(()))?))
            .await
    }

    fn outbox_signal(&self) -> watch::Receiver<u64> {
        self.inner.outbox_changed.subscribe()
    }
}
