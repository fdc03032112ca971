//! The stages a job's applications pass: every job sifts, interviews and offers; the online test
//! is a job's choice. The lifecycle table ([`crate::status::TRANSITIONS`]) is the widest path;
//! a job without a test goes from Under Review straight to an interview, and refuses
//! invitations to a test. The pages, the use cases and the reports read a job's path here.

use serde::{Deserialize, Serialize};

use crate::status::{Action, Status};

/// Which optional stages a job uses.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stages {
    /// Candidates take an online test before the interview (jobs posted before stages existed
    /// had one).
    #[serde(default = "yes")]
    pub online_test: bool,
}

fn yes() -> bool {
    true
}

impl Default for Stages {
    fn default() -> Self {
        Self { online_test: true }
    }
}

impl Stages {
    /// The status `action` leads to from `from` on a job with these stages, or `None` when the
    /// job's path does not allow it.
    pub fn apply(self, from: Status, action: Action) -> Option<Status> {
        match (self.online_test, from, action) {
            (false, _, Action::InviteToTest) => None,
            (false, Status::UnderReview, Action::ScheduleInterview) => Some(Status::InterviewScheduled),
            _ => from.apply(action),
        }
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
        let no_test = Stages { online_test: false };
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
        let no_test = Stages { online_test: false };
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
    fn a_job_stored_before_stages_has_a_test() {
        let old: Stages = serde_json::from_str("{}").unwrap();
        assert_eq!(old, Stages::default());
    }
}
