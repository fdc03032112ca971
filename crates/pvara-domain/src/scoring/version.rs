//! Which scorer made a score, typed: the rules and the rubric they scored under, the model that
//! refined it, and whether a person set it over the machine's. Stored as text
//! (`rules-2/rubric-3+all-MiniLM-L6-v2@53aa51172d14`, `override:rules-2/rubric-3`) for people and
//! the API, and as columns for the stores to count by; read in one place, here.

use std::fmt;

use crate::status::Status;

/// Bumped whenever a rule changes, so stored scores say which rules produced them. (2: the
/// weights and knock-outs come from the job's rubric. 3: relevance from the CV alone; the model
/// reads no cover letter, aspiration or negation as evidence, and shows near misses.)
pub const RULES: &str = "rules-3";
/// What comes before the rubric's version in the text.
const RUBRIC_TAG: &str = "/rubric-";
/// What the text of an overridden score starts with, before the machine's own.
const OVERRIDE_PREFIX: &str = "override:";

/// A score's provenance.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScorerVersion {
    /// The rules that scored (`rules-2`; anything this build does not know is kept as given).
    pub rules: String,
    /// The version of the job's rubric the rules scored under; none before rubrics.
    pub rubric: Option<u32>,
    /// The model that refined the rules' score (`all-MiniLM-L6-v2@53aa51172d14`).
    pub refinement: Option<String>,
    /// A person set the score over the machine's (whose provenance the rest keeps).
    pub overridden: bool,
}

impl ScorerVersion {
    /// A score by these rules under the job's rubric `rubric`.
    pub fn rules(rubric: u32) -> Self {
        ScorerVersion {
            rules: RULES.to_owned(),
            rubric: Some(rubric),
            refinement: None,
            overridden: false,
        }
    }

    /// The same score, refined by `model`.
    pub fn refined_by(&self, model: &str) -> Self {
        ScorerVersion {
            refinement: Some(model.to_owned()),
            ..self.clone()
        }
    }

    /// A person's score in place of this one.
    pub fn overridden(&self) -> Self {
        ScorerVersion {
            overridden: true,
            ..self.clone()
        }
    }

    /// Reads the stored text; never fails (an unknown form is kept whole as the rules).
    pub fn parse(text: &str) -> Self {
        let (overridden, rest) = match text.strip_prefix(OVERRIDE_PREFIX) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (machine, refinement) = match rest.split_once('+') {
            Some((machine, model)) => (machine, Some(model.to_owned())),
            None => (rest, None),
        };
        let (rules, rubric) = match machine.split_once(RUBRIC_TAG) {
            Some((rules, version)) if version.chars().all(|c| c.is_ascii_digit()) => {
                (rules, version.parse().ok())
            }
            _ => (machine, None),
        };
        ScorerVersion {
            rules: rules.to_owned(),
            rubric,
            refinement,
            overridden,
        }
    }

    pub fn is_refined(&self) -> bool {
        self.refinement.is_some()
    }

    /// The rubric a machine's score is by; none for a person's, whatever the machine's was.
    pub fn machine_rubric(&self) -> Option<u32> {
        self.rubric.filter(|_| !self.overridden)
    }

    /// Whether this score counts as made under the job's rubric `current` by these rules: by
    /// both, or set by a person (whose score neither a new rubric nor new rules replace).
    pub fn is_current_for(&self, current: u32) -> bool {
        self.overridden || (self.rubric == Some(current) && self.rules == RULES)
    }
}

impl fmt::Display for ScorerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.overridden {
            f.write_str(OVERRIDE_PREFIX)?;
        }
        f.write_str(&self.rules)?;
        if let Some(rubric) = self.rubric {
            write!(f, "{RUBRIC_TAG}{rubric}")?;
        }
        if let Some(model) = &self.refinement {
            write!(f, "+{model}")?;
        }
        Ok(())
    }
}

/// Whether a worker may put a new score in place of the stored one: the one rule every worker
/// that writes scores (re-scoring after a rubric change, the model's refinement) obeys. Not for
/// an erased application (its data is blank), nor one past the sift (offered, hired, rejected,
/// withdrawn: its score no longer decides anything), nor one a person scored.
pub fn may_replace(status: Status, erased: bool, stored: &ScorerVersion) -> bool {
    !erased && status.is_sifting() && !stored.overridden
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_round_trips_and_reads_every_part() {
        for text in [
            "rules-2/rubric-3",
            "rules-2/rubric-12+all-MiniLM-L6-v2@53aa51172d14",
            "override:rules-2/rubric-3",
            "override:rules-2/rubric-3+all-MiniLM-L6-v2@53aa51172d14",
            "rules-1",
            "override:by-hand",
        ] {
            assert_eq!(ScorerVersion::parse(text).to_string(), text);
        }
        let refined = ScorerVersion::parse("rules-2/rubric-12+all-MiniLM-L6-v2@53aa51172d14");
        assert_eq!(
            (refined.rubric, refined.is_refined(), refined.overridden),
            (Some(12), true, false)
        );
        let person = ScorerVersion::parse("override:rules-2/rubric-3");
        assert_eq!((person.machine_rubric(), person.overridden), (None, true));
        assert_eq!(ScorerVersion::rules(3).to_string(), format!("{RULES}/rubric-3"));
        assert_eq!(
            ScorerVersion::parse("rules-1").rubric,
            None,
            "from before rubrics"
        );
        assert_eq!(
            ScorerVersion::rules(3).refined_by("m").overridden().to_string(),
            format!("override:{RULES}/rubric-3+m")
        );
    }

    #[test]
    fn rubric_ten_is_not_rubric_one() {
        // A substring test ("/rubric-1" in "rules-2/rubric-10") took the one for the other.
        assert!(!ScorerVersion::parse("rules-3/rubric-10").is_current_for(1));
        assert!(ScorerVersion::parse("rules-3/rubric-10").is_current_for(10));
        assert!(
            !ScorerVersion::parse("rules-2/rubric-10").is_current_for(10),
            "older rules"
        );
    }

    #[test]
    fn no_worker_replaces_an_erased_a_final_or_a_persons_score() {
        let machine = ScorerVersion::rules(1);
        assert!(may_replace(Status::UnderReview, false, &machine));
        assert!(!may_replace(Status::UnderReview, true, &machine), "erased");
        assert!(!may_replace(Status::Rejected, false, &machine), "final");
        assert!(
            !may_replace(Status::UnderReview, false, &machine.overridden()),
            "a person's"
        );
    }
}
