//! Merit order, shortlisting and the allocation of posts.
//!
//! Candidates are ordered by their weighted total, then by the job's tie-break rules, then by
//! reference, so that no two candidates ever tie and the same input always gives the same list.
//! Posts are then given in one pass per share: open merit first by merit alone, then each quota
//! category, in the order the job names them, among the candidates still without a post.
//! Posts a category cannot fill are carried forward or given to the next candidates on open
//! merit, as the job says. After the posts, each share gets a reserve list as long as its
//! posts: the next candidates of that share, for when a selected candidate declines.
//!
//! Shortlisting for interview is the same pass by test mark, with `shortlist_per_post`
//! candidates for every post.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::marks::Total;
use super::quota::Split;
use super::{Drive, Mark, Shortfall, TieBreak, Unfilled};
use crate::ids::ApplicationId;
use crate::reference::Reference;

/// A candidate as the allocation sees them: what orders them and what they may be given.
#[derive(Debug, Clone, PartialEq)]
pub struct Contender {
    pub application: ApplicationId,
    pub reference: Reference,
    pub submitted_at: DateTime<Utc>,
    pub date_of_birth: Option<NaiveDate>,
    /// The job's quotas (by index) the candidate belongs to.
    pub quotas: Vec<usize>,
    /// Empty when eligible.
    pub shortfalls: Vec<Shortfall>,
    pub test: Option<Mark>,
    pub interview: Option<Mark>,
}

/// The share a post belongs to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Seat {
    OpenMerit,
    Quota { category: String },
}

/// What a candidate got, and why not when they got nothing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum Outcome {
    /// A post of `seat`; `carried_from` names the category whose unfilled post it was.
    #[serde(rename_all = "camelCase")]
    Selected {
        seat: Seat,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        carried_from: Option<String>,
    },
    /// On `seat`'s reserve list at `rank` (1 is proposed first).
    Reserve {
        seat: Seat,
        rank: u32,
    },
    /// Ranked, but below every cut-off the candidate could reach.
    NotSelected,
    NotEligible,
    NoTestMark,
    /// Not called to interview, or absent from it.
    NoInterviewMark,
}

/// One line of a merit list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub application: ApplicationId,
    pub reference: Reference,
    /// Place in merit order; none for a candidate who could not be ranked.
    pub position: Option<u32>,
    pub test: Option<Mark>,
    pub interview: Option<Mark>,
    pub total: Option<Total>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// How a share's posts were filled, and the position of the last candidate given one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cutoff {
    pub seat: Seat,
    pub posts: u32,
    pub filled: u32,
    /// Posts no candidate of the share could fill, kept for the next advertisement (for open
    /// merit: posts left when every ranked candidate has one).
    pub carried_forward: u32,
    /// Posts no candidate of the share could fill, given on open merit.
    pub to_open_merit: u32,
    pub last_position: Option<u32>,
}

/// A whole allocation: the split, the cut-offs and every candidate's line.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Allocation {
    pub split: Split,
    pub cutoffs: Vec<Cutoff>,
    /// Ranked candidates by position, then the others by reference.
    pub entries: Vec<Entry>,
}

/// The posts of the merit list: candidates with both marks, by weighted total.
pub fn allocate(drive: &Drive, vacancies: u32, contenders: &[Contender]) -> Allocation {
    let split = Split::of(vacancies, &drive.quotas);
    let totals: Vec<Option<Total>> = contenders
        .iter()
        .map(|c| match (c.test, c.interview) {
            (Some(t), Some(i)) => Some(drive.weights.total(t, i)),
            _ => None,
        })
        .collect();
    let ranked = rank(drive, contenders, |i| totals[i].map(|t| t.0));
    let places = fill(drive, &split, 1, &ranked, contenders, true);
    let entries = entries(contenders, &ranked, &places.outcomes, |i| totals[i]);
    Allocation {
        split,
        cutoffs: places.cutoffs,
        entries,
    }
}

/// Who is called to interview: the best `shortlist_per_post` candidates per post of each
/// share by test mark (everyone with a test mark when the job sets no ratio). Only the
/// selected lines mean "called"; nobody is put on a reserve list.
pub fn shortlist(drive: &Drive, vacancies: u32, contenders: &[Contender]) -> Allocation {
    let split = Split::of(vacancies, &drive.quotas);
    let per_post = if drive.shortlist_per_post == 0 {
        u32::try_from(contenders.len()).unwrap_or(u32::MAX)
    } else {
        drive.shortlist_per_post
    };
    let ranked = rank(drive, contenders, |i| contenders[i].test.map(|t| t.hundredths()));
    let places = fill(drive, &split, per_post, &ranked, contenders, false);
    let entries = entries(contenders, &ranked, &places.outcomes, |_| None);
    Allocation {
        split,
        cutoffs: places.cutoffs,
        entries,
    }
}

/// The eligible candidates with a merit key, in merit order.
fn rank(drive: &Drive, contenders: &[Contender], key: impl Fn(usize) -> Option<u32>) -> Vec<(usize, u32)> {
    let mut ranked: Vec<(usize, u32)> = (0..contenders.len())
        .filter(|&i| contenders[i].shortfalls.is_empty())
        .filter_map(|i| key(i).map(|k| (i, k)))
        .collect();
    ranked.sort_unstable_by(|(a, ka), (b, kb)| {
        kb.cmp(ka)
            .then_with(|| tie_break(drive, &contenders[*a], &contenders[*b]))
    });
    ranked
}

/// The job's tie-break rules, then the reference: a total order.
fn tie_break(drive: &Drive, a: &Contender, b: &Contender) -> Ordering {
    for rule in &drive.tie_break {
        let order = match rule {
            TieBreak::HigherTest => b.test.cmp(&a.test),
            // An unknown date of birth sorts after every known one.
            TieBreak::Older => match (a.date_of_birth, b.date_of_birth) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            TieBreak::EarlierApplication => a.submitted_at.cmp(&b.submitted_at),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.reference
        .cmp(&b.reference)
        .then_with(|| a.application.0.cmp(&b.application.0))
}

struct Places {
    /// Per ranked position.
    outcomes: Vec<Option<Outcome>>,
    cutoffs: Vec<Cutoff>,
}

/// Gives `per_post` candidates for every post of each share, in merit order, then (with
/// `reserves`) the reserve lists.
fn fill(
    drive: &Drive,
    split: &Split,
    per_post: u32,
    ranked: &[(usize, u32)],
    contenders: &[Contender],
    reserves: bool,
) -> Places {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; ranked.len()];
    let seats: Vec<(Seat, u32, Option<usize>)> = std::iter::once((Seat::OpenMerit, split.open_merit, None))
        .chain(drive.quotas.iter().enumerate().map(|(q, quota)| {
            let seat = Seat::Quota {
                category: quota.category.clone(),
            };
            (seat, split.quotas.get(q).copied().unwrap_or(0), Some(q))
        }))
        .collect();
    let member = |pos: usize, quota: Option<usize>| {
        quota.is_none_or(|q| contenders[ranked[pos].0].quotas.contains(&q))
    };
    let mut cutoffs = Vec::with_capacity(seats.len());
    for (seat, posts, quota) in &seats {
        let wanted = posts.saturating_mul(per_post);
        let mut cutoff = Cutoff {
            seat: seat.clone(),
            posts: wanted,
            filled: 0,
            carried_forward: 0,
            to_open_merit: 0,
            last_position: None,
        };
        for (pos, outcome) in outcomes.iter_mut().enumerate() {
            if cutoff.filled == wanted {
                break;
            }
            if outcome.is_none() && member(pos, *quota) {
                *outcome = Some(Outcome::Selected {
                    seat: seat.clone(),
                    carried_from: None,
                });
                cutoff.filled += 1;
                cutoff.last_position = Some(pos as u32 + 1);
            }
        }
        cutoffs.push(cutoff);
    }
    carry_unfilled(drive.unfilled, &mut cutoffs, &mut outcomes);
    if reserves {
        for (seat, posts, quota) in &seats {
            let mut rank = 0;
            for (pos, outcome) in outcomes.iter_mut().enumerate() {
                if rank == *posts {
                    break;
                }
                if outcome.is_none() && member(pos, *quota) {
                    rank += 1;
                    *outcome = Some(Outcome::Reserve {
                        seat: seat.clone(),
                        rank,
                    });
                }
            }
        }
    }
    Places { outcomes, cutoffs }
}

/// Posts of the quotas left unfilled: recorded as carried forward, or given in merit order to
/// the next candidates without a post.
fn carry_unfilled(unfilled: Unfilled, cutoffs: &mut [Cutoff], outcomes: &mut [Option<Outcome>]) {
    // Open merit goes short only when nobody ranked is left: its posts wait for the next advert.
    if let Some(open) = cutoffs.first_mut() {
        open.carried_forward = open.posts - open.filled;
    }
    let mut next = 0;
    for cutoff in cutoffs.iter_mut().skip(1) {
        let Seat::Quota { category } = &cutoff.seat else {
            continue;
        };
        let left = cutoff.posts - cutoff.filled;
        if left == 0 {
            continue;
        }
        if unfilled == Unfilled::CarryForward {
            cutoff.carried_forward = left;
            continue;
        }
        let mut given = 0;
        while given < left && next < outcomes.len() {
            if outcomes[next].is_none() {
                outcomes[next] = Some(Outcome::Selected {
                    seat: Seat::OpenMerit,
                    carried_from: Some(category.clone()),
                });
                given += 1;
            }
            next += 1;
        }
        cutoff.to_open_merit = given;
        cutoff.carried_forward = left - given;
    }
}

/// Every candidate's line: the ranked ones by position, then the others by reference.
fn entries(
    contenders: &[Contender],
    ranked: &[(usize, u32)],
    outcomes: &[Option<Outcome>],
    total: impl Fn(usize) -> Option<Total>,
) -> Vec<Entry> {
    let line = |i: usize, position: Option<u32>, outcome: Outcome| {
        let c = &contenders[i];
        Entry {
            application: c.application,
            reference: c.reference.clone(),
            position,
            test: c.test,
            interview: c.interview,
            total: total(i),
            outcome,
        }
    };
    let mut lines: Vec<Entry> = ranked
        .iter()
        .zip(outcomes)
        .enumerate()
        .map(|(pos, ((i, _), outcome))| {
            line(
                *i,
                Some(pos as u32 + 1),
                outcome.clone().unwrap_or(Outcome::NotSelected),
            )
        })
        .collect();
    let mut is_ranked = vec![false; contenders.len()];
    for (i, _) in ranked {
        is_ranked[*i] = true;
    }
    let mut others: Vec<Entry> = (0..contenders.len())
        .filter(|&i| !is_ranked[i])
        .map(|i| {
            let c = &contenders[i];
            let outcome = if !c.shortfalls.is_empty() {
                Outcome::NotEligible
            } else if c.test.is_none() {
                Outcome::NoTestMark
            } else {
                Outcome::NoInterviewMark
            };
            line(i, None, outcome)
        })
        .collect();
    others.sort_by(|a, b| a.reference.cmp(&b.reference));
    lines.append(&mut others);
    lines
}
