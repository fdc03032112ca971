//! Reports computed from applications' histories: exact, because every status change is in the
//! history with its time.
//!
//! - the funnel (here): how many reached each stage, and how long they stayed;
//! - [`impact`]: selection rates per equality category at each stage, and impact ratios;
//! - [`scorer`]: how well the machine's score ranked the applications recruiters decided on.

pub mod impact;
pub mod scorer;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ids::ApplicationId;
use crate::stages::Stages;
use crate::status::Status;

/// The stages an application passes on its way to a hire, in order.
pub const FUNNEL: [Status; 7] = [
    Status::Submitted,
    Status::UnderReview,
    Status::TestInvited,
    Status::InterviewScheduled,
    Status::OfferExtended,
    Status::OfferAccepted,
    Status::Hired,
];

/// Where an application ended up outside the funnel.
pub const EXITS: [Status; 6] = [
    Status::Rejected,
    Status::Withdrawn,
    Status::ScoringFailed,
    Status::OfferDeclined,
    Status::OfferWithdrawn,
    Status::OfferExpired,
];

/// One status change of an application: the status entered, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub status: Status,
    pub at: DateTime<Utc>,
}

/// What the reports know of one application: its history and the machine's score. Never who
/// the candidate is.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub application: ApplicationId,
    /// The scorer's total, or the machine's total a person's override replaced: the reports
    /// judge the machine, not the override.
    pub machine_score: Option<u8>,
    /// Oldest first.
    pub steps: Vec<Step>,
}

impl History {
    /// Whether the application ever entered `status`.
    pub fn reached(&self, status: Status) -> bool {
        self.steps.iter().any(|s| s.status == status)
    }

    /// The status it is in now.
    pub fn current(&self) -> Option<Status> {
        self.steps.last().map(|s| s.status)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelStage {
    pub status: Status,
    /// Applications that ever entered the stage.
    pub reached: u64,
    /// `reached` over the previous stage's `reached` (none for the first stage, or when the
    /// previous stage was reached by nobody).
    pub conversion: Option<f64>,
    /// Applications that entered the stage and have since left it.
    pub left: u64,
    /// Median time from entering the stage to leaving it, over those that left (applications
    /// still in it are not counted: only transitions that happened).
    pub median_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExitCount {
    pub status: Status,
    pub applications: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Funnel {
    pub applications: u64,
    pub stages: Vec<FunnelStage>,
    /// Applications now rejected, withdrawn or failed in scoring.
    pub exits: Vec<ExitCount>,
    /// From the first interview's scheduling to the decision that followed (an offer or a
    /// rejection), over the applications decided: how long candidates wait after interviewing.
    pub interview_to_decision: DecisionTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionTime {
    pub decided: u64,
    pub median_seconds: Option<f64>,
}

/// Seconds from the first scheduling of an interview to the offer or rejection after it.
fn interview_to_decision(steps: &[Step]) -> Option<f64> {
    let interviewed = steps.iter().find(|s| s.status == Status::InterviewScheduled)?;
    let decided = steps
        .iter()
        .filter(|s| s.at >= interviewed.at)
        .find(|s| matches!(s.status, Status::OfferExtended | Status::Rejected))?;
    Some((decided.at - interviewed.at).num_milliseconds() as f64 / 1000.0)
}

/// The median of `values` (sorted in place); none for no values.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// How long each stage of `steps` lasted: (stage, seconds) for every stage entered and later
/// left. Staying in a status (a rescheduled interview) is not leaving it.
fn durations(steps: &[Step]) -> Vec<(Status, f64)> {
    let mut out = Vec::new();
    let mut current: Option<Step> = None;
    for step in steps {
        match current {
            Some(entered) if entered.status == step.status => {}
            Some(entered) => {
                let seconds = (step.at - entered.at).num_milliseconds() as f64 / 1000.0;
                out.push((entered.status, seconds));
                current = Some(*step);
            }
            None => current = Some(*step),
        }
    }
    out
}

/// The funnel of one job from its applications' histories (each oldest first), through the
/// stages the job uses (`path`).
pub fn funnel(histories: &[History], path: Stages) -> Funnel {
    let mut previous: Option<u64> = None;
    let stages = FUNNEL
        .iter()
        .filter(|status| path.includes(**status))
        .map(|&stage| {
            let reached = histories.iter().filter(|h| h.reached(stage)).count() as u64;
            let mut times: Vec<f64> = histories
                .iter()
                .flat_map(|h| durations(&h.steps))
                .filter(|(status, _)| *status == stage)
                .map(|(_, seconds)| seconds)
                .collect();
            let conversion = previous.filter(|p| *p > 0).map(|p| reached as f64 / p as f64);
            previous = Some(reached);
            FunnelStage {
                status: stage,
                reached,
                conversion,
                left: times.len() as u64,
                median_seconds: median(&mut times),
            }
        })
        .collect();
    let exits = EXITS
        .iter()
        .map(|&status| ExitCount {
            status,
            applications: histories.iter().filter(|h| h.current() == Some(status)).count() as u64,
        })
        .collect();
    let mut waits: Vec<f64> = histories
        .iter()
        .filter_map(|h| interview_to_decision(&h.steps))
        .collect();
    Funnel {
        applications: histories.len() as u64,
        stages,
        exits,
        interview_to_decision: DecisionTime {
            decided: waits.len() as u64,
            median_seconds: median(&mut waits),
        },
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).single().unwrap() + chrono::Duration::hours(hours)
    }

    fn history(steps: &[(Status, i64)]) -> History {
        History {
            application: ApplicationId::new(),
            machine_score: None,
            steps: steps
                .iter()
                .map(|&(status, h)| Step { status, at: at(h) })
                .collect(),
        }
    }

    #[test]
    fn a_scripted_history_gives_exact_counts_conversions_and_medians() {
        use Status::*;
        let histories = vec![
            history(&[
                (Submitted, 0),
                (UnderReview, 1),
                (TestInvited, 5),
                (InterviewScheduled, 25),
                (InterviewScheduled, 30),
                (OfferExtended, 49),
            ]),
            history(&[
                (Submitted, 0),
                (UnderReview, 3),
                (TestInvited, 13),
                (Rejected, 20),
            ]),
            history(&[(Submitted, 0), (UnderReview, 2), (Rejected, 4)]),
            history(&[(Submitted, 0), (UnderReview, 1)]),
            history(&[(Submitted, 0), (Withdrawn, 6)]),
        ];
        let report = funnel(&histories, Stages::default());
        assert_eq!(report.applications, 5);
        let row = |s: Status| report.stages.iter().find(|r| r.status == s).unwrap().clone();
        assert_eq!((row(Submitted).reached, row(Submitted).conversion), (5, None));
        // All five left Submitted, after 1, 3, 2, 1 and 6 hours.
        assert_eq!(row(Submitted).left, 5);
        assert_eq!(row(Submitted).median_seconds, Some(2.0 * 3600.0));
        assert_eq!(
            (row(UnderReview).reached, row(UnderReview).conversion),
            (4, Some(0.8))
        );
        // Left Under Review after 4, 10 and 2 hours; one is still there and does not count.
        assert_eq!(
            (row(UnderReview).left, row(UnderReview).median_seconds),
            (3, Some(4.0 * 3600.0))
        );
        assert_eq!(
            (row(TestInvited).reached, row(TestInvited).conversion),
            (2, Some(0.5))
        );
        assert_eq!(row(TestInvited).median_seconds, Some((20.0 + 7.0) / 2.0 * 3600.0));
        // One interviewed and decided: scheduled at 25 hours, offered at 49.
        assert_eq!(
            report.interview_to_decision,
            DecisionTime {
                decided: 1,
                median_seconds: Some(24.0 * 3600.0)
            }
        );
        // A rescheduled interview stays one stay of 24 hours.
        assert_eq!(
            (
                row(InterviewScheduled).left,
                row(InterviewScheduled).median_seconds
            ),
            (1, Some(24.0 * 3600.0))
        );
        assert_eq!(
            (row(OfferExtended).reached, row(OfferExtended).median_seconds),
            (1, None)
        );
        let exits: Vec<u64> = report.exits.iter().map(|e| e.applications).collect();
        assert_eq!(
            exits,
            [2, 1, 0, 0, 0, 0],
            "rejected, withdrawn, scoring failed, offers declined, withdrawn, expired"
        );
    }
}
