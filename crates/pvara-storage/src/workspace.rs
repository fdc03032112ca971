//! The [`Accounts`], [`AccountTokens`], [`Workspace`] and [`Audit`] traits: what the web portal and staff tools need beyond the
//! pipeline's own writes. Supertraits of [`Store`](crate::Store), so every engine has them and
//! callers hold one `Arc<dyn Store>`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::equality::Answers;
use pvara_domain::ids::{ApplicationId, JobId, TokenId, UserId};
use pvara_domain::job::{Job, JobEdit};
use pvara_domain::language::Language;
use pvara_domain::report::History;

use crate::error::StoreError;
use crate::model::{
    AccountMailContext, AccountTokenRecord, AuditEntry, AuditQuery, CvFile, NewAccountToken, NewNote,
    NewSession, Note, OwnApplication, Redemption, SessionRecord, StatusCount, UserRecord,
};

/// Whose equality answers to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswersOf {
    Job(JobId),
    Application(ApplicationId),
}

/// Users and browser sessions.
#[async_trait]
pub trait Accounts: Send + Sync + 'static {
    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError>;
    /// Everyone who works here (recruiters, hiring managers, interviewers, admins), active or
    /// not, by e-mail.
    async fn staff_users(&self) -> Result<Vec<UserRecord>, StoreError>;
    /// Deactivates the user and ends every session of theirs in one transaction.
    /// `NotFound("user")` when there is no such user.
    async fn deactivate_user(&self, id: UserId, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// A person's new name for their account (applications keep the name they were made
    /// with). `NotFound("user")`.
    async fn rename_user(&self, id: UserId, full_name: &str) -> Result<(), StoreError>;
    /// The language of a person's pages and mail. `NotFound("user")`.
    async fn set_language(&self, id: UserId, language: Language) -> Result<(), StoreError>;
    /// A new password (its PHC hash), set as a reset sets it: every session ends, tokens issued
    /// before `at` stop working and unspent reset links are spent. `NotFound("user")`.
    async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Stores a session; sessions expired before `session.created_at` are swept on the way.
    async fn create_session(&self, session: NewSession) -> Result<(), StoreError>;
    /// The session whose token hashes to `id_hash`, if it has not expired at `now`.
    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>, StoreError>;
    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;
    /// Erases a person in one transaction: every personal field of the account and of its
    /// applications is replaced, their CV files, staff notes and the free text of their history
    /// are removed, their sessions end and the account can no longer sign in. Ids, statuses,
    /// scores and times stay, so counts, events and the audit trail still add up. Returns the
    /// erased applications. `NotFound("user")` when there is no such user.
    async fn erase_user(&self, id: UserId, at: DateTime<Utc>) -> Result<Vec<ApplicationId>, StoreError>;
    /// Everyone erased, oldest first: the ledger a restore of an older backup replays.
    async fn erased_users(&self) -> Result<Vec<(UserId, DateTime<Utc>)>, StoreError>;
}

/// Single-use tokens mailed to people: address verification and password reset.
#[async_trait]
pub trait AccountTokens: Send + Sync + 'static {
    /// Stores the token and its mail event in one transaction. `NotFound("user")`.
    async fn issue_token(&self, token: NewAccountToken) -> Result<(), StoreError>;
    async fn account_token(&self, id: TokenId) -> Result<Option<AccountTokenRecord>, StoreError>;
    /// Spends the token, if it is unused and unexpired at `at`, and does what it was for, in one
    /// transaction; a second redemption finds it spent. Returns its user, or `None` when the
    /// token cannot be redeemed.
    async fn redeem_token(
        &self,
        id: TokenId,
        at: DateTime<Utc>,
        redemption: Redemption,
    ) -> Result<Option<UserId>, StoreError>;
    /// Marks the address of the user with this e-mail as verified (an operator vouching for it).
    /// `NotFound("user")`.
    async fn verify_email(&self, email: &str, at: DateTime<Utc>) -> Result<UserId, StoreError>;
    /// The tokens and recipients of account mails, in the order asked; `None` for unknown ids.
    async fn account_mail_contexts(
        &self,
        ids: &[TokenId],
    ) -> Result<Vec<Option<AccountMailContext>>, StoreError>;
}

/// Jobs, counts, files and notes as the workspace shows them.
#[async_trait]
pub trait Workspace: Send + Sync + 'static {
    /// Every job, open or closed, newest first.
    async fn all_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError>;
    /// Closes the job at `at` (a job closing later is brought forward). `NotFound("job")`.
    async fn close_job(&self, id: JobId, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Changes a job's wording, place, closing date and vacancies (a later closing date reopens
    /// a closed job). `NotFound("job")` when there is no such job.
    async fn edit_job(&self, id: JobId, edit: JobEdit) -> Result<(), StoreError>;
    /// Applications per job and status, for `jobs` (every job when empty); zero counts omitted.
    async fn status_counts(&self, jobs: &[JobId]) -> Result<Vec<StatusCount>, StoreError>;
    /// What the reports read of each application of `job`: its status history (oldest first) and
    /// the machine's score (of an overridden one, its
    /// [`pvara_domain::scoring::MACHINE_TOTAL_PATH`]).
    async fn job_histories(&self, job: JobId) -> Result<Vec<History>, StoreError>;
    /// Equality answers: of every application to a job, for the aggregate impact report; or of
    /// one application, for its candidate's own data export. Nothing else reads them.
    async fn equality_answers(&self, of: AnswersOf) -> Result<Vec<(ApplicationId, Answers)>, StoreError>;
    /// An applicant's own applications, newest first.
    async fn applications_of(&self, applicant: UserId) -> Result<Vec<OwnApplication>, StoreError>;
    async fn cv_file(&self, application: ApplicationId) -> Result<Option<CvFile>, StoreError>;
    /// Anonymises (as an erasure does) up to `limit` applications whose job closed before
    /// `closed_before`: the retention period. Returns how many; 0 when none are left.
    async fn retire_applications(
        &self,
        closed_before: DateTime<Utc>,
        at: DateTime<Utc>,
        limit: u32,
    ) -> Result<usize, StoreError>;
    /// `NotFound("application")` when there is no such application.
    async fn add_note(&self, note: NewNote) -> Result<(), StoreError>;
    async fn notes(&self, application: ApplicationId) -> Result<Vec<Note>, StoreError>;
}

/// The audit trail: who did what to which record, and when. Append-only, and holding ids only,
/// so it answers "who looked at my data?" without becoming a second copy of the data.
#[async_trait]
pub trait Audit: Send + Sync + 'static {
    async fn record_audit(&self, entry: AuditEntry) -> Result<(), StoreError>;
    /// Entries matching `query`, oldest first.
    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}
