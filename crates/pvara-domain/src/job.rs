//! Job postings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{JobId, UserId};
use crate::scoring::education::Education;
use crate::validation::{ValidationError, optional_text, required_text, text_list};

/// What the scorer measures an application against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requirements {
    pub required_skills: Vec<String>,
    pub preferred_skills: Vec<String>,
    pub min_years_experience: f64,
    pub education: Education,
    /// What the score weighs; jobs stored before rubrics read as the default.
    #[serde(default)]
    pub rubric: crate::scoring::Rubric,
    /// New applications wait for a person instead of the scorer ("awaiting manual assessment").
    #[serde(default)]
    pub scoring_paused: bool,
    /// Name-blind sifting: staff do not see who a candidate is until an interview is scheduled.
    #[serde(default)]
    pub name_blind: bool,
}

impl Requirements {
    /// Whether staff see the candidate of an application in `status` without their identity:
    /// under name-blind sifting, until the application reaches an interview.
    pub fn hides_identity(&self, status: crate::status::Status) -> bool {
        use crate::status::Status;
        self.name_blind && !matches!(status, Status::InterviewScheduled | Status::OfferExtended)
    }
}

/// A job as the API receives it, before validation.
#[derive(Debug, Clone)]
pub struct JobDraft<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub location: Option<&'a str>,
    pub closes_at: Option<DateTime<Utc>>,
    pub required_skills: &'a [String],
    pub preferred_skills: &'a [String],
    pub min_years_experience: f64,
    pub education: &'a str,
}

/// A validated job posting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: JobId,
    pub title: String,
    pub description: String,
    pub location: Option<String>,
    pub closes_at: Option<DateTime<Utc>>,
    pub requirements: Requirements,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

const MAX_SKILLS: usize = 50;

impl Job {
    pub fn parse(
        draft: &JobDraft<'_>,
        id: JobId,
        created_by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        let title = required_text("title", draft.title, 200)?;
        let description = required_text("description", draft.description, 20_000)?;
        let location = match draft.location {
            Some(loc) => Some(optional_text("location", loc, 200)?).filter(|l| !l.is_empty()),
            None => None,
        };
        if let Some(closes_at) = draft.closes_at
            && closes_at <= now
        {
            return Err(ValidationError::new("closesAt", "must be in the future"));
        }
        let years = draft.min_years_experience;
        if !(0.0..=60.0).contains(&years) {
            return Err(ValidationError::new(
                "requirements.minYearsExperience",
                "must be between 0 and 60",
            ));
        }
        let requirements = Requirements {
            required_skills: text_list(
                "requirements.requiredSkills",
                draft.required_skills,
                MAX_SKILLS,
                100,
            )?,
            preferred_skills: text_list(
                "requirements.preferredSkills",
                draft.preferred_skills,
                MAX_SKILLS,
                100,
            )?,
            min_years_experience: years,
            education: Education::parse("requirements.education", draft.education)?,
            rubric: crate::scoring::Rubric::default(),
            scoring_paused: false,
            name_blind: false,
        };
        Ok(Job {
            id,
            title,
            description,
            location,
            closes_at: draft.closes_at,
            requirements,
            created_by,
            created_at: now,
        })
    }

    /// Open jobs take applications.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        open_at(self.closes_at, now)
    }
}

/// Whether a job that closes at `closes_at` (never, if `None`) still takes applications at `now`.
pub fn open_at(closes_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    closes_at.is_none_or(|closes_at| closes_at > now)
}
