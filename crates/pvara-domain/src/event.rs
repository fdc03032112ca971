//! What travels on the event log: topics, typed events and their CloudEvents 1.0 envelope.
//!
//! Records use the CloudEvents *binary content mode* on every log engine: attributes are record
//! headers (`ce_id`, `ce_type`, ...) and the record value is the JSON `data`. That is the Kafka
//! protocol binding, so the embedded log and Kafka carry byte-identical records and a plain Kafka
//! consumer can read pvara's topics. Decoding also accepts structured mode (one JSON object).
//!
//! Payloads carry ids, statuses and scores only. Names, addresses and CV text stay in the
//! database, so erasing a person never means rewriting the log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ApplicationId, EventId, JobId, TokenId, UserId};
use crate::status::Status;

/// The topics of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    ApplicationSubmitted,
    AiScoringComplete,
    AiScoringFailed,
    TestInvited,
    InterviewScheduled,
    OfferExtended,
    OfferAccepted,
    OfferDeclined,
    OfferWithdrawn,
    OfferExpired,
    CandidateHired,
    ApplicationWithdrawn,
    EmailNotification,
    ScoreRefined,
    RescoreRequested,
}

impl Topic {
    pub const ALL: [Topic; 15] = [
        Topic::ApplicationSubmitted,
        Topic::AiScoringComplete,
        Topic::AiScoringFailed,
        Topic::TestInvited,
        Topic::InterviewScheduled,
        Topic::OfferExtended,
        Topic::OfferAccepted,
        Topic::OfferDeclined,
        Topic::OfferWithdrawn,
        Topic::OfferExpired,
        Topic::CandidateHired,
        Topic::ApplicationWithdrawn,
        Topic::EmailNotification,
        Topic::ScoreRefined,
        Topic::RescoreRequested,
    ];

    /// Topics a pvara worker consumes; each has a dead-letter topic.
    pub const CONSUMED: [Topic; 4] = [
        Topic::ApplicationSubmitted,
        Topic::EmailNotification,
        Topic::AiScoringComplete,
        Topic::RescoreRequested,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Topic::ApplicationSubmitted => "application-submitted",
            Topic::AiScoringComplete => "ai-scoring-complete",
            Topic::AiScoringFailed => "ai-scoring-failed",
            Topic::TestInvited => "test-invited",
            Topic::InterviewScheduled => "interview-scheduled",
            Topic::OfferExtended => "offer-extended",
            Topic::OfferAccepted => "offer-accepted",
            Topic::OfferDeclined => "offer-declined",
            Topic::OfferWithdrawn => "offer-withdrawn",
            Topic::OfferExpired => "offer-expired",
            Topic::CandidateHired => "candidate-hired",
            Topic::ApplicationWithdrawn => "application-withdrawn",
            Topic::EmailNotification => "email-notification",
            Topic::ScoreRefined => "score-refined",
            Topic::RescoreRequested => "rescore-requested",
        }
    }

    pub fn dead_letter_name(self) -> String {
        dead_letter_topic(self.name())
    }
}

/// A consumer group of pvara's workers: its name on the log, the topic it reads and the role
/// (`pvara worker <role>`, and the SQLite lock file `pvara-<role>.lock`) that runs its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub name: &'static str,
    pub topic: Topic,
    pub role: &'static str,
}

pub const SCORING_GROUP: Group = Group {
    name: "pvara-scoring",
    topic: Topic::ApplicationSubmitted,
    role: "scoring",
};

pub const NOTIFY_GROUP: Group = Group {
    name: "pvara-notify",
    topic: Topic::EmailNotification,
    role: "notify",
};

/// Refines rules scores with the sentence-embedding model; runs only where a model is configured.
pub const SEMANTIC_GROUP: Group = Group {
    name: "pvara-semantic",
    topic: Topic::AiScoringComplete,
    role: "semantic",
};

/// Re-scores applications after their job's rubric changed; run by the scoring role.
pub const RESCORE_GROUP: Group = Group {
    name: "pvara-rescore",
    topic: Topic::RescoreRequested,
    role: "scoring",
};

/// Every group, in one place: the workers, the operator commands and the Kafka engine's owner
/// listing all read it here.
pub const GROUPS: [Group; 4] = [SCORING_GROUP, NOTIFY_GROUP, SEMANTIC_GROUP, RESCORE_GROUP];

impl Group {
    pub fn named(name: &str) -> Option<Group> {
        GROUPS.into_iter().find(|g| g.name == name)
    }
}

/// The dead-letter topic of any topic.
pub fn dead_letter_topic(topic: &str) -> String {
    format!("{topic}.dlq")
}

/// Every topic pvara needs on a log: the pipeline's, plus a dead-letter topic per consumed topic.
pub fn all_topic_names() -> Vec<String> {
    let mut names: Vec<String> = Topic::ALL.iter().map(|t| t.name().to_owned()).collect();
    names.extend(Topic::CONSUMED.iter().map(|t| t.dead_letter_name()));
    names
}

/// Which e-mail a notification asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MailTemplate {
    ApplicationReceived,
    UnderReview,
    TestInvitation,
    Interview,
    Offer,
    Rejection,
    Withdrawal,
    OfferAccepted,
    OfferDeclined,
    OfferWithdrawn,
    OfferExpired,
    Hired,
    /// To each member of an interview's panel, with the calendar invitation.
    PanelInvitation,
    /// A merit list with the candidate's result was published (national recruitment).
    MeritPublished,
    /// The candidate's representation against a merit list was decided.
    RepresentationDecided,
}

impl MailTemplate {
    pub const ALL: [MailTemplate; 15] = [
        MailTemplate::ApplicationReceived,
        MailTemplate::UnderReview,
        MailTemplate::TestInvitation,
        MailTemplate::Interview,
        MailTemplate::Offer,
        MailTemplate::Rejection,
        MailTemplate::Withdrawal,
        MailTemplate::OfferAccepted,
        MailTemplate::OfferDeclined,
        MailTemplate::OfferWithdrawn,
        MailTemplate::OfferExpired,
        MailTemplate::Hired,
        MailTemplate::PanelInvitation,
        MailTemplate::MeritPublished,
        MailTemplate::RepresentationDecided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailTemplate::ApplicationReceived => "applicationReceived",
            MailTemplate::UnderReview => "underReview",
            MailTemplate::TestInvitation => "testInvitation",
            MailTemplate::Interview => "interview",
            MailTemplate::Offer => "offer",
            MailTemplate::Rejection => "rejection",
            MailTemplate::Withdrawal => "withdrawal",
            MailTemplate::OfferAccepted => "offerAccepted",
            MailTemplate::OfferDeclined => "offerDeclined",
            MailTemplate::OfferWithdrawn => "offerWithdrawn",
            MailTemplate::OfferExpired => "offerExpired",
            MailTemplate::Hired => "hired",
            MailTemplate::PanelInvitation => "panelInvitation",
            MailTemplate::MeritPublished => "meritPublished",
            MailTemplate::RepresentationDecided => "representationDecided",
        }
    }

    /// The status whose history entry holds this mail's details (deadline, place, salary, reason).
    /// Each status is entered at most once, so the pair (application, status) finds one entry.
    pub fn status(self) -> Status {
        match self {
            MailTemplate::ApplicationReceived => Status::Submitted,
            MailTemplate::UnderReview => Status::UnderReview,
            MailTemplate::TestInvitation => Status::TestInvited,
            MailTemplate::Interview => Status::InterviewScheduled,
            MailTemplate::Offer => Status::OfferExtended,
            MailTemplate::Rejection => Status::Rejected,
            MailTemplate::Withdrawal => Status::Withdrawn,
            MailTemplate::OfferAccepted => Status::OfferAccepted,
            MailTemplate::OfferDeclined => Status::OfferDeclined,
            MailTemplate::OfferWithdrawn => Status::OfferWithdrawn,
            MailTemplate::OfferExpired => Status::OfferExpired,
            MailTemplate::Hired => Status::Hired,
            MailTemplate::PanelInvitation => Status::InterviewScheduled,
            // Results are not a status: the mail reads the submission's entry and says where
            // to read the result.
            MailTemplate::MeritPublished | MailTemplate::RepresentationDecided => Status::Submitted,
        }
    }
}

/// Data of events that only say "this application is now in this status".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChanged {
    pub application_id: ApplicationId,
    pub job_id: JobId,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scored {
    pub application_id: ApplicationId,
    pub job_id: JobId,
    pub status: Status,
    pub ai_score: u8,
    pub scorer_version: String,
}

/// The job's rubric changed: this application is to be scored again under `rubric_version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescoreRequested {
    pub application_id: ApplicationId,
    pub job_id: JobId,
    pub rubric_version: u32,
}

/// A score refined by the semantic model: a new score version, the status unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreRefined {
    pub application_id: ApplicationId,
    pub job_id: JobId,
    pub ai_score: u8,
    pub previous_score: u8,
    pub scorer_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoringFailed {
    pub application_id: ApplicationId,
    pub job_id: JobId,
    pub status: Status,
    pub attempts: u32,
    /// A short, code-generated reason; never echoes candidate input.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailRequested {
    pub application_id: ApplicationId,
    pub job_id: JobId,
    pub template: MailTemplate,
    /// The member of the interview panel the mail is for (a user id, as events carry); none
    /// for mail to the candidate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panelist: Option<crate::ids::UserId>,
}

/// Which account mail: each carries a single-use link to the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AccountMail {
    /// "Confirm your e-mail address": sent at registration and on request.
    VerifyEmail,
    /// "Choose a new password": sent on request, to a known address only.
    PasswordReset,
    /// "You already have an account": sent when someone registers a known address, with a link
    /// that chooses a new password (registration answers alike for new and known addresses).
    AlreadyRegistered,
    /// "Confirm your new e-mail address": sent to the new address a person asked to move their
    /// account to; the account moves once the link is followed.
    ChangeEmail,
}

impl AccountMail {
    pub const ALL: [AccountMail; 4] = [
        AccountMail::VerifyEmail,
        AccountMail::PasswordReset,
        AccountMail::AlreadyRegistered,
        AccountMail::ChangeEmail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountMail::VerifyEmail => "verifyEmail",
            AccountMail::PasswordReset => "passwordReset",
            AccountMail::AlreadyRegistered => "alreadyRegistered",
            AccountMail::ChangeEmail => "changeEmail",
        }
    }

    /// Its link chooses a new password (rather than confirming the address).
    pub fn resets_password(self) -> bool {
        matches!(self, AccountMail::PasswordReset | AccountMail::AlreadyRegistered)
    }

    /// How long its link works: short for one that opens the account, two days to confirm an
    /// address.
    pub fn link_ttl(self) -> chrono::Duration {
        if self.resets_password() {
            chrono::Duration::hours(1)
        } else {
            chrono::Duration::hours(48)
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// An account mail to send: the token's id, never the token's secret part, which the notify
/// worker derives (see `pvara_services::auth::links`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountMailRequested {
    pub user_id: UserId,
    pub token_id: TokenId,
    pub purpose: AccountMail,
}

/// Every event pvara emits, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    ApplicationSubmitted(StatusChanged),
    ScoringComplete(Scored),
    ScoringFailed(ScoringFailed),
    ScoreRefined(ScoreRefined),
    RescoreRequested(RescoreRequested),
    TestInvited(StatusChanged),
    InterviewScheduled(StatusChanged),
    OfferExtended(StatusChanged),
    OfferAccepted(StatusChanged),
    OfferDeclined(StatusChanged),
    OfferWithdrawn(StatusChanged),
    OfferExpired(StatusChanged),
    Hired(StatusChanged),
    Withdrawn(StatusChanged),
    EmailRequested(EmailRequested),
    AccountMailRequested(AccountMailRequested),
}

/// The version of every payload schema; bumped with any incompatible change to a payload.
pub const SCHEMA_VERSION: u32 = 1;

impl Event {
    pub fn topic(&self) -> Topic {
        match self {
            Event::ApplicationSubmitted(_) => Topic::ApplicationSubmitted,
            Event::ScoringComplete(_) => Topic::AiScoringComplete,
            Event::ScoringFailed(_) => Topic::AiScoringFailed,
            Event::ScoreRefined(_) => Topic::ScoreRefined,
            Event::RescoreRequested(_) => Topic::RescoreRequested,
            Event::TestInvited(_) => Topic::TestInvited,
            Event::InterviewScheduled(_) => Topic::InterviewScheduled,
            Event::OfferExtended(_) => Topic::OfferExtended,
            Event::OfferAccepted(_) => Topic::OfferAccepted,
            Event::OfferDeclined(_) => Topic::OfferDeclined,
            Event::OfferWithdrawn(_) => Topic::OfferWithdrawn,
            Event::OfferExpired(_) => Topic::OfferExpired,
            Event::Hired(_) => Topic::CandidateHired,
            Event::Withdrawn(_) => Topic::ApplicationWithdrawn,
            Event::EmailRequested(_) | Event::AccountMailRequested(_) => Topic::EmailNotification,
        }
    }

    pub fn event_type(&self) -> &'static str {
        match self {
            Event::ApplicationSubmitted(_) => "pvara.application.submitted",
            Event::ScoringComplete(_) => "pvara.application.scored",
            Event::ScoringFailed(_) => "pvara.application.scoring_failed",
            Event::ScoreRefined(_) => "pvara.application.score_refined",
            Event::RescoreRequested(_) => "pvara.application.rescore_requested",
            Event::TestInvited(_) => "pvara.application.test_invited",
            Event::InterviewScheduled(_) => "pvara.application.interview_scheduled",
            Event::OfferExtended(_) => "pvara.application.offer_extended",
            Event::OfferAccepted(_) => "pvara.application.offer_accepted",
            Event::OfferDeclined(_) => "pvara.application.offer_declined",
            Event::OfferWithdrawn(_) => "pvara.application.offer_withdrawn",
            Event::OfferExpired(_) => "pvara.application.offer_expired",
            Event::Hired(_) => "pvara.application.hired",
            Event::Withdrawn(_) => "pvara.application.withdrawn",
            Event::EmailRequested(_) => "pvara.notification.email_requested",
            Event::AccountMailRequested(_) => "pvara.notification.account_email_requested",
        }
    }

    /// What the event is about: the application, or the user for an account mail. It is the
    /// CloudEvents `subject` and the partitioning key, so one application's events stay in order.
    pub fn subject(&self) -> String {
        match self {
            Event::ApplicationSubmitted(d)
            | Event::TestInvited(d)
            | Event::InterviewScheduled(d)
            | Event::OfferExtended(d)
            | Event::OfferAccepted(d)
            | Event::OfferDeclined(d)
            | Event::OfferWithdrawn(d)
            | Event::OfferExpired(d)
            | Event::Hired(d)
            | Event::Withdrawn(d) => d.application_id.to_string(),
            Event::ScoringComplete(d) => d.application_id.to_string(),
            Event::ScoringFailed(d) => d.application_id.to_string(),
            Event::ScoreRefined(d) => d.application_id.to_string(),
            Event::RescoreRequested(d) => d.application_id.to_string(),
            Event::EmailRequested(d) => d.application_id.to_string(),
            Event::AccountMailRequested(d) => d.user_id.to_string(),
        }
    }

    fn data(&self) -> Result<Vec<u8>, serde_json::Error> {
        match self {
            Event::ApplicationSubmitted(d)
            | Event::TestInvited(d)
            | Event::InterviewScheduled(d)
            | Event::OfferExtended(d)
            | Event::OfferAccepted(d)
            | Event::OfferDeclined(d)
            | Event::OfferWithdrawn(d)
            | Event::OfferExpired(d)
            | Event::Hired(d)
            | Event::Withdrawn(d) => serde_json::to_vec(d),
            Event::ScoringComplete(d) => serde_json::to_vec(d),
            Event::ScoringFailed(d) => serde_json::to_vec(d),
            Event::ScoreRefined(d) => serde_json::to_vec(d),
            Event::RescoreRequested(d) => serde_json::to_vec(d),
            Event::EmailRequested(d) => serde_json::to_vec(d),
            Event::AccountMailRequested(d) => serde_json::to_vec(d),
        }
    }

    /// Wraps the event in its envelope. `source` names the emitting component (`/pvara/api`).
    pub fn envelope(
        &self,
        id: EventId,
        time: DateTime<Utc>,
        source: &str,
        request_id: Option<&str>,
    ) -> Result<CloudEvent, serde_json::Error> {
        Ok(CloudEvent {
            id,
            source: source.to_owned(),
            event_type: self.event_type().to_owned(),
            subject: self.subject(),
            time,
            dataschema: format!("urn:pvara:schema:{}:v{SCHEMA_VERSION}", self.event_type()),
            request_id: request_id.map(str::to_owned),
            data: self.data()?,
        })
    }

    /// Reads a typed event back out of its envelope.
    pub fn decode(envelope: &CloudEvent) -> Result<Event, DecodeError> {
        let data = envelope.data.as_slice();
        let bad = |e: serde_json::Error| DecodeError::Data(e.to_string());
        Ok(match envelope.event_type.as_str() {
            "pvara.application.submitted" => {
                Event::ApplicationSubmitted(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.scored" => Event::ScoringComplete(serde_json::from_slice(data).map_err(bad)?),
            "pvara.application.scoring_failed" => {
                Event::ScoringFailed(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.score_refined" => {
                Event::ScoreRefined(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.rescore_requested" => {
                Event::RescoreRequested(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.test_invited" => {
                Event::TestInvited(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.interview_scheduled" => {
                Event::InterviewScheduled(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.offer_extended" => {
                Event::OfferExtended(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.withdrawn" => Event::Withdrawn(serde_json::from_slice(data).map_err(bad)?),
            "pvara.application.offer_accepted" => {
                Event::OfferAccepted(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.offer_declined" => {
                Event::OfferDeclined(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.offer_withdrawn" => {
                Event::OfferWithdrawn(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.offer_expired" => {
                Event::OfferExpired(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.application.hired" => Event::Hired(serde_json::from_slice(data).map_err(bad)?),
            "pvara.notification.email_requested" => {
                Event::EmailRequested(serde_json::from_slice(data).map_err(bad)?)
            }
            "pvara.notification.account_email_requested" => {
                Event::AccountMailRequested(serde_json::from_slice(data).map_err(bad)?)
            }
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}

/// Why a record could not be turned into an event. The text goes into dead-letter headers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("missing CloudEvents attribute {0}")]
    MissingAttribute(&'static str),
    #[error("invalid CloudEvents attribute {0}")]
    InvalidAttribute(&'static str),
    #[error("unsupported specversion {0}")]
    SpecVersion(String),
    #[error("unknown event type {0}")]
    UnknownType(String),
    #[error("invalid event data: {0}")]
    Data(String),
}

mod envelope;

pub use envelope::{CONTENT_TYPE_JSON, CloudEvent};

#[cfg(test)]
mod tests;
