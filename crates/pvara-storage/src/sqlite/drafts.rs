//! [`Drafts`] on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{JobId, UserId};
use rusqlite::params;

use super::SqliteEngine;
use super::rows::{parse_ts, ts};
use crate::drafts::{ApplicationDraftRecord, DraftCv, Drafts};
use crate::error::StoreError;
use crate::model::CvFile;

#[async_trait]
impl Drafts for SqliteEngine {
    #[tracing::instrument(skip_all)]
    async fn save_draft(&self, draft: ApplicationDraftRecord) -> Result<(), StoreError> {
        self.write(move |conn| {
            let cv = draft.cv.as_ref();
            conn.prepare_cached(
                "INSERT INTO application_drafts
                   (user_id, job_id, saved_at, form, cv_name, cv_type, cv_content, cv_text, cv_pages)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (user_id, job_id) DO UPDATE SET saved_at = excluded.saved_at,
                   form = excluded.form, cv_name = excluded.cv_name, cv_type = excluded.cv_type,
                   cv_content = excluded.cv_content, cv_text = excluded.cv_text, cv_pages = excluded.cv_pages",
            )?
            .execute(params![
                draft.user_id.to_string(),
                draft.job_id.to_string(),
                ts(draft.saved_at),
                draft.form,
                cv.map(|c| &c.file.file_name),
                cv.map(|c| &c.file.content_type),
                cv.map(|c| &c.file.content),
                cv.map(|c| &c.text),
                cv.map(|c| c.pages),
            ])?;
            Ok(())
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn draft(
        &self,
        user: UserId,
        job: JobId,
        expired: DateTime<Utc>,
    ) -> Result<Option<ApplicationDraftRecord>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT saved_at, form, cv_name, cv_type, cv_content, cv_text, cv_pages FROM application_drafts
                 WHERE user_id = ?1 AND job_id = ?2 AND saved_at >= ?3",
            )?;
            let mut rows = stmt.query(params![user.to_string(), job.to_string(), ts(expired)])?;
            let Some(row) = rows.next()? else { return Ok(None) };
            let cv = match (row.get::<_, Option<String>>(2)?, row.get::<_, Option<String>>(3)?) {
                (Some(file_name), Some(content_type)) => Some(DraftCv {
                    file: CvFile {
                        file_name,
                        content_type,
                        content: row.get::<_, Option<Vec<u8>>>(4)?.unwrap_or_default(),
                    },
                    text: row.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    pages: row.get::<_, Option<u32>>(6)?.unwrap_or(1),
                }),
                _ => None,
            };
            Ok(Some(ApplicationDraftRecord {
                user_id: user,
                job_id: job,
                saved_at: parse_ts(&row.get::<_, String>(0)?)?,
                form: row.get(1)?,
                cv,
            }))
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_draft(&self, user: UserId, job: JobId) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM application_drafts WHERE user_id = ?1 AND job_id = ?2")?
                .execute(params![user.to_string(), job.to_string()])?;
            Ok(())
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_drafts_before(&self, expired: DateTime<Utc>) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let removed = conn
                .prepare_cached("DELETE FROM application_drafts WHERE saved_at < ?1")?
                .execute([ts(expired)])?;
            Ok(removed as u64)
        })
        .await
    }
}
