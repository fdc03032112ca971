//! The [`Imports`] trait: what an import from another system writes (`pvara import mongodb`).
//!
//! Each imported record is written together with the row that maps its old id to pvara's, in one
//! transaction: a run that stops half-way leaves whole records, and the next run skips every
//! old id the map holds. The map keeps ids only, so an erased person stays erased: a second run
//! finds their old id and does not bring them back.

use std::collections::HashMap;

use async_trait::async_trait;
use pvara_domain::job::Job;
use pvara_domain::status::Status;
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::{NewUser, Submission};

/// What an imported record is, in the id map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    User,
    Job,
    Application,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::User => "user",
            ImportKind::Job => "job",
            ImportKind::Application => "application",
        }
    }
}

/// An application of the old system, as pvara keeps it.
#[derive(Debug, Clone)]
pub struct ImportedApplication {
    /// Its id in the old system.
    pub old_id: String,
    /// Stored as a submission at the old system's time; its messages are the events pvara's
    /// workers should see (the scorer's cue for one still waiting, nothing for the others).
    pub submission: Submission,
    /// Where the old system had it: `Submitted` for one still waiting for its score.
    pub status: Status,
    /// The history entry marked imported: what the old system said, in a sentence.
    pub note: String,
    /// The same as data (the old status word, the old system's score), for the history entry.
    pub details: serde_json::Value,
}

/// The actor of every history entry an import writes.
pub const IMPORT_ACTOR: &str = "system:import";

#[async_trait]
pub trait Imports: Send + Sync {
    /// Every old id of `kind` already imported from `source`, with the pvara id it became.
    async fn imported(&self, source: &str, kind: ImportKind) -> Result<HashMap<String, Uuid>, StoreError>;

    /// Stores an account of the old system (its password hash as it was) and maps its id.
    /// `Conflict("user")` when the address is taken.
    async fn import_user(&self, source: &str, old_id: &str, user: NewUser) -> Result<(), StoreError>;

    /// Stores a job of the old system and maps its id.
    async fn import_job(&self, source: &str, old_id: &str, job: Job) -> Result<(), StoreError>;

    /// Stores applications of the old system, each with its history, counts, events and map
    /// row; returns each one's outcome (`Conflict("application")` for a second application of
    /// the same person to the same job, `NotFound("job")`, `Closed("job")` for one made after
    /// the job closed). An error for the call as a whole means nothing was written.
    async fn import_applications(
        &self,
        source: &str,
        applications: Vec<ImportedApplication>,
    ) -> Result<Vec<Result<(), StoreError>>, StoreError>;
}
