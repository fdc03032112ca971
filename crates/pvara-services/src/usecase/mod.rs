//! The use cases: one function each, called by the JSON API and the web pages alike, so that no
//! rule is written twice and pages never call the API over HTTP. Each takes the caller as an
//! [`Actor`] and checks identity and role before anything else.
//!
//! # Layout
//! - [`accounts`]: registration, sign-in, staff creation and deactivation.
//! - [`applications`]: submitting (with an optional CV file), pipeline steps one at a time or in
//!   bulk, withdrawal and notes.
//! - [`audit`]: the audit trail every use case writes to.
//! - [`drafts`]: the apply page's draft between the form and "Check your answers".
//! - [`import`]: accounts, jobs and applications from another system, old ids mapped.
//! - [`privacy`]: a person's export and erasure.
//! - [`references`]: applications' short references, drawn and looked up.
//! - [`offers`]: the offer an application was made, answers refused after its expiry, and the
//!   expiry itself (the answers are steps like any other).
//! - [`panel`]: who may see and decide on a candidate (hiring managers, interview panels),
//!   panels of users and their scorecards, read independently.
//! - [`jobs`]: posting and closing jobs, their rubrics, and the job board's search.
//! - [`merit`]: national recruitment: rules, eligibility on the closing date, marks, merit
//!   lists approved by two people, public results and representations.
//! - [`dead_letters`]: listing and replaying the records workers set aside.
//! - [`reports`]: a job's funnel, adverse-impact and scorer reports, from its applications'
//!   histories (and, for the impact report alone, its equality answers).
//! - [`scores`]: a recruiter's score in place of the machine's.
//! - [`settings`]: a person's own name and password.
//! - [`verification`]: verified addresses and password reset, by single-use links in mail.

pub mod accounts;
pub mod applications;
pub mod audit;
pub mod dead_letters;
pub mod drafts;
pub mod import;
pub mod jobs;
pub mod merit;
pub mod offers;
pub mod panel;
pub mod privacy;
pub mod references;
pub mod reports;
pub mod scores;
pub mod settings;
pub mod verification;

use pvara_domain::ValidationError;
use pvara_storage::StoreError;

pub use crate::auth::Actor;

/// Why a use case refused or failed. The API turns it into its JSON error, a page into an error
/// summary; [`Error::Store`] and [`Error::Internal`] become 5xx and are logged whole there.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Every problem of a form at once, in its order (never empty): a page lists them all, the
    /// API's one error names the first.
    #[error("{}", .0.first().map(ToString::to_string).unwrap_or_default())]
    Problems(Vec<ValidationError>),
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
    /// The CV file gave so little text for its pages that the candidate should see it before
    /// being scored on it (the page shows `text` in the CV text box).
    #[error(
        "we could read only {words} words from your CV file ({}): check what we read in CV text, add what is missing, and submit again",
        pages_in_words(*.pages)
    )]
    ReadLittle {
        words: usize,
        pages: u32,
        text: String,
        /// The form's other problems, reported with this one.
        others: Vec<ValidationError>,
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

/// What kind of refusal or failure an [`Error`] is: the one classification both front ends read,
/// so that the API's status code and the page a person sees never disagree (a rubric changed by
/// someone else is a 409 and "reload it" on both, not a 409 on one and a 500 on the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A field breaks a rule (422, beside the field on a page).
    Invalid,
    /// The caller's role does not allow it (403).
    Forbidden,
    /// No such thing, or not the caller's (404).
    NotFound,
    /// A rule of the pipeline, a duplicate, or a change by someone else meanwhile (409).
    Conflict,
    /// The input names something that cannot take it (422).
    Unprocessable,
    /// The account's address is not verified yet (403).
    Unverified,
    /// Too many attempts (429, with when to come back).
    Throttled,
    /// The service sheds load or a dependency is down: try again (503).
    Unavailable,
    /// A fault of pvara's: logged whole, never shown (500).
    Internal,
}

impl Error {
    /// The one classification of this error.
    pub fn kind(&self) -> Kind {
        match self {
            Error::Invalid(_) | Error::Problems(_) => Kind::Invalid,
            Error::Forbidden(_) => Kind::Forbidden,
            Error::NotFound(_) => Kind::NotFound,
            Error::Conflict { .. } => Kind::Conflict,
            Error::Unprocessable { .. } | Error::ReadLittle { .. } => Kind::Unprocessable,
            Error::Unverified => Kind::Unverified,
            Error::Throttled { .. } => Kind::Throttled,
            Error::Overloaded { .. } => Kind::Unavailable,
            Error::Store(store) => match store {
                StoreError::Conflict(_)
                | StoreError::StaleStatus
                | StoreError::Changed(_)
                | StoreError::Closed(_) => Kind::Conflict,
                StoreError::NotFound(_) => Kind::NotFound,
                StoreError::Unavailable(_) | StoreError::Log(pvara_storage::LogError::Unavailable(_)) => {
                    Kind::Unavailable
                }
                _ => Kind::Internal,
            },
            Error::Internal(_) => Kind::Internal,
        }
    }

    /// What a person is told, in words: the error's own message for a refusal; a fault's cause
    /// is never shown (it is logged by the front end that meets it).
    pub fn public_message(&self) -> String {
        match self {
            Error::Invalid(invalid) => invalid.message.clone(),
            Error::Problems(all) => all.first().map(|p| p.message.clone()).unwrap_or_default(),
            Error::Store(StoreError::Conflict(what)) => format!("{what} already exists"),
            Error::Store(StoreError::StaleStatus) => {
                "the application's status changed meanwhile; reload it".to_owned()
            }
            Error::Store(StoreError::Changed(what)) => {
                format!("the {what} changed meanwhile; reload it and try again")
            }
            Error::Store(StoreError::Closed(what)) => format!("the {what} is closed"),
            Error::Store(StoreError::NotFound(what)) => format!("{what} not found"),
            Error::Store(_) | Error::Internal(_) => match self.kind() {
                Kind::Unavailable => {
                    "the service is temporarily unavailable; try again in a few minutes".to_owned()
                }
                _ => "internal error".to_owned(),
            },
            other => other.to_string(),
        }
    }

    /// A short code for the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) | Error::Problems(_) => "validation_failed",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) | Error::Store(StoreError::NotFound(_)) => "not_found",
            Error::Conflict { code, .. } | Error::Unprocessable { code, .. } => code,
            Error::ReadLittle { .. } => "cv_read_little",
            Error::Unverified => "email_unverified",
            Error::Throttled { .. } => "too_many_requests",
            Error::Overloaded { .. } => "overloaded",
            Error::Store(StoreError::Conflict(_)) => "conflict",
            Error::Store(StoreError::StaleStatus) => "invalid_transition",
            Error::Store(StoreError::Changed(_)) => "stale",
            Error::Store(StoreError::Closed(_)) => "closed",
            Error::Store(_) | Error::Internal(_) => match self.kind() {
                Kind::Unavailable => "unavailable",
                _ => "internal",
            },
        }
    }

    /// Seconds to wait before trying again, for the refusals that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::Throttled { retry_after_secs } | Error::Overloaded { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

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
            Error::Problems(all) => all.first().map(|p| p.field),
            Error::Conflict { field, .. } | Error::Unprocessable { field, .. } => *field,
            Error::ReadLittle { .. } => Some("cv"),
            _ => None,
        }
    }
}

/// "1 page", "3 pages".
fn pages_in_words(pages: u32) -> String {
    if pages == 1 {
        "1 page".to_owned()
    } else {
        format!("{pages} pages")
    }
}

impl From<crate::cv::Refusal> for Error {
    fn from(refusal: crate::cv::Refusal) -> Self {
        use crate::cv::Refusal;
        match refusal {
            Refusal::Busy => Error::Overloaded { retry_after_secs: 5 },
            Refusal::Broken(why) => Error::Internal(why),
            other => ValidationError::new("cv", other.to_string()).into(),
        }
    }
}

impl From<crate::auth::Forbidden> for Error {
    fn from(forbidden: crate::auth::Forbidden) -> Self {
        Error::Forbidden(forbidden.0)
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

/// Where a request comes from: the client's address, for per-address limits, and the language
/// it reads (a new account keeps it for its mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub address: std::net::IpAddr,
    pub language: pvara_domain::language::Language,
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Error::Internal(format!("cannot encode an event: {error}"))
    }
}
