//! The application lifecycle, written as one table so that the API, the workers and the tests all
//! read the same rules.
//!
//! ```text
//! Submitted ──score──▶ Under Review ──invite──▶ Test Invited ──schedule──▶ Interview Scheduled ──offer──▶ Offer Extended
//!     └──fail scoring──▶ Scoring Failed
//! Offer Extended ──accept (the applicant)──▶ Offer Accepted ──hire──▶ Hired
//!     ├──decline (the applicant)──▶ Offer Declined
//!     ├──withdraw the offer (staff)──▶ Offer Withdrawn   (also from Offer Accepted)
//!     └──expire (the system, at the offer's expiry)──▶ Offer Expired
//! any status before the offer ──reject──▶ Rejected
//! any status before the offer, and Offer Accepted ──withdraw (by the applicant)──▶ Withdrawn
//! ```
//!
//! An offer is answered by the offer's own steps, not by a rejection or a withdrawal: the
//! candidate declines it, staff withdraw it, and each says so in the history and the mail.

use std::fmt;

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "Submitted")]
    Submitted,
    #[serde(rename = "Under Review")]
    UnderReview,
    #[serde(rename = "Scoring Failed")]
    ScoringFailed,
    #[serde(rename = "Test Invited")]
    TestInvited,
    #[serde(rename = "Interview Scheduled")]
    InterviewScheduled,
    #[serde(rename = "Offer Extended")]
    OfferExtended,
    #[serde(rename = "Rejected")]
    Rejected,
    /// The applicant took the application back.
    #[serde(rename = "Withdrawn")]
    Withdrawn,
    #[serde(rename = "Offer Accepted")]
    OfferAccepted,
    #[serde(rename = "Offer Declined")]
    OfferDeclined,
    /// Staff took the offer back.
    #[serde(rename = "Offer Withdrawn")]
    OfferWithdrawn,
    /// Nobody answered the offer before its expiry.
    #[serde(rename = "Offer Expired")]
    OfferExpired,
    #[serde(rename = "Hired")]
    Hired,
}

impl Status {
    /// Whether an application in this status has had an interview scheduled (and still stands
    /// at or after it): name-blind sifting ends there, and a panel's scorecards make its mark.
    pub fn reached_interview(self) -> bool {
        matches!(
            self,
            Status::InterviewScheduled
                | Status::OfferExtended
                | Status::OfferAccepted
                | Status::OfferDeclined
                | Status::OfferWithdrawn
                | Status::OfferExpired
                | Status::Hired
        )
    }

    pub const ALL: [Status; 13] = [
        Status::Submitted,
        Status::UnderReview,
        Status::ScoringFailed,
        Status::TestInvited,
        Status::InterviewScheduled,
        Status::OfferExtended,
        Status::OfferAccepted,
        Status::Hired,
        Status::OfferDeclined,
        Status::OfferWithdrawn,
        Status::OfferExpired,
        Status::Rejected,
        Status::Withdrawn,
    ];

    /// The spelling used in the API, the database and events.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "Submitted",
            Status::UnderReview => "Under Review",
            Status::ScoringFailed => "Scoring Failed",
            Status::TestInvited => "Test Invited",
            Status::InterviewScheduled => "Interview Scheduled",
            Status::OfferExtended => "Offer Extended",
            Status::Rejected => "Rejected",
            Status::Withdrawn => "Withdrawn",
            Status::OfferAccepted => "Offer Accepted",
            Status::OfferDeclined => "Offer Declined",
            Status::OfferWithdrawn => "Offer Withdrawn",
            Status::OfferExpired => "Offer Expired",
            Status::Hired => "Hired",
        }
    }

    /// Where an application ended well, ended otherwise, or is still moving: the pages colour
    /// their tags by it, so that Withdrawn and Rejected do not look like Under Review.
    pub fn tone(self) -> Tone {
        match self {
            Status::OfferExtended | Status::OfferAccepted | Status::Hired => Tone::Good,
            Status::Rejected
            | Status::Withdrawn
            | Status::OfferDeclined
            | Status::OfferWithdrawn
            | Status::OfferExpired
            | Status::ScoringFailed => Tone::Ended,
            Status::Submitted | Status::UnderReview | Status::TestInvited | Status::InterviewScheduled => {
                Tone::Moving
            }
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// A final status accepts no further action.
    pub fn is_final(self) -> bool {
        Action::ALL.into_iter().all(|action| self.apply(action).is_none())
    }

    /// Still being sifted: before any offer and not final. Only these are scored again when the
    /// rules or a rubric change; once an offer is made, the score has done its work and stays.
    pub fn is_sifting(self) -> bool {
        matches!(
            self,
            Status::Submitted
                | Status::UnderReview
                | Status::ScoringFailed
                | Status::TestInvited
                | Status::InterviewScheduled
        )
    }

    /// The status `action` leads to from `self`, or `None` when the table does not allow it.
    pub fn apply(self, action: Action) -> Option<Status> {
        TRANSITIONS
            .iter()
            .find(|(from, act, _)| *from == self && *act == action)
            .map(|(_, _, to)| *to)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which way an application is going, for the colour of its status tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Moving,
    Good,
    Ended,
}

/// Something that changes an application's status: the scorer's verdict or a recruiter's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Score,
    FailScoring,
    InviteToTest,
    ScheduleInterview,
    ExtendOffer,
    Reject,
    /// The applicant's own decision.
    Withdraw,
    /// The applicant's answers to an offer.
    AcceptOffer,
    DeclineOffer,
    /// Staff take an offer back (before or after it was accepted).
    WithdrawOffer,
    /// The system, once the offer's expiry has passed unanswered.
    ExpireOffer,
    /// Staff confirm the person was hired, with the start date.
    Hire,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::Score,
        Action::FailScoring,
        Action::InviteToTest,
        Action::ScheduleInterview,
        Action::ExtendOffer,
        Action::Reject,
        Action::Withdraw,
        Action::AcceptOffer,
        Action::DeclineOffer,
        Action::WithdrawOffer,
        Action::ExpireOffer,
        Action::Hire,
    ];

    /// Who may take the action: the one place the use cases read it.
    pub fn actor(self) -> ActionBy {
        match self {
            Action::Withdraw | Action::AcceptOffer | Action::DeclineOffer => ActionBy::Applicant,
            Action::Score | Action::FailScoring | Action::ExpireOffer => ActionBy::System,
            Action::InviteToTest
            | Action::ScheduleInterview
            | Action::ExtendOffer
            | Action::Reject
            | Action::WithdrawOffer
            | Action::Hire => ActionBy::Staff,
        }
    }

    /// What a person reads: "invite to test".
    pub fn label(self) -> &'static str {
        match self {
            Action::Score => "score",
            Action::FailScoring => "fail scoring",
            Action::InviteToTest => "invite to test",
            Action::ScheduleInterview => "schedule an interview for",
            Action::ExtendOffer => "extend an offer to",
            Action::Reject => "reject",
            Action::Withdraw => "withdraw",
            Action::AcceptOffer => "accept the offer of",
            Action::DeclineOffer => "decline the offer of",
            Action::WithdrawOffer => "withdraw the offer of",
            Action::ExpireOffer => "expire the offer of",
            Action::Hire => "mark as hired",
        }
    }
}

/// Who takes an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionBy {
    /// The applicant, on their own application only.
    Applicant,
    /// A recruiter or an admin.
    Staff,
    /// pvara's own workers.
    System,
}

/// Every allowed (from, action, to). Anything not listed is refused.
pub const TRANSITIONS: &[(Status, Action, Status)] = &[
    (Status::Submitted, Action::Score, Status::UnderReview),
    (Status::Submitted, Action::FailScoring, Status::ScoringFailed),
    (Status::UnderReview, Action::InviteToTest, Status::TestInvited),
    (
        Status::TestInvited,
        Action::ScheduleInterview,
        Status::InterviewScheduled,
    ),
    // Rescheduling: the same step again, with a new time (and a new calendar invitation).
    (
        Status::InterviewScheduled,
        Action::ScheduleInterview,
        Status::InterviewScheduled,
    ),
    (
        Status::InterviewScheduled,
        Action::ExtendOffer,
        Status::OfferExtended,
    ),
    (Status::Submitted, Action::Reject, Status::Rejected),
    (Status::UnderReview, Action::Reject, Status::Rejected),
    (Status::ScoringFailed, Action::Reject, Status::Rejected),
    (Status::TestInvited, Action::Reject, Status::Rejected),
    (Status::InterviewScheduled, Action::Reject, Status::Rejected),
    (Status::Submitted, Action::Withdraw, Status::Withdrawn),
    (Status::UnderReview, Action::Withdraw, Status::Withdrawn),
    (Status::ScoringFailed, Action::Withdraw, Status::Withdrawn),
    (Status::TestInvited, Action::Withdraw, Status::Withdrawn),
    (Status::InterviewScheduled, Action::Withdraw, Status::Withdrawn),
    (Status::OfferExtended, Action::AcceptOffer, Status::OfferAccepted),
    (Status::OfferExtended, Action::DeclineOffer, Status::OfferDeclined),
    (
        Status::OfferExtended,
        Action::WithdrawOffer,
        Status::OfferWithdrawn,
    ),
    (Status::OfferExtended, Action::ExpireOffer, Status::OfferExpired),
    (
        Status::OfferAccepted,
        Action::WithdrawOffer,
        Status::OfferWithdrawn,
    ),
    (Status::OfferAccepted, Action::Withdraw, Status::Withdrawn),
    (Status::OfferAccepted, Action::Hire, Status::Hired),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole table spelled out once more, by hand, for all 13 x 12 combinations: a change to
    /// `TRANSITIONS` must be mirrored here on purpose.
    fn expected(from: Status, action: Action) -> Option<Status> {
        use Action::*;
        use Status::*;
        match (from, action) {
            (Submitted, Score) => Some(UnderReview),
            (Submitted, FailScoring) => Some(ScoringFailed),
            (UnderReview, InviteToTest) => Some(TestInvited),
            (TestInvited | InterviewScheduled, ScheduleInterview) => Some(InterviewScheduled),
            (InterviewScheduled, ExtendOffer) => Some(OfferExtended),
            (Submitted | UnderReview | ScoringFailed | TestInvited | InterviewScheduled, Reject) => {
                Some(Rejected)
            }
            (
                Submitted | UnderReview | ScoringFailed | TestInvited | InterviewScheduled | OfferAccepted,
                Withdraw,
            ) => Some(Withdrawn),
            (OfferExtended, AcceptOffer) => Some(OfferAccepted),
            (OfferExtended, DeclineOffer) => Some(OfferDeclined),
            (OfferExtended | OfferAccepted, WithdrawOffer) => Some(OfferWithdrawn),
            (OfferExtended, ExpireOffer) => Some(OfferExpired),
            (OfferAccepted, Hire) => Some(Hired),
            _ => None,
        }
    }

    #[test]
    fn every_status_action_pair_matches_the_lifecycle() {
        let mut allowed = 0;
        for from in Status::ALL {
            for action in Action::ALL {
                assert_eq!(from.apply(action), expected(from, action), "{from} + {action:?}");
                allowed += usize::from(expected(from, action).is_some());
            }
        }
        assert_eq!(allowed, TRANSITIONS.len(), "duplicate rows in TRANSITIONS");
    }

    #[test]
    fn an_offer_ends_in_a_hire_or_one_of_its_answers() {
        let finals: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finals,
            vec![
                Status::Hired,
                Status::OfferDeclined,
                Status::OfferWithdrawn,
                Status::OfferExpired,
                Status::Rejected,
                Status::Withdrawn
            ]
        );
    }

    #[test]
    fn only_statuses_before_the_offer_are_sifted() {
        let sifting: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_sifting()).collect();
        assert_eq!(
            sifting,
            vec![
                Status::Submitted,
                Status::UnderReview,
                Status::ScoringFailed,
                Status::TestInvited,
                Status::InterviewScheduled
            ]
        );
    }

    #[test]
    fn only_the_applicant_answers_an_offer_and_only_the_system_expires_it() {
        assert_eq!(Action::AcceptOffer.actor(), ActionBy::Applicant);
        assert_eq!(Action::DeclineOffer.actor(), ActionBy::Applicant);
        assert_eq!(Action::ExpireOffer.actor(), ActionBy::System);
        assert_eq!(Action::Hire.actor(), ActionBy::Staff);
    }

    #[test]
    fn spelling_round_trips() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(Status::parse("under review"), None);
    }
}
