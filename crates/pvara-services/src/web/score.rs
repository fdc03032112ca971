//! How the workspace shows a score: its breakdown, whether the language model has refined it,
//! what the model read, and how the score changed.

use pvara_domain::scoring::semantic::MeaningMatch;
use pvara_domain::scoring::{ScoreCard, ScorerVersion, SkillCriterion};
use pvara_storage::model::{ApplicationRecord, ScoreRecord};

#[derive(Debug)]
pub struct BreakdownRow {
    pub name: &'static str,
    pub points: String,
    pub detail: String,
}

/// A passage as the page quotes it.
#[derive(Debug)]
pub struct PassageRow {
    pub similarity: String,
    pub text: String,
}

/// A score change in the history.
#[derive(Debug)]
pub struct ChangeRow {
    pub at: String,
    pub change: String,
    pub reason: String,
}

/// Everything the candidate page shows about the score.
#[derive(Debug, Default)]
pub struct ScoreView {
    pub total: Option<u8>,
    /// "refined" or "pending" where a model refines scores, "overridden" when a person set it;
    /// `None` elsewhere or while unscored.
    pub refinement: Option<&'static str>,
    /// "Set by a recruiter over the machine's 62: <reason>", for an overridden score.
    pub overridden: Option<String>,
    /// Who or what gave the score, in words ("Scored by pvara's rules, edition 3, ...").
    pub provenance: String,
    pub breakdown: Vec<BreakdownRow>,
    pub knockouts: String,
    /// The CV passages nearest the job, best first (refined scores only).
    pub passages: Vec<PassageRow>,
    /// Passages the model did not read, with why.
    pub ignored: Vec<PassageRow>,
    pub changes: Vec<ChangeRow>,
}

/// "overridden", or "refined" or "pending" where a model refines scores (`semantic`), beside a
/// score.
pub fn refinement(scorer_version: Option<&str>, semantic: bool) -> Option<&'static str> {
    let version = scorer_version.map(ScorerVersion::parse)?;
    if version.overridden {
        Some("overridden")
    } else if version.is_refined() {
        Some("refined")
    } else {
        semantic.then_some("pending")
    }
}

impl ScoreView {
    pub fn new(record: &ApplicationRecord, web: &crate::state::WebConfig) -> Self {
        let semantic = web.semantic;
        let version = record.score.as_ref().map(|s| s.scorer_version.as_str());
        let card = record.score.as_ref().and_then(ScoreRecord::card);
        let reading = card.as_ref().and_then(|c| c.semantic.as_ref());
        let quote = |similarity: f32, text: &str| PassageRow {
            similarity: format!("{similarity:.2}"),
            text: text.to_owned(),
        };
        Self {
            total: record.score.as_ref().map(|s| s.total),
            refinement: refinement(version, semantic),
            overridden: overridden(record, card.as_ref()),
            provenance: version.map(provenance).unwrap_or_default(),
            breakdown: card.as_ref().map(breakdown).unwrap_or_default(),
            knockouts: card
                .as_ref()
                .map(|c| {
                    c.knockouts
                        .iter()
                        .map(|k| k.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default(),
            passages: reading
                .map(|r| r.passages.iter().map(|p| quote(p.similarity, &p.text)).collect())
                .unwrap_or_default(),
            ignored: reading
                .map(|r| {
                    r.ignored
                        .iter()
                        .map(|i| PassageRow {
                            similarity: i.reason.describe().to_owned(),
                            text: i.excerpt.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            changes: record
                .score_changes
                .iter()
                .map(|c| ChangeRow {
                    at: web.locale.date_time(c.at),
                    change: format!("{} → {}", c.previous, c.total),
                    reason: c.reason.clone(),
                })
                .collect(),
        }
    }
}

/// Why a person's score stands where it does: over the machine's, or given by hand to an
/// application the machine never scored.
fn overridden(record: &ApplicationRecord, card: Option<&ScoreCard>) -> Option<String> {
    if let Some(o) = card.and_then(|c| c.overridden.as_ref()) {
        return Some(format!(
            "Set by a recruiter over the machine's {}: {}",
            o.machine_total, o.reason
        ));
    }
    let by_hand = &record.score.as_ref()?.breakdown["assessedByHand"];
    by_hand["reason"]
        .as_str()
        .map(|reason| format!("Assessed by hand by a recruiter: {reason}"))
}

fn skills(criterion: &SkillCriterion) -> String {
    let mut text = format!(
        "matched: {}; missing: {}",
        or_dash(&criterion.matched),
        or_dash(&criterion.missing)
    );
    let quoted = |matches: &[MeaningMatch]| -> String {
        matches
            .iter()
            .map(
                |MeaningMatch {
                     skill,
                     passage,
                     similarity,
                 }| format!("{skill} (“{passage}”, {similarity:.2})"),
            )
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !criterion.matched_by_meaning.is_empty() {
        text.push_str(&format!(
            "; matched by meaning: {}",
            quoted(&criterion.matched_by_meaning)
        ));
    }
    if !criterion.near_misses.is_empty() {
        text.push_str(&format!(
            "; near misses, not counted: {}",
            quoted(&criterion.near_misses)
        ));
    }
    text
}

/// A score's provenance as a sentence, not its stored code (`override:rules-3/r2+all-MiniLM...`).
pub fn provenance(stored: &str) -> String {
    let version = ScorerVersion::parse(stored);
    let mut words = match version.rules.strip_prefix("rules-") {
        Some(edition) => format!("Scored by pvara's rules, edition {edition}"),
        None => format!("Scored by the rules named {}", version.rules),
    };
    if let Some(rubric) = version.rubric {
        words.push_str(&format!(", under version {rubric} of this job's rubric"));
    }
    if let Some(model) = &version.refinement {
        let name = model.split('@').next().unwrap_or(model);
        words.push_str(&format!(", refined by the language model {name}"));
    }
    words.push('.');
    if version.overridden {
        words.push_str(" A person has since set the score in its place.");
    }
    words
}

fn breakdown(card: &ScoreCard) -> Vec<BreakdownRow> {
    let pts = |p: f64, max: f64| format!("{p} / {max}");
    let relevance = match &card.semantic {
        Some(reading) => format!(
            "similarity to the job {:.2} by the language model; terms found: {}",
            reading.similarity,
            or_dash(&card.relevance.matched_terms)
        ),
        None => format!("terms found: {}", or_dash(&card.relevance.matched_terms)),
    };
    vec![
        BreakdownRow {
            name: "Required skills",
            points: pts(card.required_skills.points, card.required_skills.max_points),
            detail: skills(&card.required_skills),
        },
        BreakdownRow {
            name: "Preferred skills",
            points: pts(card.preferred_skills.points, card.preferred_skills.max_points),
            detail: skills(&card.preferred_skills),
        },
        BreakdownRow {
            name: "Experience",
            points: pts(card.experience.points, card.experience.max_points),
            detail: format!(
                "{} against a minimum of {}",
                pvara_domain::scoring::years(card.experience.years),
                card.experience.minimum
            ),
        },
        BreakdownRow {
            name: "Education",
            points: pts(card.education.points, card.education.max_points),
            detail: format!(
                "{}; required {}",
                card.education.level.label(),
                card.education.required.label()
            ),
        },
        BreakdownRow {
            name: "Relevance",
            points: pts(card.relevance.points, card.relevance.max_points),
            detail: relevance,
        },
    ]
}

fn or_dash(list: &[String]) -> String {
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use pvara_domain::scoring::ScorerVersion;

    use super::provenance;

    #[test]
    fn a_score_says_where_it_came_from_in_words() {
        let machine = ScorerVersion::rules(2).refined_by("all-MiniLM-L6-v2@53aa51172d14");
        let words = provenance(&machine.overridden().to_string());
        assert_eq!(
            words,
            "Scored by pvara's rules, edition 3, under version 2 of this job's rubric, refined by the \
             language model all-MiniLM-L6-v2. A person has since set the score in its place."
        );
        assert!(!words.contains("override:") && !words.contains('@'));
    }
}
