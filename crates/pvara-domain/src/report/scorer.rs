//! How well the machine's score predicted what recruiters decided: for every scored application
//! a person advanced (invited to test) or rejected at the sift, the ROC AUC of the score (the
//! chance that an advanced application scored above a rejected one) and the advance rate per
//! score band. An AUC near 0.5 says the rubric does not match the team's own judgement.

use serde::Serialize;

use super::History;
use crate::status::Status;

/// Score bands, by lowest score: 0-19, 20-39, 40-59, 60-79, 80-100.
pub const BANDS: [(u8, u8); 5] = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 100)];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Band {
    pub lowest: u8,
    pub highest: u8,
    /// Applications in the band a person decided on.
    pub decided: u64,
    pub advanced: u64,
    /// `advanced` over `decided`; none for an empty band.
    pub advance_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScorerReport {
    /// Scored applications a person advanced past the sift.
    pub advanced: u64,
    /// Scored applications a person rejected before a test invitation.
    pub rejected: u64,
    /// Scored applications not decided yet (or withdrawn).
    pub undecided: u64,
    /// ROC AUC of the machine score; none until both decisions have been taken at least once.
    pub roc_auc: Option<f64>,
    pub bands: Vec<Band>,
}

/// `Some(true)` advanced, `Some(false)` rejected at the sift, `None` not decided.
fn decision(history: &History) -> Option<bool> {
    if history.reached(Status::TestInvited) {
        Some(true)
    } else if history.current() == Some(Status::Rejected) {
        Some(false)
    } else {
        None
    }
}

/// The Mann-Whitney form of the AUC: over every (advanced, rejected) pair, 1 when the advanced
/// one scored higher, 0.5 for a tie. Counted per score value, so it is linear in applications.
fn roc_auc(advanced: &[u8], rejected: &[u8]) -> Option<f64> {
    if advanced.is_empty() || rejected.is_empty() {
        return None;
    }
    let mut below = [0u64; 102];
    let mut at = [0u64; 101];
    for &score in rejected {
        at[usize::from(score.min(100))] += 1;
    }
    for s in 0..101 {
        below[s + 1] = below[s] + at[s];
    }
    let wins: f64 = advanced
        .iter()
        .map(|&score| {
            let s = usize::from(score.min(100));
            below[s] as f64 + at[s] as f64 / 2.0
        })
        .sum();
    Some(wins / (advanced.len() as f64 * rejected.len() as f64))
}

pub fn scorer(histories: &[History]) -> ScorerReport {
    let mut advanced = Vec::new();
    let mut rejected = Vec::new();
    let mut undecided = 0;
    for history in histories {
        let Some(score) = history.machine_score else {
            continue;
        };
        match decision(history) {
            Some(true) => advanced.push(score),
            Some(false) => rejected.push(score),
            None => undecided += 1,
        }
    }
    let in_band =
        |scores: &[u8], (lo, hi): (u8, u8)| scores.iter().filter(|&&s| s >= lo && s <= hi).count() as u64;
    let bands = BANDS
        .iter()
        .map(|&(lowest, highest)| {
            let up = in_band(&advanced, (lowest, highest));
            let decided = up + in_band(&rejected, (lowest, highest));
            Band {
                lowest,
                highest,
                decided,
                advanced: up,
                advance_rate: (decided > 0).then(|| up as f64 / decided as f64),
            }
        })
        .collect();
    ScorerReport {
        advanced: advanced.len() as u64,
        rejected: rejected.len() as u64,
        undecided,
        roc_auc: roc_auc(&advanced, &rejected),
        bands,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::ids::ApplicationId;
    use crate::report::Step;
    use crate::status::Status::*;

    fn history(score: Option<u8>, path: &[Status]) -> History {
        let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).single().unwrap();
        History {
            application: ApplicationId::new(),
            machine_score: score,
            steps: path.iter().map(|&status| Step { status, at }).collect(),
        }
    }

    #[test]
    fn auc_and_bands_by_hand() {
        let (s, u, t, i, r, w) = (
            Submitted,
            UnderReview,
            TestInvited,
            InterviewScheduled,
            Rejected,
            Withdrawn,
        );
        let histories = vec![
            history(Some(90), &[s, u, t]),
            history(Some(70), &[s, u, t, i, r]), // advanced at the sift, rejected later
            history(Some(50), &[s, u, t]),
            history(Some(70), &[s, u, r]),
            history(Some(30), &[s, u, r]),
            history(Some(10), &[s, u, r]),
            history(Some(60), &[s, u]),    // undecided
            history(Some(60), &[s, u, w]), // withdrew
            history(None, &[s, r]),        // rejected by hand, never scored
        ];
        let report = scorer(&histories);
        assert_eq!((report.advanced, report.rejected, report.undecided), (3, 3, 2));
        // Pairs (advanced, rejected): 90 beats 3; 70 ties 70 and beats 2 (2.5); 50 beats 2.
        // (3 + 2.5 + 2) / 9.
        assert!((report.roc_auc.unwrap() - 7.5 / 9.0).abs() < 1e-12);
        let rates: Vec<(u64, u64)> = report.bands.iter().map(|b| (b.decided, b.advanced)).collect();
        assert_eq!(rates, [(1, 0), (1, 0), (1, 1), (2, 1), (1, 1)]);
        assert_eq!(report.bands[3].advance_rate, Some(0.5));
    }

    #[test]
    fn no_auc_without_both_decisions() {
        let report = scorer(&[history(Some(80), &[Submitted, UnderReview, TestInvited])]);
        assert_eq!(report.roc_auc, None);
        assert_eq!(report.bands[0].advance_rate, None);
    }
}
