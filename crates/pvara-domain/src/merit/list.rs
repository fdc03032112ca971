//! A merit list as published: its canonical text, its fingerprint, and what changed between two
//! versions.
//!
//! The canonical text is plain CSV in a fixed order (one header, then one line per candidate,
//! ranked first), with no names: anyone holding the published file can recompute the SHA-256
//! fingerprint with `sha256sum` and compare it with the one on the results page and in the
//! audit trail.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::allocation::{Allocation, Entry, Outcome, Seat};
use crate::ids::JobId;
use crate::reference::Reference;

/// The first line of every canonical text, naming its format.
const FORMAT: &str = "pvara merit list 1";

/// A job's merit list, version `version`, made by rules version `drive_version`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeritList {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub job: JobId,
    pub version: u32,
    pub drive_version: u32,
    pub vacancies: u32,
    #[serde(flatten)]
    pub allocation: Allocation,
}

impl MeritList {
    /// The list as canonical CSV, the text its fingerprint is taken of.
    pub fn canonical(&self) -> String {
        let mut text = String::with_capacity(64 * (self.allocation.entries.len() + 4));
        let _ = writeln!(text, "{FORMAT}");
        let _ = writeln!(
            text,
            "job,{},version,{},rules,{}",
            self.job, self.version, self.drive_version
        );
        text.push_str("reference,position,test,interview,total,outcome,seat,reserve rank\n");
        for entry in &self.allocation.entries {
            line(&mut text, entry);
        }
        text
    }

    /// The SHA-256 of [`MeritList::canonical`], in lower-case hex.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.canonical())
    }

    /// The line of one application, if it is on the list.
    pub fn entry_of(&self, reference: &Reference) -> Option<&Entry> {
        self.allocation.entries.iter().find(|e| &e.reference == reference)
    }
}

/// SHA-256 of `text` in lower-case hex.
pub fn fingerprint(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

fn line(text: &mut String, entry: &Entry) {
    let opt = |value: Option<String>| value.unwrap_or_default();
    let (outcome, seat, rank) = match &entry.outcome {
        Outcome::Selected { seat, carried_from } => {
            let seat = match carried_from {
                Some(from) => format!("{} (from {from})", seat_name(seat)),
                None => seat_name(seat),
            };
            ("selected", seat, String::new())
        }
        Outcome::Reserve { seat, rank } => ("reserve", seat_name(seat), rank.to_string()),
        Outcome::NotSelected => ("not selected", String::new(), String::new()),
        Outcome::NotEligible => ("not eligible", String::new(), String::new()),
        Outcome::NoTestMark => ("no test mark", String::new(), String::new()),
        Outcome::NoInterviewMark => ("no interview mark", String::new(), String::new()),
    };
    let _ = writeln!(
        text,
        "{},{},{},{},{},{outcome},{},{rank}",
        entry.reference,
        opt(entry.position.map(|p| p.to_string())),
        opt(entry.test.map(|m| m.to_string())),
        opt(entry.interview.map(|m| m.to_string())),
        opt(entry.total.map(|t| t.to_string())),
        csv_field(&seat),
    );
}

/// A seat's name in the canonical text (English: the text is a record, not a page).
pub fn seat_name(seat: &Seat) -> String {
    match seat {
        Seat::OpenMerit => "open merit".to_owned(),
        Seat::Quota { category } => category.clone(),
    }
}

/// A field quoted when it holds a comma or a quote, as CSV does.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// One candidate whose line differs between two versions of a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    pub reference: Reference,
    pub before: Option<Entry>,
    pub after: Option<Entry>,
}

/// The candidates whose marks, position or outcome differ from `before` to `after`, by
/// reference.
pub fn differences(before: &MeritList, after: &MeritList) -> Vec<Difference> {
    let mut lines: BTreeMap<&Reference, (Option<&Entry>, Option<&Entry>)> = BTreeMap::new();
    for entry in &before.allocation.entries {
        lines.entry(&entry.reference).or_default().0 = Some(entry);
    }
    for entry in &after.allocation.entries {
        lines.entry(&entry.reference).or_default().1 = Some(entry);
    }
    lines
        .into_iter()
        .filter(|(_, (b, a))| b != a)
        .map(|(reference, (b, a))| Difference {
            reference: reference.clone(),
            before: b.cloned(),
            after: a.cloned(),
        })
        .collect()
}

/// A post given up (declined, withdrawn, expired, rejected after publication) and the
/// candidate proposed for it: the next on its share's reserve list who is still in the running.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    /// Who gave the post up.
    pub vacated_by: Reference,
    pub seat: Seat,
    /// The next on the reserve list; none when the list is used up.
    pub proposed: Option<Entry>,
}

/// The proposals for the posts of `list` whose holders `gone` says no longer take them, in
/// merit order: each share's vacated posts go to its reserve list in rank order, skipping
/// reserves who are gone themselves. Staff decide; pvara only proposes.
pub fn reserve_proposals(list: &MeritList, gone: impl Fn(&Entry) -> bool) -> Vec<Proposal> {
    let entries = &list.allocation.entries;
    let mut reserves: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Reserve { .. }) && !gone(e))
        .collect();
    reserves.sort_by_key(|e| match e.outcome {
        Outcome::Reserve { rank, .. } => rank,
        _ => u32::MAX,
    });
    let mut used = vec![false; reserves.len()];
    let mut proposals = Vec::new();
    for vacated in entries.iter().filter(|e| gone(e)) {
        let Outcome::Selected { seat, .. } = &vacated.outcome else {
            continue;
        };
        let next = reserves.iter().enumerate().position(|(i, r)| {
            !used[i] && matches!(&r.outcome, Outcome::Reserve { seat: s, .. } if s == seat)
        });
        if let Some(i) = next {
            used[i] = true;
        }
        proposals.push(Proposal {
            vacated_by: vacated.reference.clone(),
            seat: seat.clone(),
            proposed: next.map(|i| reserves[i].clone()),
        });
    }
    proposals
}
