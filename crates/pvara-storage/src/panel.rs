//! The [`Panels`] trait: who sits on each interview, and their scorecards. A panel is written by
//! the scheduling's own transition (both engines read it from the interview's details), so the
//! seats and the status change commit together; a scorecard fills its member's seat once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::pipeline::{Interview, Step};
use pvara_domain::scorecard::{Rating, Recommendation, Scorecard};
use pvara_domain::status::Status;

use crate::error::StoreError;
use crate::model::Transition;

/// One member's place on one interview, with their card once submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Seat {
    pub application_id: ApplicationId,
    pub round: u8,
    pub interviewer: UserId,
    pub interviewer_name: String,
    pub scheduled_at: DateTime<Utc>,
    pub card: Option<SubmittedCard>,
}

/// A scorecard as stored. After the candidate's erasure the ratings (evidence about them) are
/// gone and the recommendation stays.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmittedCard {
    pub ratings: Vec<Rating>,
    pub recommendation: Recommendation,
    pub submitted_at: DateTime<Utc>,
}

/// A card to file in a member's seat.
#[derive(Debug, Clone, PartialEq)]
pub struct NewScorecard {
    pub application_id: ApplicationId,
    pub round: u8,
    pub interviewer: UserId,
    pub card: Scorecard,
    pub at: DateTime<Utc>,
}

/// An interview someone sits on, for their own list.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelInterview {
    pub application_id: ApplicationId,
    pub job_id: JobId,
    pub job_title: String,
    pub full_name: String,
    pub status: Status,
    pub round: u8,
    pub scheduled_at: DateTime<Utc>,
    pub submitted: bool,
}

#[async_trait]
pub trait Panels: Send + Sync + 'static {
    /// Every seat of the application's interviews, by round then name.
    async fn panel(&self, application: ApplicationId) -> Result<Vec<Seat>, StoreError>;
    /// Files the card in its seat. `NotFound("interview")` when the person has no seat on that
    /// round; `Conflict("scorecard")` when their card is already in (a card is final).
    async fn submit_scorecard(&self, card: NewScorecard) -> Result<(), StoreError>;
    /// The interviews `user` sits on, soonest first, up to `limit`.
    async fn interviews_of(&self, user: UserId, limit: u32) -> Result<Vec<PanelInterview>, StoreError>;
}

impl Transition {
    /// The interview this transition schedules with a panel of users, if it does: its seats
    /// are written with it.
    pub(crate) fn panel_interview(&self) -> Option<Interview> {
        if self.to != Status::InterviewScheduled {
            return None;
        }
        match Step::from_history(self.to, self.details.as_ref()) {
            Some(Step::ScheduleInterview(interview)) if !interview.panel.is_empty() => Some(interview),
            _ => None,
        }
    }
}
