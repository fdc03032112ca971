//! Errors of the storage layer. Engine errors are carried as text or boxed sources so that no
//! engine's types leak into the traits.

/// What [`StoreError::Conflict`] names when a new application's short reference is already
/// taken: the caller draws another and submits again.
pub const REFERENCE_TAKEN: &str = "reference";

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule refused the write (duplicate e-mail, second application to a job).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A referenced row does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The referenced row no longer takes this write (a closed job).
    #[error("{0} is closed")]
    Closed(&'static str),
    /// A conditional status change found another status: someone acted first.
    #[error("the application's status changed concurrently")]
    StaleStatus,
    /// A conditional write found the record changed since it was read (a job's rubric edited by
    /// someone else).
    #[error("the {0} changed concurrently")]
    Changed(&'static str),
    /// The database cannot be reached or is shutting down; worth retrying later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Stored data that does not parse: a bug or a manual edit.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    #[error("invalid storage configuration: {0}")]
    Config(String),
    #[error("database error")]
    Backend(#[source] BoxError),
    #[error(transparent)]
    Log(#[from] LogError),
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("unknown topic {0}")]
    UnknownTopic(String),
    #[error("consumer group {0} has active members; stop them first")]
    GroupActive(String),
    #[error("event log unavailable: {0}")]
    Unavailable(String),
    #[error("event log error")]
    Backend(#[source] BoxError),
}
