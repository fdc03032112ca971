//! The use cases: one function each, called by the JSON API and the web pages alike, so that no
//! rule is written twice and pages never call the API over HTTP. Each takes the caller as an
//! [`Actor`] and checks identity and role before anything else.
//!
//! # Layout
//! - [`accounts`]: registration, sign-in, staff creation and deactivation.
//! - [`applications`]: submitting (with an optional CV file), pipeline steps one at a time or in
//!   bulk, withdrawal and notes.
//! - [`audit`]: the audit trail every use case writes to.
//! - [`privacy`]: a person's export and erasure.
//! - [`jobs`]: posting and closing jobs, their rubrics, and the job board's search.
//! - [`dead_letters`]: listing and replaying the records workers set aside.
//! - [`reports`]: a job's funnel, adverse-impact and scorer reports, from its applications'
//!   histories (and, for the impact report alone, its equality answers).
//! - [`scores`]: a recruiter's score in place of the machine's.
//! - [`verification`]: verified addresses and password reset, by single-use links in mail.

pub mod accounts;
pub mod applications;
pub mod audit;
pub mod dead_letters;
pub mod jobs;
pub mod privacy;
pub mod reports;
pub mod scores;
pub mod verification;

use pvara_domain::ValidationError;
use pvara_domain::ids::UserId;
use pvara_domain::user::Role;
use pvara_storage::StoreError;

/// Who is acting: from a Bearer token or a browser session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub role: Role,
}

impl Actor {
    /// How the actor appears in the audit trail: their user id, or `operator` for the command
    /// line (which acts as the nil user).
    pub fn audit_name(&self) -> String {
        if self.id.0.is_nil() {
            "operator".to_owned()
        } else {
            self.id.to_string()
        }
    }

    pub fn require_staff(&self) -> Result<(), Error> {
        if self.role.is_staff() {
            Ok(())
        } else {
            Err(Error::Forbidden("only recruiters and admins may do this"))
        }
    }

    pub fn require_admin(&self) -> Result<(), Error> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(Error::Forbidden("only admins may do this"))
        }
    }

    pub fn require_applicant(&self) -> Result<(), Error> {
        if self.role == Role::Applicant {
            Ok(())
        } else {
            Err(Error::Forbidden("only applicants may apply"))
        }
    }
}

/// Why a use case refused or failed. The API turns it into its JSON error, a page into an error
/// summary; [`Error::Store`] and [`Error::Internal`] become 5xx and are logged whole there.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A rule of the pipeline refused: a duplicate, a step the lifecycle does not allow.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        field: Option<&'static str>,
    },
    /// The input names something that cannot take it (an unknown or closed job).
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        message: String,
        field: Option<&'static str>,
    },
    /// The account's e-mail address is not verified yet, and this needs it.
    #[error("verify your e-mail address first: follow the link we sent you, or ask for a new one")]
    Unverified,
    /// The scorers are too far behind to take more now (backpressure): try again later.
    #[error(
        "we are receiving more applications than we can assess right now; try again in {retry_after_secs} seconds"
    )]
    Overloaded { retry_after_secs: u64 },
    /// Too many attempts: try again after `retry_after_secs`.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn conflict(code: &'static str, message: impl Into<String>, field: Option<&'static str>) -> Self {
        Error::Conflict {
            code,
            message: message.into(),
            field,
        }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>, field: &'static str) -> Self {
        Error::Unprocessable {
            code,
            message: message.into(),
            field: Some(field),
        }
    }

    /// The request field at fault, if any: pages put the message beside that field.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid(e) => Some(e.field),
            Error::Conflict { field, .. } | Error::Unprocessable { field, .. } => *field,
            _ => None,
        }
    }
}

impl From<crate::throttle::Refused> for Error {
    fn from(refused: crate::throttle::Refused) -> Self {
        Error::Throttled {
            retry_after_secs: refused.retry_after.as_secs().max(1),
        }
    }
}

impl From<crate::backpressure::Shed> for Error {
    fn from(shed: crate::backpressure::Shed) -> Self {
        Error::Overloaded {
            retry_after_secs: shed.retry_after.as_secs().max(1),
        }
    }
}

impl From<crate::auth::AuthError> for Error {
    fn from(error: crate::auth::AuthError) -> Self {
        match error {
            crate::auth::AuthError::Busy => Error::Throttled { retry_after_secs: 1 },
            other => Error::Internal(crate::ErrorChain(&other).to_string()),
        }
    }
}

/// Where a request comes from: the client's address, for per-address limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub address: std::net::IpAddr,
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Error::Internal(format!("cannot encode an event: {error}"))
    }
}
