//! The adverse-impact report: at each stage, the selection rate of every category of every
//! equality dimension (and of every pair of dimensions), and its ratio to the most-selected
//! category's, flagged below four fifths (the US "four-fifths rule"; New York City Local Law
//! 144 asks for the same ratios of automated scores).
//!
//! Who counts at a stage:
//! - **Scored above the median**: every application with a machine score is assessed, and
//!   selected when its score is strictly above the job's median (LL144's "scoring rate").
//! - **Invited to test, to interview, offered**: an application is assessed when it reached the
//!   stage before and a person decided: it reached this stage (selected) or was rejected before
//!   it (not selected). Withdrawn candidates and those still waiting for a decision are not
//!   counted, so a stage in progress does not read as a low rate.
//!
//! "Unknown" (no answer, or "prefer not to say") is a row of its own and is never the reference
//! nor compared. A row of fewer than [`MIN_REPORTED`] people shows no counts at all, so that no
//! one's answers or outcome can be read off a small group.

use std::collections::HashMap;

use serde::Serialize;

use super::History;
use crate::equality::{Answers, Dimension, Questionnaire, UNKNOWN, UNKNOWN_LABEL};
use crate::ids::ApplicationId;
use crate::stages::Stages;
use crate::status::Status;

/// Rows of fewer people than this are shown as too small to report.
pub const MIN_REPORTED: u64 = 5;
/// An impact ratio below this is flagged.
pub const FOUR_FIFTHS: f64 = 0.8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Stage {
    ScoredAboveMedian,
    InvitedToTest,
    InvitedToInterview,
    Offered,
    Hired,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::ScoredAboveMedian,
        Stage::InvitedToTest,
        Stage::InvitedToInterview,
        Stage::Offered,
        Stage::Hired,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Stage::ScoredAboveMedian => "Scored above the median",
            Stage::InvitedToTest => "Invited to test",
            Stage::InvitedToInterview => "Invited to interview",
            Stage::Offered => "Offered the job",
            Stage::Hired => "Hired",
        }
    }

    /// The status a selected application reached, and the one it had to reach to be assessed,
    /// on a job with `stages` (without a test, the interview follows the review).
    fn statuses(self, stages: Stages) -> Option<(Status, Status)> {
        match self {
            Stage::ScoredAboveMedian => None,
            Stage::InvitedToTest => Some((Status::UnderReview, Status::TestInvited)),
            Stage::InvitedToInterview => Some((stages.before_interview(), Status::InterviewScheduled)),
            Stage::Offered => Some((Status::InterviewScheduled, Status::OfferExtended)),
            Stage::Hired => Some((Status::OfferExtended, Status::Hired)),
        }
    }

    /// `None`: not assessed at this stage; `Some(selected)` otherwise.
    fn outcome(self, history: &History, median: Option<f64>, stages: Stages) -> Option<bool> {
        match self.statuses(stages) {
            None => Some(f64::from(history.machine_score?) > median?),
            Some((before, after)) if history.reached(before) => {
                if history.reached(after) {
                    Some(true)
                } else if matches!(history.current(), Some(Status::Rejected | Status::OfferWithdrawn)) {
                    // The employer's decision; a declined or expired offer is the candidate's.
                    Some(false)
                } else {
                    None
                }
            }
            Some(_) => None,
        }
    }
}

/// One category (or pair of categories) at one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    /// "Female", or "Female / 25 to 34" for an intersection.
    pub category: String,
    /// The category keys, one per dimension of the table.
    pub keys: Vec<String>,
    /// The row of people whose category is not known (no answer, or prefer not to say).
    pub unknown: bool,
    /// Fewer than five people: no counts are shown.
    pub too_small: bool,
    pub assessed: Option<u64>,
    pub selected: Option<u64>,
    pub selection_rate: Option<f64>,
    /// The selection rate over the highest selection rate of a reportable, known row of the
    /// same table; none for unknown, too-small rows and when nobody was selected.
    pub impact_ratio: Option<f64>,
    /// Impact ratio below 0.8.
    pub flagged: bool,
}

/// The rows of one dimension or one pair of dimensions at one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Table {
    /// "Sex", or "Sex / Age band".
    pub name: String,
    /// The dimension keys.
    pub dimensions: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageReport {
    pub stage: Stage,
    pub label: String,
    pub assessed: u64,
    pub selected: u64,
    /// The job's median machine score (the scoring stage only).
    pub median_score: Option<f64>,
    /// One table per dimension, then one per pair of dimensions.
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImpactReport {
    pub applications: u64,
    /// Applications whose candidate answered at least one question.
    pub answered: u64,
    pub stages: Vec<StageReport>,
}

impl ImpactReport {
    /// Every flagged row, with its stage and table: what a reader must look at first.
    pub fn flagged(&self) -> impl Iterator<Item = (&StageReport, &Table, &Row)> {
        self.stages.iter().flat_map(|s| {
            s.tables
                .iter()
                .flat_map(move |t| t.rows.iter().filter(|r| r.flagged).map(move |r| (s, t, r)))
        })
    }
}

fn row(category: String, keys: Vec<String>, (assessed, selected): Counts) -> Row {
    let unknown = keys.iter().any(|k| k == UNKNOWN);
    let too_small = assessed < MIN_REPORTED;
    Row {
        category,
        keys,
        unknown,
        too_small,
        assessed: (!too_small).then_some(assessed),
        selected: (!too_small).then_some(selected),
        selection_rate: (!too_small).then(|| selected as f64 / assessed as f64),
        impact_ratio: None,
        flagged: false,
    }
}

/// Sets each comparable row's impact ratio against the best comparable rate.
fn compare(rows: &mut [Row]) {
    let comparable = |r: &Row| !r.unknown && !r.too_small;
    let best = rows
        .iter()
        .filter(|r| comparable(r))
        .filter_map(|r| r.selection_rate)
        .fold(0.0_f64, f64::max);
    if best <= 0.0 {
        return;
    }
    for r in rows.iter_mut().filter(|r| comparable(r)) {
        let ratio = r.selection_rate.unwrap_or(0.0) / best;
        r.impact_ratio = Some(ratio);
        r.flagged = ratio < FOUR_FIFTHS;
    }
}

/// (assessed, selected) of one row.
type Counts = (u64, u64);

/// Each subject's category per dimension, as an index into the dimension's categories, the
/// index one past the last standing for unknown: computed once, so that counting the forty-odd
/// tables of a report allocates nothing per application.
fn codes(questionnaire: &Questionnaire, answers: &Answers) -> Vec<usize> {
    questionnaire
        .dimensions
        .iter()
        .map(|d| {
            // An answer to a category since removed from the questions counts as unknown.
            let category = answers.category(&d.key);
            d.categories
                .iter()
                .position(|c| c.key == category)
                .unwrap_or(d.categories.len())
        })
        .collect()
}

fn single_table(dimension: &Dimension, at: usize, outcomes: &[(bool, &[usize])]) -> Table {
    let n = dimension.categories.len();
    let mut counts: Vec<Counts> = vec![(0, 0); n + 1];
    for (selected, codes) in outcomes {
        let entry = &mut counts[codes[at]];
        entry.0 += 1;
        entry.1 += u64::from(*selected);
    }
    let mut rows: Vec<Row> = counts
        .into_iter()
        .enumerate()
        .map(|(i, counts)| match dimension.categories.get(i) {
            Some(c) => row(c.label.clone(), vec![c.key.clone()], counts),
            None => row(UNKNOWN_LABEL.to_owned(), vec![UNKNOWN.to_owned()], counts),
        })
        .collect();
    compare(&mut rows);
    Table {
        name: dimension.name.clone(),
        dimensions: vec![dimension.key.clone()],
        rows,
    }
}

/// Intersections with nobody in them are left out (there are many); "unknown" in either
/// dimension is one row.
fn pair_table(
    (a, at_a): (&Dimension, usize),
    (b, at_b): (&Dimension, usize),
    outcomes: &[(bool, &[usize])],
) -> Table {
    let (na, nb) = (a.categories.len(), b.categories.len());
    let mut counts: Vec<Counts> = vec![(0, 0); na * nb];
    let mut unknown: Counts = (0, 0);
    for (selected, codes) in outcomes {
        let (ca, cb) = (codes[at_a], codes[at_b]);
        let entry = if ca < na && cb < nb {
            &mut counts[ca * nb + cb]
        } else {
            &mut unknown
        };
        entry.0 += 1;
        entry.1 += u64::from(*selected);
    }
    let mut rows = Vec::new();
    for (ia, ca) in a.categories.iter().enumerate() {
        for (ib, cb) in b.categories.iter().enumerate() {
            let counts = counts[ia * nb + ib];
            if counts.0 > 0 {
                let keys = vec![ca.key.clone(), cb.key.clone()];
                rows.push(row(format!("{} / {}", ca.label, cb.label), keys, counts));
            }
        }
    }
    if unknown.0 > 0 {
        rows.push(row(
            UNKNOWN_LABEL.to_owned(),
            vec![UNKNOWN.to_owned(); 2],
            unknown,
        ));
    }
    compare(&mut rows);
    Table {
        name: format!("{} / {}", a.name, b.name),
        dimensions: vec![a.key.clone(), b.key.clone()],
        rows,
    }
}

fn stage_report(
    (stage, stages): (Stage, Stages),
    questionnaire: &Questionnaire,
    subjects: &[(&History, Vec<usize>)],
    median_score: Option<f64>,
) -> StageReport {
    let outcomes: Vec<(bool, &[usize])> = subjects
        .iter()
        .filter_map(|(h, codes)| {
            stage
                .outcome(h, median_score, stages)
                .map(|selected| (selected, codes.as_slice()))
        })
        .collect();
    let dims = &questionnaire.dimensions;
    let mut tables: Vec<Table> = dims
        .iter()
        .enumerate()
        .map(|(i, d)| single_table(d, i, &outcomes))
        .collect();
    for (i, a) in dims.iter().enumerate() {
        for (j, b) in dims.iter().enumerate().skip(i + 1) {
            tables.push(pair_table((a, i), (b, j), &outcomes));
        }
    }
    StageReport {
        stage,
        label: stage.label().to_owned(),
        assessed: outcomes.len() as u64,
        selected: outcomes.iter().filter(|(s, _)| *s).count() as u64,
        median_score: median_score.filter(|_| stage == Stage::ScoredAboveMedian),
        tables,
    }
}

/// The report of one job from its applications' histories and whatever equality answers their
/// candidates gave (an application missing from `answers` counts as unknown everywhere), at the
/// stages the job uses.
pub fn impact(
    questionnaire: &Questionnaire,
    histories: &[History],
    answers: &HashMap<ApplicationId, Answers>,
    stages: Stages,
) -> ImpactReport {
    let none = Answers::default();
    let mut answered = 0;
    let subjects: Vec<(&History, Vec<usize>)> = histories
        .iter()
        .map(|h| {
            let given = answers.get(&h.application).unwrap_or(&none);
            answered += u64::from(!given.is_empty());
            (h, codes(questionnaire, given))
        })
        .collect();
    let mut scores: Vec<f64> = histories
        .iter()
        .filter_map(|h| h.machine_score.map(f64::from))
        .collect();
    let median_score = super::median(&mut scores);
    ImpactReport {
        applications: histories.len() as u64,
        answered,
        stages: Stage::ALL
            .iter()
            .filter(|stage| stages.online_test || **stage != Stage::InvitedToTest)
            .map(|&stage| stage_report((stage, stages), questionnaire, &subjects, median_score))
            .collect(),
    }
}

#[cfg(test)]
#[path = "impact_tests.rs"]
mod tests;
