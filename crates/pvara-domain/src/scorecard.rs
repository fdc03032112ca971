//! An interviewer's scorecard: each of the job's rubric criteria rated 1 to 4 with the evidence
//! for it, and an overall recommendation. Structured interviewing asks each member of a panel to
//! judge alone before seeing the others' judgements; [`visible_to`] is that rule.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::scoring::Rubric;
use crate::validation::{ValidationError, required_text};

/// A criterion of the job's rubric, as an interviewer rates it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Criterion {
    RequiredSkills,
    PreferredSkills,
    Experience,
    Education,
    Relevance,
}

impl Criterion {
    pub const ALL: [Criterion; 5] = [
        Criterion::RequiredSkills,
        Criterion::PreferredSkills,
        Criterion::Experience,
        Criterion::Education,
        Criterion::Relevance,
    ];

    /// What a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Criterion::RequiredSkills => "Required skills",
            Criterion::PreferredSkills => "Preferred skills",
            Criterion::Experience => "Experience",
            Criterion::Education => "Education",
            Criterion::Relevance => "Relevance of past work",
        }
    }

    /// The API's and the form's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::RequiredSkills => "requiredSkills",
            Criterion::PreferredSkills => "preferredSkills",
            Criterion::Experience => "experience",
            Criterion::Education => "education",
            Criterion::Relevance => "relevance",
        }
    }

    /// The field an error about this criterion's rating names.
    fn score_field(self) -> &'static str {
        match self {
            Criterion::RequiredSkills => "ratings.requiredSkills.score",
            Criterion::PreferredSkills => "ratings.preferredSkills.score",
            Criterion::Experience => "ratings.experience.score",
            Criterion::Education => "ratings.education.score",
            Criterion::Relevance => "ratings.relevance.score",
        }
    }

    fn evidence_field(self) -> &'static str {
        match self {
            Criterion::RequiredSkills => "ratings.requiredSkills.evidence",
            Criterion::PreferredSkills => "ratings.preferredSkills.evidence",
            Criterion::Experience => "ratings.experience.evidence",
            Criterion::Education => "ratings.education.evidence",
            Criterion::Relevance => "ratings.relevance.evidence",
        }
    }

    /// The criteria a job's interviews rate: those its rubric gives weight to, in its order.
    pub fn of(rubric: &Rubric) -> Vec<Criterion> {
        let w = rubric.weights;
        let weights = [
            w.required_skills,
            w.preferred_skills,
            w.experience,
            w.education,
            w.relevance,
        ];
        Criterion::ALL
            .into_iter()
            .zip(weights)
            .filter(|(_, weight)| *weight > 0)
            .map(|(criterion, _)| criterion)
            .collect()
    }
}

/// The interviewer's overall view.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Recommendation {
    StrongNo,
    No,
    Yes,
    StrongYes,
}

impl Recommendation {
    pub const ALL: [Recommendation; 4] = [
        Recommendation::StrongNo,
        Recommendation::No,
        Recommendation::Yes,
        Recommendation::StrongYes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Recommendation::StrongNo => "Strong no",
            Recommendation::No => "No",
            Recommendation::Yes => "Yes",
            Recommendation::StrongYes => "Strong yes",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::StrongNo => "strongNo",
            Recommendation::No => "no",
            Recommendation::Yes => "yes",
            Recommendation::StrongYes => "strongYes",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Recommendation::ALL
            .into_iter()
            .find(|r| r.as_str() == value.trim())
    }
}

/// One criterion, rated.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    pub criterion: Criterion,
    /// 1 (no evidence of it) to 4 (strong evidence).
    pub score: u8,
    /// What the candidate said or did that shows it.
    pub evidence: String,
}

/// A submitted scorecard's content.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scorecard {
    pub ratings: Vec<Rating>,
    pub recommendation: Recommendation,
}

/// What an interviewer entered, before it is checked: per criterion a score (if chosen) and the
/// evidence, and the recommendation (if chosen).
#[derive(Debug, Clone, Default)]
pub struct ScorecardDraft {
    pub ratings: Vec<(Criterion, Option<u8>, String)>,
    pub recommendation: Option<Recommendation>,
}

impl Scorecard {
    /// The card for a job rating `criteria`, or every problem at once in the order of the form:
    /// each criterion needs a score from 1 to 4 and its evidence; the recommendation is required.
    pub fn parse_all(criteria: &[Criterion], draft: &ScorecardDraft) -> Result<Self, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let mut ratings = Vec::new();
        for &criterion in criteria {
            let given = draft.ratings.iter().find(|(c, _, _)| *c == criterion);
            let score = given.and_then(|(_, score, _)| *score);
            match score {
                Some(score @ 1..=4) => {
                    let evidence = given.map_or("", |(_, _, evidence)| evidence.as_str());
                    match required_text(criterion.evidence_field(), evidence, 4_000) {
                        Ok(evidence) => ratings.push(Rating {
                            criterion,
                            score,
                            evidence,
                        }),
                        Err(_) => problems.push(ValidationError::new(
                            criterion.evidence_field(),
                            format!(
                                "write what the candidate said or did that shows {}",
                                criterion.label().to_lowercase()
                            ),
                        )),
                    }
                }
                _ => problems.push(ValidationError::new(
                    criterion.score_field(),
                    format!("rate {} from 1 to 4", criterion.label().to_lowercase()),
                )),
            }
        }
        if let Some((criterion, _, _)) = draft.ratings.iter().find(|(c, _, _)| !criteria.contains(c)) {
            problems.push(ValidationError::new(
                "ratings",
                format!(
                    "this job's interviews do not rate {}",
                    criterion.label().to_lowercase()
                ),
            ));
        }
        let Some(recommendation) = draft.recommendation else {
            problems.push(ValidationError::new(
                "recommendation",
                "choose your recommendation: strong no, no, yes or strong yes",
            ));
            return Err(problems);
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Scorecard {
            ratings,
            recommendation,
        })
    }
}

/// Whose cards `viewer` may read among a panel's (`submitted`: who has handed theirs in), for
/// one interview. Someone who decides on the job (`decides`) reads every submitted card; a panel
/// member reads the others' only once their own is in, so that nobody's judgement leans on
/// another's; anyone else reads none.
pub fn visible_to(viewer: UserId, decides: bool, submitted: &[UserId]) -> Visibility {
    if decides || submitted.contains(&viewer) {
        Visibility::All
    } else {
        Visibility::OwnOnly
    }
}

/// What [`visible_to`] allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    All,
    /// Only the viewer's own card (none yet): the others' stay hidden until it is in.
    OwnOnly,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(
        scores: &[(Criterion, Option<u8>, &str)],
        recommendation: Option<Recommendation>,
    ) -> ScorecardDraft {
        ScorecardDraft {
            ratings: scores.iter().map(|(c, s, e)| (*c, *s, (*e).to_owned())).collect(),
            recommendation,
        }
    }

    #[test]
    fn every_problem_of_a_card_at_once() {
        let criteria = [Criterion::RequiredSkills, Criterion::Experience];
        let empty = Scorecard::parse_all(&criteria, &ScorecardDraft::default()).unwrap_err();
        let fields: Vec<_> = empty.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            vec![
                "ratings.requiredSkills.score",
                "ratings.experience.score",
                "recommendation"
            ]
        );
        let half = draft(
            &[
                (Criterion::RequiredSkills, Some(5), "x"),
                (Criterion::Experience, Some(3), "  "),
            ],
            Some(Recommendation::Yes),
        );
        let fields: Vec<_> = Scorecard::parse_all(&criteria, &half)
            .unwrap_err()
            .iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            vec!["ratings.requiredSkills.score", "ratings.experience.evidence"]
        );
        let full = draft(
            &[
                (
                    Criterion::RequiredSkills,
                    Some(4),
                    "Built the payroll service in Rust",
                ),
                (Criterion::Experience, Some(2), "Two years, mostly support"),
            ],
            Some(Recommendation::StrongYes),
        );
        let card = Scorecard::parse_all(&criteria, &full).unwrap();
        assert_eq!(card.ratings.len(), 2);
        assert_eq!(card.recommendation, Recommendation::StrongYes);
    }

    #[test]
    fn a_panel_member_sees_the_others_only_after_submitting() {
        let (me, other) = (UserId::new(), UserId::new());
        assert_eq!(visible_to(me, false, &[other]), Visibility::OwnOnly);
        assert_eq!(visible_to(me, false, &[other, me]), Visibility::All);
        assert_eq!(visible_to(me, true, &[]), Visibility::All);
    }

    #[test]
    fn the_criteria_are_the_weighted_ones_of_the_rubric() {
        let mut rubric = Rubric::default();
        assert_eq!(Criterion::of(&rubric).len(), 5);
        rubric.weights.education = 0;
        assert!(!Criterion::of(&rubric).contains(&Criterion::Education));
        for recommendation in Recommendation::ALL {
            assert_eq!(
                Recommendation::parse(recommendation.as_str()),
                Some(recommendation)
            );
        }
    }
}
