//! [`Merit`] on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::merit::allocation::{Allocation, Entry};
use pvara_domain::merit::list::MeritList;
use pvara_domain::merit::{Declaration, Drive, Mark};
use pvara_domain::scoring::education::Education;
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use super::SqliteEngine;
use super::rows::{on_constraint, parse_id, parse_json, parse_status, parse_ts, to_json, ts};
use super::writes::emit;
use crate::error::StoreError;
use crate::merit::{
    Approval, MarksUpload, Merit, MeritCandidate, MeritListHead, RepresentationDecision,
    RepresentationRecord, RepresentationsOf, StoredMeritList,
};
use crate::model::OutboxMessage;

const HEAD_COLUMNS: &str = "job_id, version, drive_version, vacancies, split, cutoffs, fingerprint, prepared_by, prepared_at, approved_by, approved_at";
const REPRESENTATION_COLUMNS: &str =
    "id, application_id, job_id, list_version, body, filed_at, decided_by, decided_at, upheld, reason";

fn mark(value: Option<u32>) -> Result<Option<Mark>, StoreError> {
    value
        .map(|m| Mark::from_hundredths(m).ok_or_else(|| StoreError::Corrupt(format!("mark {m}"))))
        .transpose()
}

fn head_from_row(row: &Row<'_>) -> Result<MeritListHead, StoreError> {
    let approved = match (
        row.get::<_, Option<String>>(9)?,
        row.get::<_, Option<String>>(10)?,
    ) {
        (Some(by), Some(at)) => Some((parse_id(&by)?, parse_ts(&at)?)),
        _ => None,
    };
    Ok(MeritListHead {
        job: parse_id(&row.get::<_, String>(0)?)?,
        version: row.get(1)?,
        drive_version: row.get(2)?,
        vacancies: row.get(3)?,
        split: parse_json(&row.get::<_, String>(4)?)?,
        cutoffs: parse_json(&row.get::<_, String>(5)?)?,
        fingerprint: row.get(6)?,
        prepared_by: parse_id(&row.get::<_, String>(7)?)?,
        prepared_at: parse_ts(&row.get::<_, String>(8)?)?,
        approved,
    })
}

/// A line from `application_id, reference, position, test, interview, total, outcome` at `at`.
fn entry_from_row(row: &Row<'_>, at: usize) -> Result<Entry, StoreError> {
    Ok(Entry {
        application: parse_id(&row.get::<_, String>(at)?)?,
        reference: pvara_domain::reference::Reference::parse(&row.get::<_, String>(at + 1)?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        position: row.get(at + 2)?,
        test: mark(row.get(at + 3)?)?,
        interview: mark(row.get(at + 4)?)?,
        total: row
            .get::<_, Option<u32>>(at + 5)?
            .map(pvara_domain::merit::marks::Total),
        outcome: parse_json(&row.get::<_, String>(at + 6)?)?,
    })
}

fn representation_from_row(row: &Row<'_>) -> Result<RepresentationRecord, StoreError> {
    let decision = match (row.get::<_, Option<String>>(6)?, row.get::<_, Option<String>>(7)?) {
        (Some(by), Some(at)) => Some(RepresentationDecision {
            by: parse_id(&by)?,
            at: parse_ts(&at)?,
            upheld: row.get::<_, Option<bool>>(8)?.unwrap_or(false),
            reason: row.get::<_, Option<String>>(9)?.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(RepresentationRecord {
        id: parse_id(&row.get::<_, String>(0)?)?,
        application: parse_id(&row.get::<_, String>(1)?)?,
        job: parse_id(&row.get::<_, String>(2)?)?,
        list_version: row.get(3)?,
        text: row.get(4)?,
        filed_at: parse_ts(&row.get::<_, String>(5)?)?,
        decision,
    })
}

fn insert_list(
    conn: &Connection,
    list: &MeritList,
    fingerprint: &str,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let job = list.job.to_string();
    let published: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM merit_lists WHERE job_id = ?1 AND version = ?2 AND approved_by IS NOT NULL)")?
        .query_row(params![job, list.version], |row| row.get(0))?;
    if published {
        return Err(StoreError::Conflict("merit list"));
    }
    conn.prepare_cached("DELETE FROM merit_entries WHERE job_id = ?1 AND version IN (SELECT version FROM merit_lists WHERE job_id = ?1 AND approved_by IS NULL)")?
        .execute([&job])?;
    conn.prepare_cached("DELETE FROM merit_lists WHERE job_id = ?1 AND approved_by IS NULL")?
        .execute([&job])?;
    conn.prepare_cached(
        "INSERT INTO merit_lists (job_id, version, drive_version, vacancies, split, cutoffs, fingerprint, prepared_by, prepared_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        job,
        list.version,
        list.drive_version,
        list.vacancies,
        to_json(&list.allocation.split)?,
        to_json(&list.allocation.cutoffs)?,
        fingerprint,
        by.to_string(),
        ts(at)
    ])
    .map_err(|e| on_constraint(e, "merit list", "job"))?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO merit_entries (job_id, version, line, application_id, reference, position, test, interview, total, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (line, e) in list.allocation.entries.iter().enumerate() {
        insert.execute(params![
            job,
            list.version,
            line,
            e.application.to_string(),
            e.reference.as_str(),
            e.position,
            e.test.map(Mark::hundredths),
            e.interview.map(Mark::hundredths),
            e.total.map(|t| t.0),
            to_json(&e.outcome)?
        ])?;
    }
    Ok(())
}

#[async_trait]
impl Merit for SqliteEngine {
    #[tracing::instrument(skip_all)]
    async fn set_drive(&self, job: JobId, drive: &Drive, replaces: u32) -> Result<(), StoreError> {
        let drive = to_json(drive)?;
        self.write(move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE jobs SET requirements = json_set(requirements, '$.drive', json(?1))
                     WHERE id = ?2 AND coalesce(json_extract(requirements, '$.drive.version'), 0) = ?3",
                )?
                .execute(params![drive, job.to_string(), replaces])?;
            if changed == 1 {
                return Ok(());
            }
            let exists: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM jobs WHERE id = ?1)")?
                .query_row([job.to_string()], |row| row.get(0))?;
            Err(if exists {
                StoreError::Changed("rules")
            } else {
                StoreError::NotFound("job")
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn merit_candidates(&self, job: JobId) -> Result<Vec<MeritCandidate>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT a.id, a.reference, a.submitted_at, a.status, a.education, a.years_experience, d.facts,
                        (SELECT mark FROM marks m WHERE m.application_id = a.id AND m.kind = 'test'),
                        (SELECT mark FROM marks m WHERE m.application_id = a.id AND m.kind = 'interview')
                 FROM applications a LEFT JOIN application_declarations d ON d.application_id = a.id
                 WHERE a.job_id = ?1",
            )?;
            let mut rows = stmt.query([job.to_string()])?;
            let mut all = Vec::new();
            while let Some(row) = rows.next()? {
                all.push(MeritCandidate {
                    application: parse_id(&row.get::<_, String>(0)?)?,
                    reference: pvara_domain::reference::Reference::parse(&row.get::<_, String>(1)?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    submitted_at: parse_ts(&row.get::<_, String>(2)?)?,
                    status: parse_status(&row.get::<_, String>(3)?)?,
                    education: Education::parse("education", &row.get::<_, String>(4)?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    years_experience: row.get(5)?,
                    declaration: row
                        .get::<_, Option<String>>(6)?
                        .as_deref()
                        .map(parse_json)
                        .transpose()?,
                    test: mark(row.get(7)?)?,
                    interview: mark(row.get(8)?)?,
                });
            }
            Ok(all)
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn declaration(&self, application: ApplicationId) -> Result<Option<Declaration>, StoreError> {
        self.read(move |conn| {
            let facts: Option<String> = conn
                .prepare_cached("SELECT facts FROM application_declarations WHERE application_id = ?1")?
                .query_row([application.to_string()], |row| row.get(0))
                .optional()?;
            facts.as_deref().map(parse_json).transpose()
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(marks = upload.marks.len()))]
    async fn record_marks(&self, upload: MarksUpload) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let mut upsert = conn.prepare_cached(
                "INSERT INTO marks (application_id, kind, mark, recorded_by, recorded_at)
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM applications WHERE id = ?1 AND job_id = ?6)
                 ON CONFLICT (application_id, kind) DO UPDATE SET mark = excluded.mark,
                   recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
                 WHERE marks.mark <> excluded.mark",
            )?;
            let (by, at, job) = (upload.by.to_string(), ts(upload.at), upload.job.to_string());
            let mut changed = 0;
            for (application, kind, value) in &upload.marks {
                changed += upsert.execute(params![
                    application.to_string(),
                    kind.as_str(),
                    value.hundredths(),
                    by,
                    at,
                    job
                ])? as u64;
            }
            Ok(changed)
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(entries = list.allocation.entries.len()))]
    async fn save_merit_list(
        &self,
        list: &MeritList,
        fingerprint: &str,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (list, fingerprint) = (list.clone(), fingerprint.to_owned());
        self.write(move |conn| insert_list(conn, &list, &fingerprint, by, at))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn approve_merit_list(&self, approval: Approval) -> Result<(), StoreError> {
        let in_place = self.events_in_place();
        let messages = self
            .write(move |conn| {
                let prepared: Option<(String, String)> = conn
                    .prepare_cached(
                        "SELECT prepared_by, fingerprint FROM merit_lists WHERE job_id = ?1 AND version = ?2 AND approved_by IS NULL",
                    )?
                    .query_row(params![approval.job.to_string(), approval.version], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })
                    .optional()?;
                match prepared {
                    None => return Err(StoreError::NotFound("merit list")),
                    Some((_, fingerprint)) if fingerprint != approval.fingerprint => {
                        return Err(StoreError::Changed("merit list"));
                    }
                    Some((by, _)) if by == approval.by.to_string() => return Err(StoreError::Conflict("approver")),
                    Some(_) => {}
                }
                let at = ts(approval.at);
                conn.prepare_cached(
                    "UPDATE merit_lists SET approved_by = ?1, approved_at = ?2 WHERE job_id = ?3 AND version = ?4",
                )?
                .execute(params![approval.by.to_string(), at, approval.job.to_string(), approval.version])?;
                emit(conn, &approval.messages, &at, in_place)?;
                Ok(approval.messages)
            })
            .await?;
        self.events_committed(in_place, &messages);
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn merit_list(&self, job: JobId, version: u32) -> Result<Option<StoredMeritList>, StoreError> {
        self.read(move |conn| {
            let head = conn
                .prepare_cached(&format!(
                    "SELECT {HEAD_COLUMNS} FROM merit_lists WHERE job_id = ?1 AND version = ?2"
                ))?
                .query_row(params![job.to_string(), version], |row| Ok(head_from_row(row)))
                .optional()?
                .transpose()?;
            let Some(head) = head else { return Ok(None) };
            let mut stmt = conn.prepare_cached(
                "SELECT application_id, reference, position, test, interview, total, outcome
                 FROM merit_entries WHERE job_id = ?1 AND version = ?2 ORDER BY line",
            )?;
            let mut rows = stmt.query(params![job.to_string(), version])?;
            let mut entries = Vec::new();
            while let Some(row) = rows.next()? {
                entries.push(entry_from_row(row, 0)?);
            }
            let list = MeritList {
                job,
                version,
                drive_version: head.drive_version,
                vacancies: head.vacancies,
                allocation: Allocation {
                    split: head.split.clone(),
                    cutoffs: head.cutoffs.clone(),
                    entries,
                },
            };
            Ok(Some(StoredMeritList { list, head }))
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn merit_lists(&self, job: JobId) -> Result<Vec<MeritListHead>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {HEAD_COLUMNS} FROM merit_lists WHERE job_id = ?1 ORDER BY version DESC"
            ))?;
            let mut rows = stmt.query([job.to_string()])?;
            let mut heads = Vec::new();
            while let Some(row) = rows.next()? {
                heads.push(head_from_row(row)?);
            }
            Ok(heads)
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn merit_entry(
        &self,
        application: ApplicationId,
    ) -> Result<Option<(MeritListHead, Entry)>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {HEAD_COLUMNS}, e.application_id, e.reference, e.position, e.test, e.interview, e.total, e.outcome
                 FROM merit_entries e JOIN merit_lists l USING (job_id, version)
                 WHERE e.application_id = ?1 AND l.approved_by IS NOT NULL
                 ORDER BY version DESC LIMIT 1"
            ))?;
            let mut rows = stmt.query([application.to_string()])?;
            let Some(row) = rows.next()? else { return Ok(None) };
            Ok(Some((head_from_row(row)?, entry_from_row(row, 11)?)))
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn file_representation(&self, r: RepresentationRecord) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO representations (id, application_id, job_id, list_version, body, filed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                r.id.to_string(),
                r.application.to_string(),
                r.job.to_string(),
                r.list_version,
                r.text,
                ts(r.filed_at)
            ])
            .map_err(|e| on_constraint(e, "representation", "application"))?;
            Ok(())
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn decide_representation(
        &self,
        id: Uuid,
        decision: RepresentationDecision,
        messages: Vec<OutboxMessage>,
    ) -> Result<(), StoreError> {
        let in_place = self.events_in_place();
        let messages = self
            .write(move |conn| {
                let at = ts(decision.at);
                let changed = conn
                    .prepare_cached(
                        "UPDATE representations SET decided_by = ?1, decided_at = ?2, upheld = ?3, reason = ?4
                         WHERE id = ?5 AND decided_by IS NULL",
                    )?
                    .execute(params![decision.by.to_string(), at, decision.upheld, decision.reason, id.to_string()])?;
                if changed == 0 {
                    let exists: bool = conn
                        .prepare_cached("SELECT EXISTS (SELECT 1 FROM representations WHERE id = ?1)")?
                        .query_row([id.to_string()], |row| row.get(0))?;
                    return Err(if exists {
                        StoreError::Conflict("representation")
                    } else {
                        StoreError::NotFound("representation")
                    });
                }
                emit(conn, &messages, &at, in_place)?;
                Ok(messages)
            })
            .await?;
        self.events_committed(in_place, &messages);
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn representation(&self, id: Uuid) -> Result<Option<RepresentationRecord>, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {REPRESENTATION_COLUMNS} FROM representations WHERE id = ?1"
            ))?
            .query_row([id.to_string()], |row| Ok(representation_from_row(row)))
            .optional()?
            .transpose()
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn representations(&self, of: RepresentationsOf) -> Result<Vec<RepresentationRecord>, StoreError> {
        self.read(move |conn| {
            let (column, id) = match of {
                RepresentationsOf::Job(job) => ("job_id", job.to_string()),
                RepresentationsOf::Application(a) => ("application_id", a.to_string()),
            };
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {REPRESENTATION_COLUMNS} FROM representations WHERE {column} = ?1 ORDER BY filed_at, id"
            ))?;
            let mut rows = stmt.query([id])?;
            let mut all = Vec::new();
            while let Some(row) = rows.next()? {
                all.push(representation_from_row(row)?);
            }
            Ok(all)
        })
        .await
    }
}
