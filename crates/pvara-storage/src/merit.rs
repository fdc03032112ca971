//! The [`Merit`] trait: what national recruitment keeps beyond the pipeline (see
//! `pvara_domain::merit`). A job's rules live in its requirements, versioned; an applicant's
//! declaration is written with the application; marks, merit lists with their lines, and
//! representations have tables of their own.
//!
//! A merit list is prepared by one member of staff and published when another approves it. A
//! published list never changes: a correction is a new version. Preparing again replaces the
//! list still waiting for approval, so published versions count 1, 2, 3.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::merit::allocation::{Cutoff, Entry};
use pvara_domain::merit::list::MeritList;
use pvara_domain::merit::quota::Split;
use pvara_domain::merit::{Declaration, Drive, Mark};
use pvara_domain::reference::Reference;
use pvara_domain::scoring::education::Education;
use pvara_domain::status::Status;
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::OutboxMessage;

/// One application of a job as the merit list reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeritCandidate {
    pub application: ApplicationId,
    pub reference: Reference,
    pub submitted_at: DateTime<Utc>,
    pub status: Status,
    pub education: Education,
    pub years_experience: f64,
    pub declaration: Option<Declaration>,
    pub test: Option<Mark>,
    pub interview: Option<Mark>,
}

/// Which mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    Test,
    Interview,
}

impl MarkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkKind::Test => "test",
            MarkKind::Interview => "interview",
        }
    }
}

/// Marks to record for a job, replacing earlier marks of the same kind: importing the same
/// file twice changes nothing.
#[derive(Debug, Clone)]
pub struct MarksUpload {
    pub job: JobId,
    pub marks: Vec<(ApplicationId, MarkKind, Mark)>,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// A list as stored, with who prepared and who approved it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMeritList {
    pub list: MeritList,
    pub head: MeritListHead,
}

/// A list without its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct MeritListHead {
    pub job: JobId,
    pub version: u32,
    pub drive_version: u32,
    pub vacancies: u32,
    pub split: Split,
    pub cutoffs: Vec<Cutoff>,
    pub fingerprint: String,
    pub prepared_by: UserId,
    pub prepared_at: DateTime<Utc>,
    /// `None` until a second person approves it, which publishes it.
    pub approved: Option<(UserId, DateTime<Utc>)>,
}

/// A request to publish `version` of a job's list, as the approver read it.
#[derive(Debug, Clone)]
pub struct Approval {
    pub job: JobId,
    pub version: u32,
    /// The fingerprint of the list the approver read: a list prepared again since is not
    /// theirs to approve.
    pub fingerprint: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
    /// Events of the publication (the candidates' mail), written in its transaction.
    pub messages: Vec<OutboxMessage>,
}

/// A candidate's representation against a published list, and its decision once made.
#[derive(Debug, Clone, PartialEq)]
pub struct RepresentationRecord {
    pub id: Uuid,
    pub application: ApplicationId,
    pub job: JobId,
    pub list_version: u32,
    pub text: String,
    pub filed_at: DateTime<Utc>,
    pub decision: Option<RepresentationDecision>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepresentationDecision {
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub upheld: bool,
    pub reason: String,
}

#[async_trait]
pub trait Merit: Send + Sync + 'static {
    /// Sets the job's rules while its current rules are version `replaces` (0: none yet);
    /// `Changed` otherwise, `NotFound("job")` for no such job.
    async fn set_drive(&self, job: JobId, drive: &Drive, replaces: u32) -> Result<(), StoreError>;
    /// The job's applications with their declarations and marks.
    async fn merit_candidates(&self, job: JobId) -> Result<Vec<MeritCandidate>, StoreError>;
    async fn declaration(&self, application: ApplicationId) -> Result<Option<Declaration>, StoreError>;
    /// Records the marks in one transaction; returns how many changed.
    async fn record_marks(&self, upload: MarksUpload) -> Result<u64, StoreError>;
    /// Stores a prepared list, replacing one still waiting for approval. `Conflict("merit list")`
    /// when the version was published meanwhile.
    async fn save_merit_list(
        &self,
        list: &MeritList,
        fingerprint: &str,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Publishes a prepared list. `NotFound("merit list")` when there is no such list waiting,
    /// `Changed("merit list")` when it was prepared again since the approver read it,
    /// `Conflict("approver")` when the approver prepared it.
    async fn approve_merit_list(&self, approval: Approval) -> Result<(), StoreError>;
    async fn merit_list(&self, job: JobId, version: u32) -> Result<Option<StoredMeritList>, StoreError>;
    /// The job's lists without their lines, newest first.
    async fn merit_lists(&self, job: JobId) -> Result<Vec<MeritListHead>, StoreError>;
    /// The application's line on the newest published list of its job.
    async fn merit_entry(
        &self,
        application: ApplicationId,
    ) -> Result<Option<(MeritListHead, Entry)>, StoreError>;
    /// `Conflict("representation")` for a second one against the same list version.
    async fn file_representation(&self, representation: RepresentationRecord) -> Result<(), StoreError>;
    /// `NotFound("representation")`, or `Conflict("representation")` when already decided.
    async fn decide_representation(
        &self,
        id: Uuid,
        decision: RepresentationDecision,
        messages: Vec<OutboxMessage>,
    ) -> Result<(), StoreError>;
    async fn representation(&self, id: Uuid) -> Result<Option<RepresentationRecord>, StoreError>;
    /// A job's representations (oldest first), or one application's.
    async fn representations(&self, of: RepresentationsOf) -> Result<Vec<RepresentationRecord>, StoreError>;
}

/// Whose representations to list.
#[derive(Debug, Clone, Copy)]
pub enum RepresentationsOf {
    Job(JobId),
    Application(ApplicationId),
}
