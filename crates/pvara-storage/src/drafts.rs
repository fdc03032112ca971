//! The [`Drafts`] trait: an application in the making on the apply page, kept between the form
//! and "Check your answers" with its CV file as read, so the candidate never chooses the file
//! twice. Drafts hold personal data for hours, not months: a background task removes every
//! draft past its limit (`delete_drafts_before`), erasure and deactivation remove a person's
//! drafts (see `erasure::END_ACCESS`), and sending the application removes its draft.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{JobId, UserId};

use crate::error::StoreError;
use crate::model::CvFile;

/// One applicant's draft for one job.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationDraftRecord {
    pub user_id: UserId,
    pub job_id: JobId,
    pub saved_at: DateTime<Utc>,
    /// The form as typed, in the page's own JSON: storage keeps it and never reads it.
    pub form: String,
    pub cv: Option<DraftCv>,
}

/// A CV file read in the sandbox, with what was read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftCv {
    pub file: CvFile,
    pub text: String,
    pub pages: u32,
}

#[async_trait]
pub trait Drafts: Send + Sync + 'static {
    /// Keeps `draft`, replacing the applicant's earlier draft for the job.
    async fn save_draft(&self, draft: ApplicationDraftRecord) -> Result<(), StoreError>;
    /// The applicant's draft for the job, unless it was saved before `expired`.
    async fn draft(
        &self,
        user: UserId,
        job: JobId,
        expired: DateTime<Utc>,
    ) -> Result<Option<ApplicationDraftRecord>, StoreError>;
    async fn delete_draft(&self, user: UserId, job: JobId) -> Result<(), StoreError>;
    /// Removes every draft saved before `expired`, with its file; returns how many.
    async fn delete_drafts_before(&self, expired: DateTime<Utc>) -> Result<u64, StoreError>;
}
