//! What a scorer reads, records of score versions after the first (refinements, re-scores,
//! overrides) and of changes to how a job's applications are scored.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use pvara_domain::application::Candidate;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::Job;
use pvara_domain::status::Status;
use serde::{Deserialize, Serialize};

use super::{OutboxMessage, ScoreRecord};

/// What the scorer needs for one application.
#[derive(Debug, Clone)]
pub struct ScoringInput {
    pub application_id: ApplicationId,
    pub status: Status,
    /// The score stored now, if any.
    pub score: Option<ScoreRecord>,
    /// Shared by the inputs of one job in a batch, and by the copies the scorers take.
    pub job: Arc<Job>,
    pub candidate: Candidate,
    /// The application was erased (its personal fields blanked): no worker scores it again.
    pub erased: bool,
}

impl ScoringInput {
    /// The stored score, if a worker may put a new one in its place
    /// ([`pvara_domain::scoring::may_replace`]).
    pub fn replaceable_score(&self) -> Option<&ScoreRecord> {
        self.score
            .as_ref()
            .filter(|s| pvara_domain::scoring::may_replace(self.status, self.erased, &s.version()))
    }
}

/// The jobs of one batch of [`ScoringInput`]s, each parsed from its row once (its requirements
/// are JSON) and shared by the inputs that apply to it; both engines read a batch through it.
#[derive(Debug, Default)]
pub(crate) struct BatchJobs(HashMap<JobId, Arc<Job>>);

impl BatchJobs {
    /// The job `id`, parsed by `parse` the first time the batch meets it.
    pub(crate) fn get<E>(
        &mut self,
        id: JobId,
        parse: impl FnOnce() -> Result<Job, E>,
    ) -> Result<Arc<Job>, E> {
        match self.0.entry(id) {
            Entry::Occupied(known) => Ok(Arc::clone(known.get())),
            Entry::Vacant(new) => Ok(Arc::clone(new.insert(Arc::new(parse()?)))),
        }
    }
}

/// A new version of an application's score that leaves its status as it is (a refinement by the
/// semantic model, a re-score under a new rubric, a recruiter's override): applied only while the stored score is still by `replaces`, so a redelivered
/// event, or a second worker racing the first, changes nothing. Its score history row and events
/// are written only if it is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Rescore {
    pub application_id: ApplicationId,
    /// The scorer version of the score this one replaces.
    pub replaces: String,
    /// The total of the score this one replaces, for the history.
    pub previous_total: u8,
    pub score: ScoreRecord,
    /// `system:<worker>`, or a user id.
    pub actor: String,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub messages: Vec<OutboxMessage>,
}

/// A change to how a job's applications are scored (a new rubric, scoring paused or resumed),
/// written with one event per application of the job in `applications_in` in one transaction, so
/// that no application the change concerns is left without the event that acts on it.
#[derive(Debug, Clone)]
pub struct ScoringChange {
    pub job_id: JobId,
    /// The rubric version the change was made from: it applies only while that is still the
    /// job's, so a second editor's concurrent change is refused rather than overwritten.
    pub replaces: u32,
    /// The job's requirements after the change.
    pub requirements: pvara_domain::job::Requirements,
    /// The statuses of the applications that get an event.
    pub applications_in: Vec<Status>,
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    /// What each such application's event asks for.
    pub effect: ScoringEffect,
}

/// What a scoring change asks of the applications it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoringEffect {
    /// Score them again under the new rubric (`rescore-requested`).
    Rescore,
    /// Hand them to the scorer as their submission did (`application-submitted`), when a
    /// paused job resumes.
    Resubmit,
}

impl ScoringChange {
    /// The event the store writes for `application` in the change's transaction.
    pub fn event_for(&self, application: ApplicationId) -> Result<OutboxMessage, crate::StoreError> {
        use pvara_domain::event::{Event, RescoreRequested, StatusChanged};
        let event = match self.effect {
            ScoringEffect::Rescore => Event::RescoreRequested(RescoreRequested {
                application_id: application,
                job_id: self.job_id,
                rubric_version: self.requirements.rubric.version,
            }),
            ScoringEffect::Resubmit => Event::ApplicationSubmitted(StatusChanged {
                application_id: application,
                job_id: self.job_id,
                status: Status::Submitted,
            }),
        };
        crate::outbox::one_message(
            event,
            crate::outbox::SOURCE_API,
            self.request_id.as_deref(),
            self.at,
        )
    }
}

/// The statuses of applications still being sifted: a rubric change re-scores these.
pub fn open_statuses() -> Vec<Status> {
    Status::ALL.into_iter().filter(|s| s.is_sifting()).collect()
}

/// How far a job's re-scoring has come: open applications scored with the current rubric.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RescoreProgress {
    pub rubric_version: u32,
    /// Open, scored applications.
    pub open: u64,
    /// Of those, the ones whose score is by the current rubric, or was set by a person (a new
    /// rubric does not replace it).
    pub current: u64,
}

/// One change of an application's score after its first, as its history shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreChange {
    pub previous: u8,
    pub total: u8,
    pub scorer_version: String,
    pub actor: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}
