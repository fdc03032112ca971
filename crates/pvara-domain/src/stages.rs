//! The stages a job's applications pass: every job sifts, interviews and offers; the online test
//! and the number of interview rounds (one to three) are the job's choice. The lifecycle table
//! ([`crate::status::TRANSITIONS`]) is the widest path; a job without a test goes from Under
//! Review straight to an interview and refuses invitations to a test, and a job with two rounds
//! makes no offer before its second round is scheduled. The pages, the use cases and the reports
//! read a job's path here.

use serde::{Deserialize, Serialize};

use crate::status::{Action, Status};
use crate::validation::ValidationError;

/// The most interview rounds a job may have.
pub const MAX_INTERVIEW_ROUNDS: u8 = 3;

/// Which optional stages a job uses.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stages {
    /// Candidates take an online test before the interview (jobs posted before stages existed
    /// had one).
    #[serde(default = "yes")]
    pub online_test: bool,
    /// How many interview rounds, one to three, before an offer (jobs posted before rounds
    /// existed had one).
    #[serde(default = "one")]
    pub interview_rounds: u8,
}

fn yes() -> bool {
    true
}

fn one() -> u8 {
    1
}

impl Default for Stages {
    fn default() -> Self {
        Self {
            online_test: true,
            interview_rounds: 1,
        }
    }
}

/// Why a job's path refuses a step the lifecycle alone would allow, in words for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathRefusal {
    #[error("this job has no online test, so you cannot {} a candidate", .0.label())]
    NoTest(Action),
    #[error("cannot {} an application that is {from}", .action.label())]
    Lifecycle { action: Action, from: Status },
    #[error("this job has {of} interview rounds; schedule round {next} before making an offer")]
    RoundsLeft { next: u8, of: u8 },
    #[error("round {asked} cannot be scheduled now: the next is round {next} of {of}")]
    Round { asked: u8, next: u8, of: u8 },
}

impl Stages {
    /// The stages a job chose, checked: one to three interview rounds.
    pub fn parse(online_test: bool, interview_rounds: u8) -> Result<Self, ValidationError> {
        if !(1..=MAX_INTERVIEW_ROUNDS).contains(&interview_rounds) {
            return Err(ValidationError::new(
                "interviewRounds",
                format!("must be from 1 to {MAX_INTERVIEW_ROUNDS}"),
            ));
        }
        Ok(Self {
            online_test,
            interview_rounds,
        })
    }

    /// The status `action` leads to from `from` on a job with these stages, or `None` when the
    /// job's path does not allow it (rounds aside: see [`Stages::check`]).
    pub fn apply(self, from: Status, action: Action) -> Option<Status> {
        match (self.online_test, from, action) {
            (false, _, Action::InviteToTest) => None,
            (false, Status::UnderReview, Action::ScheduleInterview) => Some(Status::InterviewScheduled),
            _ => from.apply(action),
        }
    }

    /// The status `action` leads to, with the interview rounds counted: `round_now` is the
    /// round of the application's latest interview (none before its first), `round_asked` the
    /// round a scheduling names. An interview is rescheduled in its round or moves to the next;
    /// an offer waits for the last round.
    pub fn check(
        self,
        from: Status,
        action: Action,
        (round_now, round_asked): (Option<u8>, u8),
    ) -> Result<Status, PathRefusal> {
        let to = self
            .apply(from, action)
            .ok_or(if self.apply(from, action) != from.apply(action) {
                PathRefusal::NoTest(action)
            } else {
                PathRefusal::Lifecycle { action, from }
            })?;
        let done = if from == Status::InterviewScheduled {
            round_now.unwrap_or(1)
        } else {
            0
        };
        let of = self.interview_rounds.max(1);
        match action {
            Action::ScheduleInterview => {
                let next = (done + 1).min(of);
                let allowed = round_asked == next || (done > 0 && round_asked == done);
                if !allowed {
                    return Err(PathRefusal::Round {
                        asked: round_asked,
                        next,
                        of,
                    });
                }
            }
            Action::ExtendOffer if done < of => {
                return Err(PathRefusal::RoundsLeft { next: done + 1, of });
            }
            _ => {}
        }
        Ok(to)
    }

    /// Whether applications of the job can reach `status` at all.
    pub fn includes(self, status: Status) -> bool {
        self.online_test || status != Status::TestInvited
    }

    /// The status an application is in just before its interview on this job's path.
    pub fn before_interview(self) -> Status {
        if self.online_test {
            Status::TestInvited
        } else {
            Status::UnderReview
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_without_a_test_goes_from_review_to_interview() {
        let no_test = Stages {
            online_test: false,
            interview_rounds: 1,
        };
        assert_eq!(
            no_test.apply(Status::UnderReview, Action::ScheduleInterview),
            Some(Status::InterviewScheduled)
        );
        assert_eq!(no_test.apply(Status::UnderReview, Action::InviteToTest), None);
        assert!(!no_test.includes(Status::TestInvited));
        let with_test = Stages::default();
        assert_eq!(
            with_test.apply(Status::UnderReview, Action::ScheduleInterview),
            None
        );
        assert_eq!(
            with_test.apply(Status::UnderReview, Action::InviteToTest),
            Some(Status::TestInvited)
        );
    }

    #[test]
    fn every_other_step_follows_the_lifecycle() {
        let no_test = Stages {
            online_test: false,
            interview_rounds: 1,
        };
        for from in Status::ALL {
            for action in Action::ALL {
                let special = action == Action::InviteToTest
                    || (from == Status::UnderReview && action == Action::ScheduleInterview);
                if !special {
                    assert_eq!(
                        no_test.apply(from, action),
                        from.apply(action),
                        "{from} + {action:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_offer_waits_for_the_last_round() {
        let two = Stages::parse(false, 2).unwrap();
        let interview = Action::ScheduleInterview;
        assert_eq!(
            two.check(Status::UnderReview, interview, (None, 1)),
            Ok(Status::InterviewScheduled)
        );
        assert!(matches!(
            two.check(Status::UnderReview, interview, (None, 2)),
            Err(PathRefusal::Round {
                asked: 2,
                next: 1,
                of: 2
            })
        ));
        assert_eq!(
            two.check(Status::InterviewScheduled, Action::ExtendOffer, (Some(1), 1))
                .unwrap_err()
                .to_string(),
            "this job has 2 interview rounds; schedule round 2 before making an offer"
        );
        assert!(
            two.check(Status::InterviewScheduled, interview, (Some(1), 1))
                .is_ok(),
            "moved"
        );
        assert!(
            two.check(Status::InterviewScheduled, interview, (Some(1), 2))
                .is_ok(),
            "next"
        );
        assert!(
            two.check(Status::InterviewScheduled, interview, (Some(1), 3))
                .is_err()
        );
        assert!(
            two.check(Status::InterviewScheduled, interview, (Some(2), 2))
                .is_ok()
        );
        assert!(
            two.check(Status::InterviewScheduled, interview, (Some(2), 1))
                .is_err()
        );
        assert_eq!(
            two.check(Status::InterviewScheduled, Action::ExtendOffer, (Some(2), 1)),
            Ok(Status::OfferExtended)
        );
        assert_eq!(
            Stages::default().check(Status::UnderReview, Action::ExtendOffer, (None, 1)),
            Err(PathRefusal::Lifecycle {
                action: Action::ExtendOffer,
                from: Status::UnderReview
            })
        );
        assert!(Stages::parse(true, 0).is_err() && Stages::parse(true, 4).is_err());
    }

    #[test]
    fn a_job_stored_before_stages_has_a_test() {
        let old: Stages = serde_json::from_str("{}").unwrap();
        assert_eq!(old, Stages::default());
    }
}
