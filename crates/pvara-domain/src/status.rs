//! The application lifecycle, written as one table so that the API, the workers and the tests all
//! read the same rules.
//!
//! ```text
//! Submitted ──score──▶ Under Review ──invite──▶ Test Invited ──schedule──▶ Interview Scheduled ──offer──▶ Offer Extended
//!     └──fail scoring──▶ Scoring Failed
//! any non-final status ──reject──▶ Rejected
//! any non-final status ──withdraw (by the applicant)──▶ Withdrawn
//! ```

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
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Submitted,
        Status::UnderReview,
        Status::ScoringFailed,
        Status::TestInvited,
        Status::InterviewScheduled,
        Status::OfferExtended,
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
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// A final status accepts no further action.
    pub fn is_final(self) -> bool {
        Action::ALL.into_iter().all(|action| self.apply(action).is_none())
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
    /// The applicant's own decision; the only action an applicant may take.
    Withdraw,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Score,
        Action::FailScoring,
        Action::InviteToTest,
        Action::ScheduleInterview,
        Action::ExtendOffer,
        Action::Reject,
        Action::Withdraw,
    ];

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
        }
    }
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
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole table spelled out once more, by hand, for all 8 x 7 combinations: a change to
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
            (Submitted | UnderReview | ScoringFailed | TestInvited | InterviewScheduled, Withdraw) => {
                Some(Withdrawn)
            }
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
    fn only_offer_rejection_and_withdrawal_are_final() {
        let finals: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finals,
            vec![Status::OfferExtended, Status::Rejected, Status::Withdrawn]
        );
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
