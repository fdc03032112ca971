//! [`Accounts`] and [`Workspace`] on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::equality::Answers;
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::job::{Job, JobEdit};
use pvara_domain::language::Language;
use pvara_domain::report::History;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};

use super::SqliteEngine;
use super::rows::{
    JOB_COLUMNS, USER_COLUMN_COUNT, USER_COLUMNS, job_from_row, parse_id, parse_status, parse_ts, ts,
    user_from_row,
};
use crate::error::StoreError;
use crate::model::{
    AuditEntry, AuditQuery, CvFile, ERASED_EMAIL, ERASED_NAME, NewNote, NewSession, Note, OwnApplication,
    SessionRecord, StatusCount, UserRecord,
};
use crate::workspace::{Accounts, AnswersOf, Audit, Workspace};

/// The ids of the applications matching `filter` (an SQL condition on `applications`).
fn ids_where(
    conn: &rusqlite::Connection,
    filter: &str,
    binds: impl rusqlite::Params,
) -> Result<Vec<ApplicationId>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT id FROM applications WHERE {filter}"))?;
    let mut rows = stmt.query(binds)?;
    let mut ids = Vec::new();
    while let Some(row) = rows.next()? {
        ids.push(parse_id::<ApplicationId>(&row.get::<_, String>(0)?)?);
    }
    Ok(ids)
}

/// How SQLite writes the erasure plan ([`crate::erasure`]): the applications as a JSON array.
const DIALECT: crate::erasure::Dialect = crate::erasure::Dialect {
    placeholder: '?',
    ids: "IN (SELECT value FROM json_each(?1))",
    empty_json: "'{}'",
};

/// Erases these applications as the plan says.
fn anonymise(
    conn: &rusqlite::Connection,
    ids: &[ApplicationId],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let ids = serde_json::to_string(&ids.iter().map(ToString::to_string).collect::<Vec<_>>())
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let at = ts(at);
    for sql in DIALECT.erase_applications() {
        let all: [&dyn rusqlite::ToSql; 4] = [&ids, &ERASED_NAME, &ERASED_EMAIL, &at];
        conn.prepare_cached(&sql)?
            .execute(&all[..DIALECT.parameters(&sql)])?;
    }
    Ok(())
}

/// Ends an account's access as the plan says, in the caller's transaction.
fn end_access(conn: &rusqlite::Connection, user: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    let at = ts(at);
    for sql in DIALECT.end_access() {
        let all: [&dyn rusqlite::ToSql; 2] = [&user, &at];
        conn.prepare_cached(&sql)?
            .execute(&all[..DIALECT.parameters(&sql)])?;
    }
    Ok(())
}

impl SqliteEngine {
    /// One text column of one user, by `update` (`?1` the value, `?2` the id);
    /// `NotFound("user")` when there is no such user.
    async fn set_user_text(&self, update: &'static str, id: UserId, value: &str) -> Result<(), StoreError> {
        let value = value.to_owned();
        self.write(move |conn| {
            let changed = conn
                .prepare_cached(update)?
                .execute(params![value, id.to_string()])?;
            if changed == 0 {
                return Err(StoreError::NotFound("user"));
            }
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl Accounts for SqliteEngine {
    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        self.read(move |conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"))?;
            let mut rows = stmt.query([id.to_string()])?;
            rows.next()?.map(|row| user_from_row(row, 0)).transpose()
        })
        .await
    }

    async fn staff_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.role <> 'applicant' ORDER BY u.email"
            ))?;
            let mut rows = stmt.query([])?;
            let mut users = Vec::new();
            while let Some(row) = rows.next()? {
                users.push(user_from_row(row, 0)?);
            }
            Ok(users)
        })
        .await
    }

    async fn deactivate_user(&self, id: UserId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(move |conn| {
            let id = id.to_string();
            let changed = conn
                .prepare_cached(
                    "UPDATE users SET deactivated_at = coalesce(deactivated_at, ?1) WHERE id = ?2",
                )?
                .execute(params![ts(at), id])?;
            if changed == 0 {
                return Err(StoreError::NotFound("user"));
            }
            end_access(conn, &id, at)
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn set_language(&self, id: UserId, language: Language) -> Result<(), StoreError> {
        self.set_user_text(
            "UPDATE users SET language = ?1 WHERE id = ?2",
            id,
            language.code(),
        )
        .await
    }

    async fn rename_user(&self, id: UserId, full_name: &str) -> Result<(), StoreError> {
        self.set_user_text("UPDATE users SET full_name = ?1 WHERE id = ?2", id, full_name)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let password_hash = password_hash.to_owned();
        self.write(move |conn| {
            let user = id.to_string();
            let known: Option<i64> = conn
                .prepare_cached("SELECT 1 FROM users WHERE id = ?1")?
                .query_row([&user], |row| row.get(0))
                .optional()?;
            if known.is_none() {
                return Err(StoreError::NotFound("user"));
            }
            super::tokens::set_password(conn, &user, &password_hash, &ts(at))
        })
        .await
    }

    async fn create_session(&self, session: NewSession) -> Result<(), StoreError> {
        self.write(move |conn| {
            let now = ts(session.created_at);
            conn.prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")?
                .execute([&now])?;
            conn.prepare_cached(
                "INSERT INTO sessions (id, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                session.id_hash,
                session.user_id.to_string(),
                session.csrf,
                now,
                ts(session.expires_at)
            ])?;
            Ok(())
        })
        .await
    }

    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>, StoreError> {
        let id_hash = id_hash.to_owned();
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.id = ?1 AND s.expires_at > ?2"
            ))?;
            let mut rows = stmt.query(params![id_hash, ts(now)])?;
            let Some(row) = rows.next()? else { return Ok(None) };
            Ok(Some(SessionRecord {
                user: user_from_row(row, 0)?,
                csrf: row.get(USER_COLUMN_COUNT)?,
                expires_at: parse_ts(&row.get::<_, String>(USER_COLUMN_COUNT + 1)?)?,
            }))
        })
        .await
    }

    async fn erase_user(&self, id: UserId, at: DateTime<Utc>) -> Result<Vec<ApplicationId>, StoreError> {
        let ids = self
            .write(move |conn| {
                let user = id.to_string();
                let erased_email = format!("erased-{user}@erased.invalid");
                let changed = conn
                    .prepare_cached(
                        "UPDATE users SET email = ?1, full_name = ?2, password_hash = '!',
                            deactivated_at = coalesce(deactivated_at, ?3) WHERE id = ?4",
                    )?
                    .execute(params![erased_email, ERASED_NAME, ts(at), user])?;
                if changed == 0 {
                    return Err(StoreError::NotFound("user"));
                }
                let ids = ids_where(conn, "applicant_id = ?1", params![user])?;
                anonymise(conn, &ids, at)?;
                end_access(conn, &user, at)?;
                conn.prepare_cached(&DIALECT.record_erasure())?
                    .execute(params![user, ts(at)])?;
                Ok(ids)
            })
            .await?;
        // Before answering: the person's old pages leave the WAL too.
        self.purge_wal().await?;
        Ok(ids)
    }

    async fn erased_users(&self) -> Result<Vec<(UserId, DateTime<Utc>)>, StoreError> {
        self.read(super::backup::erased_users).await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let id_hash = id_hash.to_owned();
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
                .execute([id_hash])?;
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl Workspace for SqliteEngine {
    async fn all_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {JOB_COLUMNS} FROM jobs j ORDER BY j.id DESC LIMIT ?1"
            ))?;
            let mut rows = stmt.query([limit])?;
            let mut jobs = Vec::new();
            while let Some(row) = rows.next()? {
                jobs.push(job_from_row(row, 0)?);
            }
            Ok(jobs)
        })
        .await
    }

    async fn close_job(&self, id: JobId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(move |conn| {
            let at = ts(at);
            let id = id.to_string();
            let exists = conn
                .prepare_cached("SELECT 1 FROM jobs WHERE id = ?1")?
                .query_row([&id], |_| Ok(()))
                .optional()?;
            exists.ok_or(StoreError::NotFound("job"))?;
            conn.prepare_cached(
                "UPDATE jobs SET closes_at = ?1 WHERE id = ?2 AND (closes_at IS NULL OR closes_at > ?1)",
            )?
            .execute(params![at, id])?;
            Ok(())
        })
        .await
    }

    async fn edit_job(&self, id: JobId, edit: JobEdit) -> Result<(), StoreError> {
        self.write(move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE jobs SET title = ?2, description = ?3, location = ?4, closes_at = ?5, vacancies = ?6,
                            hiring_manager_id = ?7,
                            requirements = CASE WHEN ?8 IS NULL THEN requirements
                                                ELSE json_set(requirements, '$.stages', json(?8)) END
                     WHERE id = ?1",
                )?
                .execute(params![
                    id.to_string(),
                    edit.title,
                    edit.description,
                    edit.location,
                    edit.closes_at.map(ts),
                    edit.vacancies,
                    edit.hiring_manager.map(|id| id.to_string()),
                    edit.stages.as_ref().map(super::rows::to_json).transpose()?
                ])?;
            if changed == 0 {
                return Err(StoreError::NotFound("job"));
            }
            Ok(())
        })
        .await
    }

    async fn status_counts(&self, jobs: &[JobId]) -> Result<Vec<StatusCount>, StoreError> {
        let jobs: Vec<Value> = jobs.iter().map(|j| Value::Text(j.to_string())).collect();
        self.read(move |conn| {
            let filter = if jobs.is_empty() {
                String::new()
            } else {
                format!("WHERE job_id IN ({})", vec!["?"; jobs.len()].join(", "))
            };
            let mut stmt = conn.prepare(&format!(
                "SELECT job_id, status, sum(count) FROM job_status_counts {filter} GROUP BY job_id, status
                 HAVING sum(count) > 0"
            ))?;
            let mut rows = stmt.query(params_from_iter(jobs))?;
            let mut counts = Vec::new();
            while let Some(row) = rows.next()? {
                counts.push(StatusCount {
                    job_id: parse_id(&row.get::<_, String>(0)?)?,
                    status: parse_status(&row.get::<_, String>(1)?)?,
                    count: row.get::<_, i64>(2)?.max(0) as u64,
                });
            }
            Ok(counts)
        })
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn job_histories(&self, job: JobId) -> Result<Vec<History>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT h.application_id, h.to_status, h.at,
                        coalesce(json_extract(a.score_breakdown, ?2), a.ai_score)
                 FROM application_history h JOIN applications a ON a.id = h.application_id
                 WHERE a.job_id = ?1 ORDER BY h.application_id, h.id",
            )?;
            let machine_total = format!("$.{}", pvara_domain::scoring::MACHINE_TOTAL_PATH.join("."));
            let mut rows = stmt.query(params![job.to_string(), machine_total])?;
            let mut steps = Vec::new();
            while let Some(row) = rows.next()? {
                let step = pvara_domain::report::Step {
                    status: parse_status(&row.get::<_, String>(1)?)?,
                    at: parse_ts(&row.get::<_, String>(2)?)?,
                };
                let score = row.get::<_, Option<i64>>(3)?.and_then(|s| u8::try_from(s).ok());
                steps.push((parse_id(&row.get::<_, String>(0)?)?, score, step));
            }
            Ok(crate::model::histories(steps))
        })
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn equality_answers(&self, of: AnswersOf) -> Result<Vec<(ApplicationId, Answers)>, StoreError> {
        let (filter, id) = match of {
            AnswersOf::Job(job) => ("a.job_id = ?1", job.to_string()),
            AnswersOf::Application(application) => ("e.application_id = ?1", application.to_string()),
        };
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT e.application_id, e.dimension, e.answer FROM equality_answers e
                 JOIN applications a ON a.id = e.application_id
                 WHERE {filter} ORDER BY e.application_id"
            ))?;
            let mut rows = stmt.query([id])?;
            let mut answers = Vec::new();
            while let Some(row) = rows.next()? {
                let id = parse_id(&row.get::<_, String>(0)?)?;
                answers.push((id, (row.get(1)?, row.get(2)?)));
            }
            Ok(crate::model::answer_sets(answers))
        })
        .await
    }

    async fn applications_of(&self, applicant: UserId) -> Result<Vec<OwnApplication>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT a.id, a.job_id, j.title, a.status, a.submitted_at, a.reference FROM applications a
                 JOIN jobs j ON j.id = a.job_id WHERE a.applicant_id = ?1 ORDER BY a.id DESC",
            )?;
            let mut rows = stmt.query([applicant.to_string()])?;
            let mut own = Vec::new();
            while let Some(row) = rows.next()? {
                own.push(OwnApplication {
                    id: parse_id(&row.get::<_, String>(0)?)?,
                    job_id: parse_id(&row.get::<_, String>(1)?)?,
                    job_title: row.get(2)?,
                    status: parse_status(&row.get::<_, String>(3)?)?,
                    submitted_at: parse_ts(&row.get::<_, String>(4)?)?,
                    reference: crate::model::stored_reference(&row.get::<_, String>(5)?)?,
                });
            }
            Ok(own)
        })
        .await
    }

    async fn cv_file(&self, application: ApplicationId) -> Result<Option<CvFile>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT file_name, content_type, content FROM application_files WHERE application_id = ?1",
                )?
                .query_row([application.to_string()], |row| {
                    Ok(CvFile {
                        file_name: row.get(0)?,
                        content_type: row.get(1)?,
                        content: row.get(2)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn retire_applications(
        &self,
        closed_before: DateTime<Utc>,
        at: DateTime<Utc>,
        limit: u32,
    ) -> Result<usize, StoreError> {
        let retired = self
            .write(move |conn| {
                let filter = "erased_at IS NULL AND job_id IN
                          (SELECT id FROM jobs WHERE closes_at IS NOT NULL AND closes_at <= ?1) LIMIT ?2";
                let ids = ids_where(conn, filter, params![ts(closed_before), limit])?;
                anonymise(conn, &ids, at)?;
                Ok(ids.len())
            })
            .await?;
        if retired > 0 {
            self.purge_wal().await?;
        }
        Ok(retired)
    }

    async fn add_note(&self, note: NewNote) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO application_notes (application_id, author_id, body, at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                note.application_id.to_string(),
                note.author.to_string(),
                note.body,
                ts(note.at)
            ])
            .map_err(|e| super::rows::on_constraint(e, "note", "application"))?;
            Ok(())
        })
        .await
    }

    async fn notes(&self, application: ApplicationId) -> Result<Vec<Note>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT u.full_name, n.body, n.at FROM application_notes n JOIN users u ON u.id = n.author_id
                 WHERE n.application_id = ?1 ORDER BY n.id",
            )?;
            let mut rows = stmt.query([application.to_string()])?;
            let mut notes = Vec::new();
            while let Some(row) = rows.next()? {
                notes.push(Note {
                    author_name: row.get(0)?,
                    body: row.get(1)?,
                    at: parse_ts(&row.get::<_, String>(2)?)?,
                });
            }
            Ok(notes)
        })
        .await
    }
}

#[async_trait]
impl Audit for SqliteEngine {
    async fn record_audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO audit_log (at, actor, action, subject) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![ts(entry.at), entry.actor, entry.action, entry.subject])?;
            Ok(())
        })
        .await
    }

    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let query = query.clone();
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT at, actor, action, subject FROM audit_log
                 WHERE (?1 IS NULL OR subject = ?1) AND (?2 IS NULL OR actor = ?2) AND (?3 IS NULL OR at >= ?3)
                 ORDER BY id LIMIT ?4",
            )?;
            let mut rows = stmt.query(params![query.subject, query.actor, query.since.map(ts), query.limit])?;
            let mut entries = Vec::new();
            while let Some(row) = rows.next()? {
                entries.push(AuditEntry {
                    at: parse_ts(&row.get::<_, String>(0)?)?,
                    actor: row.get(1)?,
                    action: row.get(2)?,
                    subject: row.get(3)?,
                });
            }
            Ok(entries)
        })
        .await
    }
}
