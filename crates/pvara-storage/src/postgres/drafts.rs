//! [`Drafts`] on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{JobId, UserId};
use sqlx::Row;

use super::PgEngine;
use crate::drafts::{ApplicationDraftRecord, DraftCv, Drafts};
use crate::error::StoreError;
use crate::model::CvFile;

#[async_trait]
impl Drafts for PgEngine {
    #[tracing::instrument(skip_all)]
    async fn save_draft(&self, draft: ApplicationDraftRecord) -> Result<(), StoreError> {
        let cv = draft.cv.as_ref();
        sqlx::query(
            "INSERT INTO application_drafts
               (user_id, job_id, saved_at, form, cv_name, cv_type, cv_content, cv_text, cv_pages)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (user_id, job_id) DO UPDATE SET saved_at = excluded.saved_at,
               form = excluded.form, cv_name = excluded.cv_name, cv_type = excluded.cv_type,
               cv_content = excluded.cv_content, cv_text = excluded.cv_text, cv_pages = excluded.cv_pages",
        )
        .bind(draft.user_id.0)
        .bind(draft.job_id.0)
        .bind(draft.saved_at)
        .bind(&draft.form)
        .bind(cv.map(|c| &c.file.file_name))
        .bind(cv.map(|c| &c.file.content_type))
        .bind(cv.map(|c| &c.file.content))
        .bind(cv.map(|c| &c.text))
        .bind(cv.map(|c| i32::try_from(c.pages).unwrap_or(i32::MAX)))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn draft(
        &self,
        user: UserId,
        job: JobId,
        expired: DateTime<Utc>,
    ) -> Result<Option<ApplicationDraftRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT saved_at, form, cv_name, cv_type, cv_content, cv_text, cv_pages FROM application_drafts
             WHERE user_id = $1 AND job_id = $2 AND saved_at >= $3",
        )
        .bind(user.0)
        .bind(job.0)
        .bind(expired)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let name: Option<String> = row.try_get("cv_name")?;
        let kind: Option<String> = row.try_get("cv_type")?;
        let cv = match (name, kind) {
            (Some(file_name), Some(content_type)) => Some(DraftCv {
                file: CvFile {
                    file_name,
                    content_type,
                    content: row
                        .try_get::<Option<Vec<u8>>, _>("cv_content")?
                        .unwrap_or_default(),
                },
                text: row.try_get::<Option<String>, _>("cv_text")?.unwrap_or_default(),
                pages: row
                    .try_get::<Option<i32>, _>("cv_pages")?
                    .and_then(|p| u32::try_from(p).ok())
                    .unwrap_or(1),
            }),
            _ => None,
        };
        Ok(Some(ApplicationDraftRecord {
            user_id: user,
            job_id: job,
            saved_at: row.try_get("saved_at")?,
            form: row.try_get("form")?,
            cv,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_draft(&self, user: UserId, job: JobId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM application_drafts WHERE user_id = $1 AND job_id = $2")
            .bind(user.0)
            .bind(job.0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn delete_drafts_before(&self, expired: DateTime<Utc>) -> Result<u64, StoreError> {
        let removed = sqlx::query("DELETE FROM application_drafts WHERE saved_at < $1")
            .bind(expired)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(removed)
    }
}
