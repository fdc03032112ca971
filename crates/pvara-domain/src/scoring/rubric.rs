//! A job's rubric: what its score weighs, set by the recruiter who owns the job.
//!
//! The points of the five criteria add up to 100, and each knock-out can be switched off. A
//! rubric is versioned: every change is a new version, every score names the version it was made
//! with (in its scorer version, `rules-3/rubric-3`), and a change re-scores the job's open
//! applications, so that one job's candidates are always ranked by one rubric.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

/// Points per criterion; they add up to 100.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RubricWeights {
    pub required_skills: u8,
    pub preferred_skills: u8,
    pub experience: u8,
    pub education: u8,
    pub relevance: u8,
}

impl RubricWeights {
    fn total(&self) -> u32 {
        [
            self.required_skills,
            self.preferred_skills,
            self.experience,
            self.education,
            self.relevance,
        ]
        .iter()
        .map(|w| u32::from(*w))
        .sum()
    }
}

/// Which knock-outs cap the total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnockoutRules {
    /// A candidate lacking a required skill scores at most 40.
    pub missing_required_skill: bool,
    /// A candidate below the minimum experience scores at most 60.
    pub below_minimum_experience: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rubric {
    /// 1 for a job's first rubric, one more with each change.
    pub version: u32,
    pub weights: RubricWeights,
    pub knockouts: KnockoutRules,
}

/// The rubric every job starts with, and the one of jobs created before rubrics existed: the
/// weights pvara always used, both knock-outs on.
impl Default for Rubric {
    fn default() -> Self {
        Rubric {
            version: 1,
            weights: RubricWeights {
                required_skills: 40,
                preferred_skills: 15,
                experience: 20,
                education: 10,
                relevance: 15,
            },
            knockouts: KnockoutRules {
                missing_required_skill: true,
                below_minimum_experience: true,
            },
        }
    }
}

impl Rubric {
    /// A rubric with `version`, refused unless the weights add up to 100.
    pub fn parse(
        version: u32,
        weights: RubricWeights,
        knockouts: KnockoutRules,
    ) -> Result<Self, ValidationError> {
        let total = weights.total();
        if total != 100 {
            return Err(ValidationError::new(
                "rubric.weights",
                format!("must add up to 100; they add up to {total}"),
            ));
        }
        Ok(Rubric {
            version,
            weights,
            knockouts,
        })
    }

    /// The next version of this rubric, with new weights and knock-outs.
    pub fn revise(&self, weights: RubricWeights, knockouts: KnockoutRules) -> Result<Self, ValidationError> {
        Self::parse(self.version + 1, weights, knockouts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_must_add_up_to_100_and_a_revision_is_a_new_version() {
        let rubric = Rubric::default();
        assert_eq!(rubric.weights.total(), 100);
        let weights = RubricWeights {
            relevance: 30,
            ..rubric.weights
        };
        let error = rubric.revise(weights, rubric.knockouts).expect_err("115");
        assert_eq!(error.field, "rubric.weights");
        assert!(error.message.contains("115"), "{}", error.message);
        let weights = RubricWeights {
            relevance: 30,
            required_skills: 25,
            ..rubric.weights
        };
        let revised = rubric.revise(weights, rubric.knockouts).expect("100");
        assert_eq!(revised.version, 2);
    }
}
