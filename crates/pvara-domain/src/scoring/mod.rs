//! The deterministic, explainable scorer.
//!
//! An application earns points on five criteria, weighted by its job's [`Rubric`]; the total is
//! rounded to a whole number 0..=100 and then capped by any knock-out the rubric applies. The same
//! application and job always give the same card, which is what makes redelivered events safe and
//! scores auditable: the breakdown, the scorer and rubric versions and a hash of the input are
//! stored next to the score, so any score can be reproduced.

pub mod education;
pub mod relevance;
pub mod rubric;
pub mod semantic;
pub mod skills;
pub mod version;

use serde::{Deserialize, Serialize};

use crate::application::Candidate;
use crate::job::Job;
use education::Education;
pub use rubric::{KnockoutRules, Rubric, RubricWeights};
pub use version::{ScorerVersion, may_replace};

/// The rank of a `total` with `nearness` (0 to 1) between equal totals: [`ScoreCard::rank`]; a
/// person's score ranks in the middle of its total.
pub fn rank(total: u8, nearness: f64) -> i64 {
    i64::from(total) * 1000 + (nearness.clamp(0.0, 1.0) * 999.0).round() as i64
}

/// A candidate lacking any required skill scores at most this.
pub const CAP_MISSING_REQUIRED_SKILL: u8 = 40;
/// A candidate below the minimum experience scores at most this.
pub const CAP_BELOW_MIN_EXPERIENCE: u8 = 60;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillCriterion {
    pub points: f64,
    pub max_points: f64,
    pub matched: Vec<String>,
    pub missing: Vec<String>,
    /// Skills not listed word for word that a CV passage showed by meaning (semantic refinement);
    /// they count as matched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched_by_meaning: Vec<semantic::MeaningMatch>,
    /// Missing skills a passage came close to by meaning, but not close enough to count: shown
    /// so that a recruiter can judge, while the skill stays missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub near_misses: Vec<semantic::MeaningMatch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExperienceCriterion {
    pub points: f64,
    pub max_points: f64,
    pub years: f64,
    pub minimum: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EducationCriterion {
    pub points: f64,
    pub max_points: f64,
    pub level: Education,
    pub required: Education,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelevanceCriterion {
    pub points: f64,
    pub max_points: f64,
    /// Job-description terms found in the CV, most weighty first.
    pub matched_terms: Vec<String>,
}

/// A rule that caps the total no matter how strong the rest of the application is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Knockout {
    pub code: String,
    pub message: String,
    pub cap: u8,
}

/// Everything the score was made of, stored with it and shown to recruiters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreCard {
    pub total: u8,
    /// The total before knock-out caps.
    pub uncapped_total: u8,
    pub scorer_version: String,
    pub required_skills: SkillCriterion,
    pub preferred_skills: SkillCriterion,
    pub experience: ExperienceCriterion,
    pub education: EducationCriterion,
    pub relevance: RelevanceCriterion,
    pub knockouts: Vec<Knockout>,
    /// The version of the job's rubric the score was made with (0 on cards from before rubrics).
    #[serde(default)]
    pub rubric_version: u32,
    /// SHA-256 of everything the score was computed from (see [`input_hash`]), so that it can be
    /// reproduced and shown to rest on the same input.
    #[serde(default)]
    pub input_hash: String,
    /// A person's score in place of this one, kept beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overridden: Option<Override>,
    /// What the language model read in the CV, when the score was refined by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub semantic: Option<semantic::Reading>,
}

/// A recruiter's score for an application, in place of the machine's, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Override {
    pub total: u8,
    /// The machine's total it replaces (the card's own `total`).
    pub machine_total: u8,
    pub reason: String,
    /// The user who set it.
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Where a stored card keeps the machine's total under a person's override, as a JSON path:
/// both storage engines read it there, because the reports judge the machine, not the override.
pub const MACHINE_TOTAL_PATH: [&str; 2] = ["overridden", "machineTotal"];

/// A score a recruiter sets: 0 to 100, with a reason of up to 500 characters.
pub fn parse_override(score: i64, reason: &str) -> Result<(u8, String), crate::ValidationError> {
    let total = u8::try_from(score)
        .ok()
        .filter(|s| *s <= 100)
        .ok_or_else(|| crate::ValidationError::new("score", "must be a whole number from 0 to 100"))?;
    let reason = crate::validation::required_text("reason", reason, 500)?;
    Ok((total, reason))
}

impl ScoreCard {
    /// Where this card ranks among applications: its total first, then, between equal totals
    /// (most of all inside a knock-out's cap, where many sit at the cap), how near the CV is to
    /// the job: the model's similarity once refined, the rules' relevance before. Ties only when
    /// neither sees a difference.
    pub fn rank(&self) -> i64 {
        let nearness = match &self.semantic {
            Some(reading) => f64::from(reading.similarity),
            None if self.relevance.max_points > 0.0 => self.relevance.points / self.relevance.max_points,
            None => 0.0,
        };
        rank(self.total, nearness)
    }

    /// Which scorer made this card (whether a person later set the score over it is the stored
    /// score's version to say, not the card's).
    pub fn version(&self) -> ScorerVersion {
        ScorerVersion::parse(&self.scorer_version)
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn skill_criterion(wanted: &[String], offered: &[String], max_points: f64) -> SkillCriterion {
    let (matched, missing) = skills::match_skills(wanted, offered);
    // No requirement means nothing to miss.
    let share = if wanted.is_empty() {
        1.0
    } else {
        matched.len() as f64 / wanted.len() as f64
    };
    SkillCriterion {
        points: round1(max_points * share),
        max_points,
        matched,
        missing,
        matched_by_meaning: Vec::new(),
        near_misses: Vec::new(),
    }
}

/// The knock-outs the criteria call for, of those `rules` apply: one rule for the rules score and
/// its refinement.
fn knockouts(card: &ScoreCard, rules: KnockoutRules) -> Vec<Knockout> {
    let (required_skills, experience) = (&card.required_skills, &card.experience);
    let mut knockouts = Vec::new();
    if rules.missing_required_skill && !required_skills.missing.is_empty() {
        knockouts.push(Knockout {
            code: "missingRequiredSkill".to_owned(),
            message: format!("missing required skills: {}", required_skills.missing.join(", ")),
            cap: CAP_MISSING_REQUIRED_SKILL,
        });
    }
    if rules.below_minimum_experience && experience.years < experience.minimum {
        knockouts.push(Knockout {
            code: "belowMinimumExperience".to_owned(),
            message: format!(
                "{} of experience, {} required",
                years(experience.years),
                experience.minimum
            ),
            cap: CAP_BELOW_MIN_EXPERIENCE,
        });
    }
    knockouts
}

/// Sums the criteria and applies the knock-outs `rules` apply: the card's totals, wherever its
/// criteria came from.
fn with_totals(card: ScoreCard, rules: KnockoutRules) -> ScoreCard {
    let knockouts = knockouts(&card, rules);
    let sum = card.required_skills.points
        + card.preferred_skills.points
        + card.experience.points
        + card.education.points
        + card.relevance.points;
    let uncapped_total = sum.round().clamp(0.0, 100.0) as u8;
    let total = knockouts.iter().map(|k| k.cap).fold(uncapped_total, u8::min);
    ScoreCard {
        total,
        uncapped_total,
        knockouts,
        ..card
    }
}

/// What a score is computed from, hashed: the job's text, requirements and rubric, and the
/// candidate's skills, experience, education, CV and cover letter. Never a name, an address or a
/// phone number: the scorer does not see who the candidate is.
///
/// The hashed text is the canonical JSON `{"candidate":[..],"job":[..],"requirements":{..}}`
/// with every object's keys sorted. It is written straight into the hash, piece by piece, not
/// built as a JSON tree first: that copied every CV once more per score (issue 28). The bytes,
/// and so the hashes stored with earlier scores, are the same (pinned in the tests).
pub fn input_hash(job: &Job, candidate: &Candidate) -> String {
    use sha2::Digest;
    use std::io::Write;
    let mut hash = sha2::Sha256::new();
    let candidate_part = (
        &candidate.skills,
        candidate.years_experience,
        candidate.education,
        &candidate.resume_text,
        &candidate.cover_letter,
    );
    // Writing into a hash cannot fail; serializing these plain values cannot either.
    let _ = hash.write_all(br#"{"candidate":"#);
    let _ = serde_json::to_writer(&mut hash, &candidate_part);
    let _ = hash.write_all(br#","job":"#);
    let _ = serde_json::to_writer(&mut hash, &(&job.title, &job.description));
    let _ = hash.write_all(br#","requirements":"#);
    let requirements = serde_json::to_value(&job.requirements).unwrap_or_default();
    let _ = serde_json::to_writer(&mut hash, &sorted_keys(requirements));
    let _ = hash.write_all(b"}");
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The value with every object's keys in sorted order, so that the hash of the same input is
/// the same whatever a dependency does to serde_json's map (its `preserve_order` feature keeps
/// insertion order instead): the hashes stored with earlier scores stay comparable.
fn sorted_keys(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted_keys(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted_keys).collect())
        }
        other => other,
    }
}

/// Scores `candidate` against `job` under the job's rubric. Pure: same inputs, same card.
pub fn score(job: &Job, candidate: &Candidate) -> ScoreCard {
    let req = &job.requirements;
    let rubric = &req.rubric;
    let weight = |points: u8| f64::from(points);
    let required_skills = skill_criterion(
        &req.required_skills,
        &candidate.skills,
        weight(rubric.weights.required_skills),
    );
    let preferred_skills = skill_criterion(
        &req.preferred_skills,
        &candidate.skills,
        weight(rubric.weights.preferred_skills),
    );

    let experience_share = if req.min_years_experience <= 0.0 {
        1.0
    } else {
        (candidate.years_experience / req.min_years_experience).min(1.0)
    };
    let experience = ExperienceCriterion {
        points: round1(weight(rubric.weights.experience) * experience_share),
        max_points: weight(rubric.weights.experience),
        years: candidate.years_experience,
        minimum: req.min_years_experience,
    };

    // Meeting the level earns everything; each level short halves what is left.
    let levels_short = (req.education as i32 - candidate.education as i32).max(0);
    let education = EducationCriterion {
        points: round1(weight(rubric.weights.education) / f64::from(1 << levels_short.min(8))),
        max_points: weight(rubric.weights.education),
        level: candidate.education,
        required: req.education,
    };
    let education = if levels_short >= 2 {
        EducationCriterion {
            points: 0.0,
            ..education
        }
    } else {
        education
    };

    // The CV alone: the cover letter says what a candidate wants, not what they have done.
    let query = format!("{}\n{}", job.title, job.description);
    let (share, matched_terms) = relevance::relevance(&query, &candidate.resume_text);
    let relevance = RelevanceCriterion {
        points: round1(weight(rubric.weights.relevance) * share),
        max_points: weight(rubric.weights.relevance),
        matched_terms,
    };

    with_totals(
        ScoreCard {
            total: 0,
            uncapped_total: 0,
            scorer_version: ScorerVersion::rules(rubric.version).to_string(),
            required_skills,
            preferred_skills,
            experience,
            education,
            relevance,
            knockouts: Vec::new(),
            rubric_version: rubric.version,
            input_hash: input_hash(job, candidate),
            overridden: None,
            semantic: None,
        },
        rubric.knockouts,
    )
}

/// A number of years as a person reads it: "1 year", "3 years", "2.5 years".
pub fn years(n: f64) -> String {
    if n == 1.0 {
        "1 year".to_owned()
    } else {
        format!("{n} years")
    }
}

#[cfg(test)]
mod tests;
