//! [`Merit`] on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::merit::allocation::{Allocation, Entry};
use pvara_domain::merit::list::MeritList;
use pvara_domain::merit::marks::Total;
use pvara_domain::merit::{Declaration, Drive, Mark};
use pvara_domain::reference::Reference;
use pvara_domain::scoring::education::Education;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::batch::insert_outbox;
use super::{PgEngine, on_constraint};
use crate::error::StoreError;
use crate::merit::{
    Approval, MarksUpload, Merit, MeritCandidate, MeritListHead, RepresentationDecision,
    RepresentationRecord, RepresentationsOf, StoredMeritList,
};
use crate::model::OutboxMessage;

const HEAD_COLUMNS: &str = "l.job_id, l.version, l.drive_version, l.vacancies, l.split, l.cutoffs, l.fingerprint, l.prepared_by, l.prepared_at, l.approved_by, l.approved_at";
const ENTRY_COLUMNS: &str =
    "e.application_id, e.reference, e.position, e.test, e.interview, e.total, e.outcome";
const REPRESENTATION_COLUMNS: &str =
    "id, application_id, job_id, list_version, body, filed_at, decided_by, decided_at, upheld, reason";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn count(value: i32) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(corrupt)
}

fn mark(value: Option<i32>) -> Result<Option<Mark>, StoreError> {
    value
        .map(|m| {
            u32::try_from(m)
                .ok()
                .and_then(Mark::from_hundredths)
                .ok_or_else(|| corrupt(format!("mark {m}")))
        })
        .transpose()
}

fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn head(row: &PgRow) -> Result<MeritListHead, StoreError> {
    let approved = match (
        row.try_get::<Option<Uuid>, _>("approved_by")?,
        row.try_get::<Option<DateTime<Utc>>, _>("approved_at")?,
    ) {
        (Some(by), Some(at)) => Some((UserId(by), at)),
        _ => None,
    };
    Ok(MeritListHead {
        job: JobId(row.try_get("job_id")?),
        version: count(row.try_get("version")?)?,
        drive_version: count(row.try_get("drive_version")?)?,
        vacancies: count(row.try_get("vacancies")?)?,
        split: row.try_get::<Json<_>, _>("split")?.0,
        cutoffs: row.try_get::<Json<_>, _>("cutoffs")?.0,
        fingerprint: row.try_get("fingerprint")?,
        prepared_by: UserId(row.try_get("prepared_by")?),
        prepared_at: row.try_get("prepared_at")?,
        approved,
    })
}

fn entry(row: &PgRow) -> Result<Entry, StoreError> {
    Ok(Entry {
        application: ApplicationId(row.try_get("application_id")?),
        reference: Reference::parse(row.try_get("reference")?).map_err(corrupt)?,
        position: row
            .try_get::<Option<i32>, _>("position")?
            .map(count)
            .transpose()?,
        test: mark(row.try_get("test")?)?,
        interview: mark(row.try_get("interview")?)?,
        total: row
            .try_get::<Option<i32>, _>("total")?
            .map(count)
            .transpose()?
            .map(Total),
        outcome: row.try_get::<Json<_>, _>("outcome")?.0,
    })
}

fn representation(row: &PgRow) -> Result<RepresentationRecord, StoreError> {
    let decision = match (
        row.try_get::<Option<Uuid>, _>("decided_by")?,
        row.try_get::<Option<DateTime<Utc>>, _>("decided_at")?,
    ) {
        (Some(by), Some(at)) => Some(RepresentationDecision {
            by: UserId(by),
            at,
            upheld: row.try_get::<Option<bool>, _>("upheld")?.unwrap_or(false),
            reason: row.try_get::<Option<String>, _>("reason")?.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(RepresentationRecord {
        id: row.try_get("id")?,
        application: ApplicationId(row.try_get("application_id")?),
        job: JobId(row.try_get("job_id")?),
        list_version: count(row.try_get("list_version")?)?,
        text: row.try_get("body")?,
        filed_at: row.try_get("filed_at")?,
        decision,
    })
}

/// The list's lines, in one statement per 10,000.
async fn insert_entries(conn: &mut PgConnection, list: &MeritList) -> Result<(), StoreError> {
    for (chunk_no, chunk) in list.allocation.entries.chunks(10_000).enumerate() {
        let first = chunk_no * 10_000;
        let lines: Vec<i32> = (0..chunk.len()).map(|i| int((first + i) as u32)).collect();
        let ids: Vec<Uuid> = chunk.iter().map(|e| e.application.0).collect();
        let references: Vec<&str> = chunk.iter().map(|e| e.reference.as_str()).collect();
        let positions: Vec<Option<i32>> = chunk.iter().map(|e| e.position.map(int)).collect();
        let tests: Vec<Option<i32>> = chunk
            .iter()
            .map(|e| e.test.map(|m| int(m.hundredths())))
            .collect();
        let interviews: Vec<Option<i32>> = chunk
            .iter()
            .map(|e| e.interview.map(|m| int(m.hundredths())))
            .collect();
        let totals: Vec<Option<i32>> = chunk.iter().map(|e| e.total.map(|t| int(t.0))).collect();
        let outcomes: Vec<serde_json::Value> = chunk
            .iter()
            .map(|e| serde_json::to_value(&e.outcome).map_err(corrupt))
            .collect::<Result<_, _>>()?;
        sqlx::query(
            "INSERT INTO merit_entries (job_id, version, line, application_id, reference, position, test, interview, total, outcome)
             SELECT $1, $2, * FROM UNNEST($3::int[], $4::uuid[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::jsonb[])",
        )
        .bind(list.job.0)
        .bind(int(list.version))
        .bind(&lines)
        .bind(&ids)
        .bind(&references)
        .bind(&positions)
        .bind(&tests)
        .bind(&interviews)
        .bind(&totals)
        .bind(&outcomes)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[async_trait]
impl Merit for PgEngine {
    #[tracing::instrument(skip_all)]
    async fn set_drive(&self, job: JobId, drive: &Drive, replaces: u32) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let updated = sqlx::query(
            "UPDATE jobs SET requirements = jsonb_set(requirements, '{drive}', $1)
             WHERE id = $2 AND coalesce((requirements->'drive'->>'version')::int8, 0) = $3",
        )
        .bind(Json(drive))
        .bind(job.0)
        .bind(i64::from(replaces))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM jobs WHERE id = $1")
                .bind(job.0)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                None => StoreError::NotFound("job"),
                Some(_) => StoreError::Changed("rules"),
            });
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn merit_candidates(&self, job: JobId) -> Result<Vec<MeritCandidate>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.reference, a.submitted_at, a.status, a.education, a.years_experience, d.facts,
                    t.mark AS test, i.mark AS interview
             FROM applications a
             LEFT JOIN application_declarations d ON d.application_id = a.id
             LEFT JOIN marks t ON t.application_id = a.id AND t.kind = 'test'
             LEFT JOIN marks i ON i.application_id = a.id AND i.kind = 'interview'
             WHERE a.job_id = $1",
        )
        .bind(job.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MeritCandidate {
                    application: ApplicationId(row.try_get("id")?),
                    reference: Reference::parse(row.try_get("reference")?).map_err(corrupt)?,
                    submitted_at: row.try_get("submitted_at")?,
                    status: super::rows::status(row.try_get("status")?)?,
                    education: Education::parse("education", row.try_get("education")?).map_err(corrupt)?,
                    years_experience: row.try_get("years_experience")?,
                    declaration: row.try_get::<Option<Json<Declaration>>, _>("facts")?.map(|j| j.0),
                    test: mark(row.try_get("test")?)?,
                    interview: mark(row.try_get("interview")?)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn declaration(&self, application: ApplicationId) -> Result<Option<Declaration>, StoreError> {
        let facts: Option<Json<Declaration>> =
            sqlx::query_scalar("SELECT facts FROM application_declarations WHERE application_id = $1")
                .bind(application.0)
                .fetch_optional(self.pool())
                .await?;
        Ok(facts.map(|j| j.0))
    }

    #[tracing::instrument(skip_all, fields(marks = upload.marks.len()))]
    async fn record_marks(&self, upload: MarksUpload) -> Result<u64, StoreError> {
        let ids: Vec<Uuid> = upload.marks.iter().map(|(a, _, _)| a.0).collect();
        let kinds: Vec<&str> = upload.marks.iter().map(|(_, k, _)| k.as_str()).collect();
        let values: Vec<i32> = upload.marks.iter().map(|(_, _, m)| int(m.hundredths())).collect();
        let changed = sqlx::query(
            "INSERT INTO marks (application_id, kind, mark, recorded_by, recorded_at)
             SELECT x.a, x.k, x.m, $4, $5 FROM UNNEST($1::uuid[], $2::text[], $3::int[]) AS x(a, k, m)
             JOIN applications ap ON ap.id = x.a AND ap.job_id = $6
             ON CONFLICT (application_id, kind) DO UPDATE SET mark = excluded.mark,
               recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
             WHERE marks.mark <> excluded.mark",
        )
        .bind(&ids)
        .bind(&kinds)
        .bind(&values)
        .bind(upload.by.0)
        .bind(upload.at)
        .bind(upload.job.0)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(changed)
    }

    #[tracing::instrument(skip_all, fields(entries = list.allocation.entries.len()))]
    async fn save_merit_list(
        &self,
        list: &MeritList,
        fingerprint: &str,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        // One preparation at a time per job: the lock orders two staff pressing "Run" together.
        sqlx::query("SELECT id FROM jobs WHERE id = $1 FOR UPDATE")
            .bind(list.job.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("job"))?;
        let published: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM merit_lists WHERE job_id = $1 AND version = $2 AND approved_by IS NOT NULL)",
        )
        .bind(list.job.0)
        .bind(int(list.version))
        .fetch_one(&mut *tx)
        .await?;
        if published {
            return Err(StoreError::Conflict("merit list"));
        }
        sqlx::query(
            "DELETE FROM merit_entries e USING merit_lists l
             WHERE l.job_id = $1 AND l.approved_by IS NULL AND e.job_id = l.job_id AND e.version = l.version",
        )
        .bind(list.job.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM merit_lists WHERE job_id = $1 AND approved_by IS NULL")
            .bind(list.job.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO merit_lists (job_id, version, drive_version, vacancies, split, cutoffs, fingerprint, prepared_by, prepared_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(list.job.0)
        .bind(int(list.version))
        .bind(int(list.drive_version))
        .bind(int(list.vacancies))
        .bind(Json(&list.allocation.split))
        .bind(Json(&list.allocation.cutoffs))
        .bind(fingerprint)
        .bind(by.0)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, "merit list", "job"))?;
        insert_entries(&mut tx, list).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn approve_merit_list(&self, approval: Approval) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let prepared: Option<(Uuid, String)> = sqlx::query_as(
            "SELECT prepared_by, fingerprint FROM merit_lists WHERE job_id = $1 AND version = $2 AND approved_by IS NULL FOR UPDATE",
        )
        .bind(approval.job.0)
        .bind(int(approval.version))
        .fetch_optional(&mut *tx)
        .await?;
        match prepared {
            None => return Err(StoreError::NotFound("merit list")),
            Some((_, fingerprint)) if fingerprint != approval.fingerprint => {
                return Err(StoreError::Changed("merit list"));
            }
            Some((by, _)) if by == approval.by.0 => return Err(StoreError::Conflict("approver")),
            Some(_) => {}
        }
        sqlx::query(
            "UPDATE merit_lists SET approved_by = $1, approved_at = $2 WHERE job_id = $3 AND version = $4",
        )
        .bind(approval.by.0)
        .bind(approval.at)
        .bind(approval.job.0)
        .bind(int(approval.version))
        .execute(&mut *tx)
        .await?;
        insert_outbox(&mut tx, &approval.messages, approval.at).await?;
        tx.commit().await?;
        if !approval.messages.is_empty() {
            self.outbox_written();
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn merit_list(&self, job: JobId, version: u32) -> Result<Option<StoredMeritList>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {HEAD_COLUMNS} FROM merit_lists l WHERE l.job_id = $1 AND l.version = $2"
        ))
        .bind(job.0)
        .bind(int(version))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let head = head(&row)?;
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM merit_entries e WHERE e.job_id = $1 AND e.version = $2 ORDER BY e.line"
        ))
        .bind(job.0)
        .bind(int(version))
        .fetch_all(self.pool())
        .await?;
        let entries = rows.iter().map(entry).collect::<Result<Vec<_>, _>>()?;
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
    }

    #[tracing::instrument(skip_all)]
    async fn merit_lists(&self, job: JobId) -> Result<Vec<MeritListHead>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {HEAD_COLUMNS} FROM merit_lists l WHERE l.job_id = $1 ORDER BY l.version DESC"
        ))
        .bind(job.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(head).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn merit_entry(
        &self,
        application: ApplicationId,
    ) -> Result<Option<(MeritListHead, Entry)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {HEAD_COLUMNS}, {ENTRY_COLUMNS} FROM merit_entries e
             JOIN merit_lists l ON l.job_id = e.job_id AND l.version = e.version
             WHERE e.application_id = $1 AND l.approved_by IS NOT NULL
             ORDER BY l.version DESC LIMIT 1"
        ))
        .bind(application.0)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((head(&row)?, entry(&row)?))).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn file_representation(&self, r: RepresentationRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO representations (id, application_id, job_id, list_version, body, filed_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.id)
        .bind(r.application.0)
        .bind(r.job.0)
        .bind(int(r.list_version))
        .bind(&r.text)
        .bind(r.filed_at)
        .execute(self.pool())
        .await
        .map_err(|e| on_constraint(e, "representation", "application"))?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn decide_representation(
        &self,
        id: Uuid,
        decision: RepresentationDecision,
        messages: Vec<OutboxMessage>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE representations SET decided_by = $1, decided_at = $2, upheld = $3, reason = $4
             WHERE id = $5 AND decided_by IS NULL",
        )
        .bind(decision.by.0)
        .bind(decision.at)
        .bind(decision.upheld)
        .bind(&decision.reason)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM representations WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("representation"),
                None => StoreError::NotFound("representation"),
            });
        }
        insert_outbox(&mut tx, &messages, decision.at).await?;
        tx.commit().await?;
        if !messages.is_empty() {
            self.outbox_written();
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn representation(&self, id: Uuid) -> Result<Option<RepresentationRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REPRESENTATION_COLUMNS} FROM representations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(representation).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn representations(&self, of: RepresentationsOf) -> Result<Vec<RepresentationRecord>, StoreError> {
        let (column, id) = match of {
            RepresentationsOf::Job(job) => ("job_id", job.0),
            RepresentationsOf::Application(a) => ("application_id", a.0),
        };
        let rows = sqlx::query(&format!(
            "SELECT {REPRESENTATION_COLUMNS} FROM representations WHERE {column} = $1 ORDER BY filed_at, id"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(representation).collect()
    }
}
