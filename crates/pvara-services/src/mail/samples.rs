//! Sample contexts for `pvara mail preview` and for checking templates when pvara starts.

use pvara_domain::event::{AccountMail, MailTemplate};
use pvara_domain::ids::{ApplicationId, TokenId, UserId};
use pvara_domain::status::Status;
use pvara_storage::model::{AccountMailContext, AccountTokenRecord, HistoryEntry, MailContext};
use serde_json::json;

/// A candidate's application at the step mail `name` is about, with typical details.
pub fn context(name: &str) -> MailContext {
    let template = MailTemplate::ALL
        .into_iter()
        .find(|t| t.as_str() == name)
        .unwrap_or(MailTemplate::ApplicationReceived);
    let (from, details) = match template {
        MailTemplate::TestInvitation => (
            Status::UnderReview,
            json!({"testUrl": "https://tests.example.gov/t/4f2a", "deadline": "2030-02-10T18:59:00Z"}),
        ),
        MailTemplate::Interview | MailTemplate::PanelInvitation => (
            Status::TestInvited,
            json!({"scheduledAt": "2030-02-14T05:00:00Z", "location": "PVARA HQ, Room 4, Islamabad",
                   "interviewers": ["S. Ali", "R. Iqbal"], "roles": ["hiring_manager", "interviewer"],
                   "panel": [UserId::new(), UserId::new()], "round": 1}),
        ),
        MailTemplate::Offer => (
            Status::InterviewScheduled,
            json!({"salary": 150000, "salaryPeriod": "monthly", "startDate": "2030-03-01", "expiresAt": "2030-02-21T12:00:00Z"}),
        ),
        MailTemplate::OfferAccepted => (Status::OfferExtended, json!({})),
        MailTemplate::OfferDeclined => (
            Status::OfferExtended,
            json!({"reason": "I accepted another post"}),
        ),
        MailTemplate::OfferWithdrawn => (
            Status::OfferExtended,
            json!({"reason": "The post was frozen by the Finance Division"}),
        ),
        MailTemplate::OfferExpired => (
            Status::OfferExtended,
            json!({"expiredAt": "2030-02-21T12:00:00Z"}),
        ),
        MailTemplate::Hired => (Status::OfferAccepted, json!({"startDate": "2030-03-01"})),
        MailTemplate::Rejection => (
            Status::InterviewScheduled,
            json!({"reason": "Another candidate matched the role more closely"}),
        ),
        MailTemplate::Withdrawal => (Status::UnderReview, json!({})),
        MailTemplate::ApplicationReceived
        | MailTemplate::UnderReview
        | MailTemplate::MeritPublished
        | MailTemplate::RepresentationDecided => (Status::Submitted, json!({})),
    };
    MailContext {
        application_id: ApplicationId::new(),
        reference: pvara_domain::reference::Reference::from_bits(0x002f_3a91_c75e),
        full_name: "Ayesha Khan".to_owned(),
        email: "ayesha.khan@example.org".to_owned(),
        job_title: "Data Engineer".to_owned(),
        ai_score: Some(82),
        entry: Some(HistoryEntry {
            from: Some(from),
            to: template.status(),
            actor: "recruiter".to_owned(),
            reason: "sample".to_owned(),
            details: Some(details),
            at: crate::now(),
        }),
        step: 4,
        interview_round: None,
        language: crate::i18n::current(),
    }
}

/// An account mail's context for `purpose`.
pub fn account(purpose: AccountMail) -> AccountMailContext {
    AccountMailContext {
        token: AccountTokenRecord {
            id: TokenId::new(),
            user_id: UserId::new(),
            purpose,
            expires_at: crate::now(),
            used: false,
            mailed: false,
        },
        full_name: "Ayesha Khan".to_owned(),
        email: "ayesha.khan@example.org".to_owned(),
        language: crate::i18n::current(),
    }
}
