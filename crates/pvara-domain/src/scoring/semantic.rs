//! Refining a rules score with what a sentence-embedding model read in the CV.
//!
//! The model itself is I/O and lives in the services; this module holds the parts a recruiter
//! or an auditor has to be able to reason about, as pure functions: which passages of a CV the
//! model reads and which it sets aside (and why), what each passage is compared with, and how
//! similarities become points. Given the same similarities, the same card comes out.
//!
//! CV text is untrusted. A passage repeated, a passage copied from the job advert and a passage
//! that addresses the scorer ("ignore the rubric...") are not read, and are listed on the card as
//! ignored, so that stuffing and injection earn nothing and a recruiter can see they were tried.

use serde::{Deserialize, Serialize};

use super::{KnockoutRules, ScoreCard, SkillCriterion, round1, with_totals};
use crate::application::Candidate;
use crate::job::Job;

/// Passages read per CV at most, in CV order.
pub const MAX_PASSAGES: usize = 32;
/// Words read per CV at most (about 400 tokens), from its start: the model's time is linear in
/// what it reads, and this keeps a 3-5 KB CV near the cost of one 256-token pass while covering
/// the summary and recent roles, where a CV puts what matters. Set-aside passages do not count.
pub const MAX_WORDS: usize = 300;
/// The longest passage, in words; longer sentences are cut into windows of this size.
pub const PASSAGE_WORDS: usize = 60;
/// Fragments shorter than this (headings, dates) join the text that follows them.
const MIN_WORDS: usize = 4;
/// A missing skill is matched by meaning when a passage is at least this similar to it. Set on
/// all-MiniLM-L6-v2: clear paraphrases score 0.44 to 0.58, unrelated lines under 0.32.
pub const MEANING_THRESHOLD: f32 = 0.40;
/// A passage this close to a missing skill, but not close enough, is shown as a near miss: the
/// recruiter sees what came close, and the skill stays missing (the cap stays).
pub const NEAR_MISS: f32 = 0.33;
/// Similarity to the job (the mean of the best passages) earning no relevance points...
pub const RELEVANCE_FLOOR: f32 = 0.15;
/// ...and all of them.
pub const RELEVANCE_FULL: f32 = 0.50;
/// Passages quoted on the card, and averaged for relevance.
pub const QUOTED: usize = 3;
/// The longest quote kept on a card, in characters.
const QUOTE_CHARS: usize = 300;
/// Ignored passages listed on a card at most.
const IGNORED_LISTED: usize = 10;

/// Phrases that state an intention, not experience: "I want to move to Rust" is not Rust. Each
/// names the wish itself; "move to" alone is not one ("organised the office move to a new
/// building" is experience), nor is "to learn" ("trained staff to learn the ledger").
const ASPIRATION: &[&str] = &[
    "want to",
    "wants to",
    "would like to",
    "would love to",
    "hope to",
    "hoping to",
    "keen to",
    "eager to",
    "aspire",
    "looking to",
    "plan to",
    "planning to",
    "intend to",
    "wish to",
    "learning to",
    "interested in learning",
];

/// Phrases that deny experience: "no experience with Kafka" is not Kafka.
const NEGATION: &[&str] = &[
    "no experience",
    "not experienced",
    "never used",
    "never worked",
    "have not used",
    "haven't used",
    "have not worked",
    "haven't worked",
    "do not know",
    "don't know",
    "unfamiliar with",
    "not familiar",
    "little experience",
    "lack experience",
    "lacking experience",
    "without experience",
];

/// Phrases that speak to a scorer rather than describe a candidate. A passage holding one is not
/// read: the model cannot obey it, but it could still be near the job by its words.
const ADDRESSED_TO_SCORER: &[&str] = &[
    "ignore the",
    "ignore all",
    "ignore any",
    "ignore previous",
    "ignore prior",
    "disregard",
    "previous instructions",
    "prior instructions",
    "system prompt",
    "language model",
    "as an ai",
    "score this",
    "rank this",
    "rate this",
    "give this candidate",
    "perfect match",
    "highest score",
    "maximum score",
    "score of 100",
    "100 points",
];

/// A skill the CV shows by meaning rather than by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeaningMatch {
    pub skill: String,
    /// The passage that showed it.
    pub passage: String,
    pub similarity: f32,
}

/// A CV passage and how similar it is to the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotedPassage {
    pub text: String,
    pub similarity: f32,
}

/// Why a passage was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IgnoredReason {
    /// The same words over and over, or a passage already read.
    Repetitive,
    /// Copied from the job advert, or made of nothing but its words (a list of its skills).
    CopiedFromJob,
    /// Speaks to the scorer ("ignore the rubric", "score this candidate 100").
    AddressedToScorer,
    /// States an intention ("I want to move to Rust"), which is not experience.
    Aspiration,
    /// Denies experience ("no experience with Kafka").
    Negation,
    /// From the cover letter: what a candidate says they want, not what the CV shows they did.
    CoverLetter,
}

impl IgnoredReason {
    pub fn describe(self) -> &'static str {
        match self {
            IgnoredReason::Repetitive => "repeats itself or an earlier passage",
            IgnoredReason::CopiedFromJob => "copied from the job advert, or only its words",
            IgnoredReason::AddressedToScorer => "addressed to the scorer, not about the candidate",
            IgnoredReason::Aspiration => "an intention, not experience",
            IgnoredReason::Negation => "says the candidate lacks it",
            IgnoredReason::CoverLetter => "in the cover letter, not the CV: not evidence of experience",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoredPassage {
    pub reason: IgnoredReason,
    pub excerpt: String,
}

/// What the model read, stored on a refined card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reading {
    /// The model and a hash of its weights.
    pub model: String,
    /// The rules score this refines.
    pub rules_total: u8,
    /// Similarity of the CV to the job: the mean of the best passages' (a missing one counts 0).
    pub similarity: f32,
    /// The passages nearest the job, best first.
    pub passages: Vec<QuotedPassage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<IgnoredPassage>,
}

/// A CV cut into passages: the ones the model reads, and the ones set aside.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Passages {
    pub read: Vec<String>,
    pub ignored: Vec<IgnoredPassage>,
}

/// The text passages are compared with for relevance.
pub fn job_text(job: &Job) -> String {
    format!("{}. {}", job.title, job.description)
}

/// The text a skill is compared with: a bare product name says little to a small model.
pub fn skill_query(skill: &str) -> String {
    format!("experience with {skill}")
}

/// The skills a card still misses, required then preferred: the ones meaning may match.
pub fn missing_skills(card: &ScoreCard) -> Vec<&str> {
    card.required_skills
        .missing
        .iter()
        .chain(&card.preferred_skills.missing)
        .map(String::as_str)
        .collect()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn excerpt(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Sentences and lines of `text`, short fragments joined to what follows, long ones cut.
fn split(text: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let ends = c == '\n'
            || (matches!(c, '.' | '!' | '?' | ';') && chars.peek().is_none_or(|n| n.is_whitespace()));
        if c != '\n' {
            current.push(c);
        }
        if ends {
            sentences.push(std::mem::take(&mut current));
        }
    }
    sentences.push(current);
    let mut passages = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    for sentence in &sentences {
        pending.extend(sentence.split_whitespace());
        if pending.len() >= MIN_WORDS {
            passages.extend(pending.chunks(PASSAGE_WORDS).map(|w| w.join(" ")));
            pending.clear();
        }
    }
    if !pending.is_empty() {
        passages.push(pending.join(" "));
    }
    passages
}

fn trigrams(words: &[String]) -> Vec<String> {
    words.windows(3).map(|w| w.join(" ")).collect()
}

/// The passages of a candidate's CV the model reads as evidence, and those it sets aside: the
/// cover letter, aspirations, negations, repetition, the advert copied and words to the scorer.
pub fn passages(candidate: &Candidate, job: &Job) -> Passages {
    let job_words = words(&job_text(job));
    let job_trigrams: std::collections::HashSet<String> = trigrams(&job_words).into_iter().collect();
    let skills = job
        .requirements
        .required_skills
        .iter()
        .chain(&job.requirements.preferred_skills);
    let vocabulary: std::collections::HashSet<String> = job_words
        .into_iter()
        .chain(skills.flat_map(|s| words(s)))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Passages::default();
    let mut read_words = 0;
    let cv = split(&candidate.resume_text).into_iter().map(|p| (p, false));
    let letter = candidate
        .cover_letter
        .as_deref()
        .map(split)
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p, true));
    for (passage, from_letter) in cv.chain(letter) {
        let words = words(&passage);
        if words.is_empty() {
            continue;
        }
        let distinct: std::collections::HashSet<&String> = words.iter().collect();
        let lower = passage.to_lowercase();
        let own = trigrams(&words);
        let copied = own.iter().filter(|t| job_trigrams.contains(*t)).count();
        let borrowed = words.iter().filter(|w| vocabulary.contains(*w)).count();
        let reason =
            if !seen.insert(words.join(" ")) || (words.len() >= 4 && distinct.len() * 2 < words.len()) {
                Some(IgnoredReason::Repetitive)
            } else if (own.len() >= 3 && copied * 5 >= own.len() * 3) || borrowed * 5 >= words.len() * 4 {
                Some(IgnoredReason::CopiedFromJob)
            } else if ADDRESSED_TO_SCORER.iter().any(|p| lower.contains(p)) {
                Some(IgnoredReason::AddressedToScorer)
            } else if from_letter {
                Some(IgnoredReason::CoverLetter)
            } else if NEGATION.iter().any(|p| lower.contains(p)) {
                Some(IgnoredReason::Negation)
            } else if ASPIRATION.iter().any(|p| lower.contains(p)) {
                Some(IgnoredReason::Aspiration)
            } else {
                None
            };
        match reason {
            Some(reason) if out.ignored.len() < IGNORED_LISTED => out.ignored.push(IgnoredPassage {
                reason,
                excerpt: excerpt(&passage),
            }),
            Some(_) => {}
            None if out.read.len() < MAX_PASSAGES && read_words + words.len() <= MAX_WORDS => {
                read_words += words.len();
                out.read.push(passage);
            }
            None => {}
        }
    }
    out
}

/// Similarities as stored: three decimals, so a card reads the same wherever it was computed.
fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// Moves the skills a passage shows by meaning from missing to matched, and re-counts points;
/// a skill only a near miss came close to stays missing, with the near miss shown.
fn match_by_meaning(
    criterion: &SkillCriterion,
    read: &[String],
    found: &[(&str, Option<(usize, f32)>)],
) -> SkillCriterion {
    let mut refined = criterion.clone();
    for (skill, best) in found {
        let Some((passage, similarity)) = best else {
            continue;
        };
        let Some(at) = refined.missing.iter().position(|m| m == skill) else {
            continue;
        };
        let shown = MeaningMatch {
            skill: refined.missing[at].clone(),
            passage: excerpt(&read[*passage]),
            similarity: *similarity,
        };
        if *similarity >= MEANING_THRESHOLD {
            refined.missing.remove(at);
            refined.matched_by_meaning.push(shown);
        } else {
            refined.near_misses.push(shown);
        }
    }
    let wanted = refined.matched.len() + refined.missing.len() + refined.matched_by_meaning.len();
    if wanted > 0 {
        let shown = refined.matched.len() + refined.matched_by_meaning.len();
        refined.points = round1(refined.max_points * shown as f64 / wanted as f64);
    }
    refined
}

/// The refined card: relevance from the passages' similarity to the job, missing skills matched
/// by meaning, totals and knock-outs recomputed by the rules' own arithmetic.
///
/// `rules` are the job's rubric's knock-outs. `to_job[i]` is passage `i`'s similarity to [`job_text`]; `to_skills[k][i]` its similarity to
/// the [`skill_query`] of the `k`-th of [`missing_skills`].
pub fn refine(
    card: &ScoreCard,
    rules: KnockoutRules,
    passages: &Passages,
    model: &str,
    to_job: &[f32],
    to_skills: &[Vec<f32>],
) -> ScoreCard {
    let read = &passages.read;
    let mut ranked: Vec<(usize, f32)> = to_job
        .iter()
        .take(read.len())
        .map(|s| round3(*s))
        .enumerate()
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(QUOTED);
    let similarity = round3(ranked.iter().map(|(_, s)| s).sum::<f32>() / QUOTED as f32);
    let share =
        f64::from(((similarity - RELEVANCE_FLOOR) / (RELEVANCE_FULL - RELEVANCE_FLOOR)).clamp(0.0, 1.0));

    let found: Vec<(&str, Option<(usize, f32)>)> = missing_skills(card)
        .into_iter()
        .zip(to_skills)
        .map(|(skill, sims)| {
            let best = sims
                .iter()
                .take(read.len())
                .map(|s| round3(*s))
                .enumerate()
                .filter(|(_, s)| *s >= NEAR_MISS)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            (skill, best)
        })
        .collect();

    let mut relevance = card.relevance.clone();
    relevance.points = round1(relevance.max_points * share);
    with_totals(
        ScoreCard {
            scorer_version: super::ScorerVersion::parse(&card.scorer_version)
                .refined_by(model)
                .to_string(),
            required_skills: match_by_meaning(&card.required_skills, read, &found),
            preferred_skills: match_by_meaning(&card.preferred_skills, read, &found),
            relevance,
            semantic: Some(Reading {
                model: model.to_owned(),
                rules_total: card.total,
                similarity,
                passages: ranked
                    .into_iter()
                    .map(|(i, similarity)| QuotedPassage {
                        text: excerpt(&read[i]),
                        similarity,
                    })
                    .collect(),
                ignored: passages.ignored.clone(),
            }),
            ..card.clone()
        },
        rules,
    )
}

#[cfg(test)]
#[path = "semantic_tests.rs"]
mod tests;
