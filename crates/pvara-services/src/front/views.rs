//! Applications as JSON: the API's answers and the candidate's data download show them alike.

use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::reference::Reference;
use pvara_domain::scoring::ScorerVersion;
use pvara_domain::scoring::education::Education;
use pvara_domain::status::Status;
use pvara_storage::model::{ApplicationRecord, Delivery, HistoryEntry};
use serde::Serialize;

use crate::usecase;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    id: ApplicationId,
    /// The short reference the candidate quotes to a helpdesk; `id` stays the key of every URL.
    reference: Reference,
    job_id: JobId,
    applicant_id: UserId,
    status: Status,
    ai_score: Option<u8>,
    score_breakdown: Option<serde_json::Value>,
    scorer_version: Option<String>,
    /// Whether the semantic model has refined the score (null while unscored): false means the
    /// rules score, pending refinement where a model is configured.
    score_refined: Option<bool>,
    /// The score's changes after the first (refinements), oldest first.
    score_changes: Vec<pvara_storage::model::ScoreChange>,
    /// Name-blind sifting: the candidate's name, address, phone and cover letter are withheld
    /// from staff (and their name, address and phone from the CV text) until an interview.
    identity_hidden: bool,
    full_name: String,
    email: String,
    phone: Option<String>,
    skills: Vec<String>,
    years_experience: f64,
    education: Education,
    resume_text: String,
    cover_letter: Option<String>,
    submitted_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    cv_file_name: Option<String>,
    /// The privacy notice the applicant accepted.
    consent_version: Option<String>,
    history: Vec<HistoryView>,
    /// The mail sent about this application, oldest first.
    mail: Vec<MailView>,
}

/// One mail about an application: delivered (the relay took it), or failed (the relay refused
/// it for good; it is not tried again).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MailView {
    /// The template: applicationReceived, interview, offer, ...
    template: String,
    message_id: String,
    /// `delivered` or `failed`.
    status: &'static str,
    /// The relay's reply, when it refused the mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<String>,
    at: DateTime<Utc>,
}

impl From<Delivery> for MailView {
    fn from(d: Delivery) -> Self {
        Self {
            template: d.template,
            message_id: d.message_id,
            status: if d.failure.is_some() {
                "failed"
            } else {
                "delivered"
            },
            reply: d.failure,
            at: d.delivered_at,
        }
    }
}

/// One step of an application's history: who moved it from which status to which, when and why.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    from: Option<Status>,
    to: Status,
    /// A user id, or `system:<worker>`.
    actor: String,
    reason: String,
    /// The step's details (test link, interview, offer), when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<serde_json::Value>,
    at: DateTime<Utc>,
}

impl From<HistoryEntry> for HistoryView {
    fn from(h: HistoryEntry) -> Self {
        Self {
            from: h.from,
            to: h.to,
            actor: h.actor,
            reason: h.reason,
            details: h.details,
            at: h.at,
        }
    }
}

impl ApplicationView {
    /// The record in its API shape, as JSON (for the data export).
    pub fn json(record: ApplicationRecord) -> serde_json::Value {
        serde_json::to_value(ApplicationView::from(record)).unwrap_or_default()
    }
}

impl From<ApplicationRecord> for ApplicationView {
    fn from(r: ApplicationRecord) -> Self {
        let (ai_score, score_breakdown, scorer_version) = match r.score {
            Some(s) => (Some(s.total), Some(s.breakdown), Some(s.scorer_version)),
            None => (None, None, None),
        };
        Self {
            id: r.id,
            reference: r.reference,
            job_id: r.job_id,
            applicant_id: r.applicant_id,
            status: r.status,
            ai_score,
            score_breakdown,
            score_refined: scorer_version
                .as_deref()
                .map(|v| ScorerVersion::parse(v).is_refined()),
            scorer_version,
            score_changes: r.score_changes,
            identity_hidden: false,
            full_name: r.candidate.full_name.as_str().to_owned(),
            email: r.candidate.email.as_str().to_owned(),
            phone: r.candidate.phone,
            skills: r.candidate.skills,
            years_experience: r.candidate.years_experience,
            education: r.candidate.education,
            resume_text: r.candidate.resume_text,
            cover_letter: r.candidate.cover_letter,
            submitted_at: r.submitted_at,
            updated_at: r.updated_at,
            cv_file_name: r.cv_file_name,
            consent_version: r.consent_version,
            history: r.history.into_iter().map(HistoryView::from).collect(),
            mail: Vec::new(),
        }
    }
}

impl From<usecase::applications::ApplicationDetail> for ApplicationView {
    fn from(detail: usecase::applications::ApplicationDetail) -> Self {
        Self {
            mail: detail.mail.into_iter().map(MailView::from).collect(),
            identity_hidden: detail.identity_hidden,
            ..ApplicationView::from(detail.record)
        }
    }
}
