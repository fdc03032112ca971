//! The [`Store`] trait: every durable state change of pvara, each with its events.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::application::NewApplication;
use pvara_domain::ids::{ApplicationId, EventId, JobId, UserId};
use pvara_domain::job::Job;
use pvara_domain::status::Status;
use tokio::sync::watch;

use crate::error::StoreError;
use crate::log::Publisher;
use crate::model::{
    ApplicationQuery, ApplicationRecord, ApplicationSummary, Applied, Counts, Delivery, MailContext, NewUser,
    OutboxBacklog, OutboxMessage, RescoreProgress, ScoringChange, ScoringInput, Submission, Transition,
    UserRecord, WorkBatch, WriteStats,
};
use crate::workspace::{AccountTokens, Accounts, Audit, Workspace};

/// The system of record. Methods that change state take the events the change causes and write
/// them to the outbox in the same transaction: either both are durable or neither is.
#[async_trait]
pub trait Store:
    Accounts
    + AccountTokens
    + Workspace
    + Audit
    + crate::panel::Panels
    + crate::drafts::Drafts
    + crate::merit::Merit
    + crate::imports::Imports
    + Send
    + Sync
    + 'static
{
    /// Fails with `Conflict("user")` when the e-mail is taken.
    async fn create_user(&self, user: NewUser) -> Result<(), StoreError>;
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError>;

    async fn create_job(&self, job: Job) -> Result<(), StoreError>;
    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError>;
    /// Changes how a job's applications are scored (its rubric, its pause) and writes an event
    /// for each application the change concerns, in one transaction; returns how many.
    /// `Changed` if the rubric changed meanwhile, `NotFound` for no such job.
    async fn change_scoring(&self, change: ScoringChange) -> Result<u64, StoreError>;
    /// How many of the job's open, scored applications have a score by rubric `version`.
    async fn rescore_progress(&self, job: JobId, version: u32) -> Result<RescoreProgress, StoreError>;
    /// Jobs with open applications whose machine score was made by other rules than `rules`
    /// (older ones, after an upgrade changed them): the jobs to score again.
    async fn jobs_scored_by_other_rules(&self, rules: &str) -> Result<Vec<JobId>, StoreError>;
    /// Jobs still taking applications at `now`, newest first.
    async fn open_jobs(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Job>, StoreError>;

    /// Stores the application, its first history entry, its CV file and its messages, and counts
    /// it. Fails with `Conflict("application")` on a second application of the same applicant to
    /// the same job, `NotFound("job")` when the job does not exist and `Closed("job")` when it no
    /// longer takes applications at the submission time.
    async fn submit(&self, submission: Submission) -> Result<(), StoreError>;

    /// [`Store::submit`] without a file.
    async fn submit_application(
        &self,
        application: NewApplication,
        messages: Vec<OutboxMessage>,
    ) -> Result<(), StoreError> {
        self.submit(Submission {
            application,
            cv: None,
            messages,
            equality: Default::default(),
            declaration: None,
        })
        .await
    }

    async fn application(&self, id: ApplicationId) -> Result<Option<ApplicationRecord>, StoreError>;
    /// The application a short reference names, for a helpdesk that has only the reference.
    async fn application_by_reference(
        &self,
        reference: &pvara_domain::reference::Reference,
    ) -> Result<Option<ApplicationId>, StoreError>;
    /// The owner of an application, for authorisation without loading the CV.
    async fn application_owner(
        &self,
        id: ApplicationId,
    ) -> Result<Option<(UserId, JobId, Status)>, StoreError>;
    async fn list_applications(
        &self,
        query: &ApplicationQuery,
    ) -> Result<Vec<ApplicationSummary>, StoreError>;

    /// Applies one status change; `StaleStatus` when the application is no longer in `from`,
    /// `NotFound("application")` when it does not exist.
    async fn transition(&self, transition: Transition) -> Result<(), StoreError>;

    /// Commits a worker's batch in one transaction. Returns, per transition and per rescore,
    /// whether it applied (false: the application had already moved on, or its score had been
    /// replaced, e.g. by a redelivered event).
    async fn apply_batch(&self, batch: WorkBatch) -> Result<Applied, StoreError>;

    async fn scoring_inputs(&self, ids: &[ApplicationId]) -> Result<Vec<ScoringInput>, StoreError>;
    /// Mail contexts for (application, status-the-mail-is-about) pairs, in the same order; `None`
    /// for an application that no longer exists.
    async fn mail_contexts(
        &self,
        wanted: &[(ApplicationId, Status)],
    ) -> Result<Vec<Option<MailContext>>, StoreError>;
    /// Which of `events` already had their mail delivered.
    async fn delivered(&self, events: &[EventId]) -> Result<Vec<EventId>, StoreError>;
    /// The mail recorded for one application, delivered or refused, oldest first.
    async fn deliveries(&self, application: ApplicationId) -> Result<Vec<Delivery>, StoreError>;

    /// Hands up to `max` of the oldest outbox rows to `publisher` and deletes them once it has
    /// them durably. Rows stay if publishing fails (at-least-once; consumers are idempotent).
    /// Several relays may call this at once; each key's rows keep their order. Returns how many
    /// rows were published.
    async fn relay_outbox(&self, max: usize, publisher: &dyn Publisher) -> Result<usize, StoreError>;

    async fn counts(&self) -> Result<Counts, StoreError>;
    /// Succeeds when the database answers a query.
    /// Rows waiting for the relay and the time the oldest was written; cheap enough to call on
    /// every metrics scrape.
    async fn outbox_backlog(&self) -> Result<OutboxBacklog, StoreError>;
    /// Commits and rows written. SQLite counts this process's writer; PostgreSQL reports the
    /// database's own statistics (every process, read-only transactions included).
    async fn write_stats(&self) -> Result<WriteStats, StoreError>;
    async fn ping(&self) -> Result<(), StoreError>;

    /// Changes whenever this process commits outbox rows, so the relay need not poll hard.
    fn outbox_signal(&self) -> watch::Receiver<u64>;
}
