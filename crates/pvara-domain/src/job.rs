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
    /// The optional stages the job uses (an online test, by default).
    #[serde(default)]
    pub stages: crate::stages::Stages,
    /// National-recruitment rules (eligibility, quotas, marks), for a job run as a drive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drive: Option<crate::merit::Drive>,
}

impl Requirements {
    /// Whether staff see the candidate of an application in `status` without their identity:
    /// under name-blind sifting, until the application reaches an interview.
    pub fn hides_identity(&self, status: crate::status::Status) -> bool {
        self.name_blind && !status.reached_interview()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;

    #[test]
    fn name_blind_sifting_ends_at_the_interview_and_stays_ended_through_the_offer() {
        let blind = Requirements {
            required_skills: vec!["Rust".to_owned()],
            preferred_skills: Vec::new(),
            min_years_experience: 0.0,
            education: Education::None,
            rubric: crate::scoring::Rubric::default(),
            scoring_paused: false,
            name_blind: true,
            stages: crate::stages::Stages::default(),
            drive: None,
        };
        assert!(blind.hides_identity(Status::UnderReview));
        for status in [Status::InterviewScheduled, Status::OfferAccepted, Status::Hired] {
            assert!(!blind.hides_identity(status), "{status}");
        }
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

impl JobDraft<'_> {
    /// Every problem of the draft, without making a job: for a form that cannot post yet.
    pub fn check(&self, now: DateTime<Utc>) -> Vec<ValidationError> {
        Job::parse_all(self, JobId::new(), UserId(uuid::Uuid::nil()), now)
            .err()
            .unwrap_or_default()
    }
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
    /// How many posts the advert fills: shown on the board, and the reports compare hires to it.
    #[serde(default = "one")]
    pub vacancies: u32,
    /// The hiring manager who sees and decides on the job's candidates beside the recruiters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hiring_manager: Option<UserId>,
}

fn one() -> u32 {
    1
}

const MAX_SKILLS: usize = 50;
/// The most posts one advert may fill: a national drive's largest adverts stay well below.
pub const MAX_VACANCIES: u32 = 100_000;

/// A posting's number of posts, from a form or a body.
pub fn parse_vacancies(vacancies: u32) -> Result<u32, ValidationError> {
    if (1..=MAX_VACANCIES).contains(&vacancies) {
        Ok(vacancies)
    } else {
        Err(ValidationError::new(
            "vacancies",
            format!("must be from 1 to {MAX_VACANCIES}"),
        ))
    }
}

/// What staff may change of a posted job: its wording, where, until when, and how many posts.
/// Its requirements and rubric are changed by their own use cases (a rubric change re-scores).
#[derive(Debug, Clone, PartialEq)]
pub struct JobEdit {
    pub title: String,
    pub description: String,
    pub location: Option<String>,
    /// `None`: open until filled. A date in the past is refused: closing has its own action.
    pub closes_at: Option<DateTime<Utc>>,
    pub vacancies: u32,
    /// Who manages the hiring (none: recruiters alone).
    pub hiring_manager: Option<UserId>,
    /// New stages, or `None` to keep them: the use case allows a change only while no
    /// application has reached the stages it changes.
    pub stages: Option<crate::stages::Stages>,
}

impl JobEdit {
    /// Every problem at once, in the order of the form.
    pub fn parse(
        (title, description, location): (&str, &str, Option<&str>),
        closes_at: Option<DateTime<Utc>>,
        vacancies: u32,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let mut keep = |result: Result<String, ValidationError>| match result {
            Ok(text) => Some(text),
            Err(e) => {
                problems.push(e);
                None
            }
        };
        let title = keep(required_text("title", title, 200));
        let description = keep(required_text("description", description, 20_000));
        let location = location.and_then(|l| keep(optional_text("location", l, 200)));
        if closes_at.is_some_and(|at| at <= now) {
            problems.push(ValidationError::new("closesAt", "must be in the future"));
        }
        let vacancies = parse_vacancies(vacancies).map_err(|e| problems.push(e)).ok();
        match (title, description, vacancies) {
            (Some(title), Some(description), Some(vacancies)) if problems.is_empty() => Ok(Self {
                title,
                description,
                location: location.filter(|l| !l.is_empty()),
                closes_at,
                vacancies,
                hiring_manager: None,
                stages: None,
            }),
            _ => Err(problems),
        }
    }
}

impl Job {
    /// The job, or its first problem (the API's one error).
    pub fn parse(
        draft: &JobDraft<'_>,
        id: JobId,
        created_by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        Self::parse_all(draft, id, created_by, now).map_err(|mut all| all.swap_remove(0))
    }

    /// The job, or every problem of the draft at once, in the order of the form.
    pub fn parse_all(
        draft: &JobDraft<'_>,
        id: JobId,
        created_by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<ValidationError>> {
        // The advert's wording and closing date follow the rules of an edit: one home for them.
        let advert = JobEdit::parse(
            (draft.title, draft.description, draft.location),
            draft.closes_at,
            1,
            now,
        );
        let mut problems = advert.as_ref().err().cloned().unwrap_or_default();
        let years = draft.min_years_experience;
        if !(0.0..=60.0).contains(&years) {
            problems.push(ValidationError::new(
                "requirements.minYearsExperience",
                "must be between 0 and 60",
            ));
        }
        let skills = |field, list| text_list(field, list, MAX_SKILLS, 100);
        let required = skills("requirements.requiredSkills", draft.required_skills);
        let preferred = skills("requirements.preferredSkills", draft.preferred_skills);
        let education = Education::parse("requirements.education", draft.education);
        for problem in [&required, &preferred]
            .into_iter()
            .filter_map(|r| r.as_ref().err())
            .chain(education.as_ref().err())
        {
            problems.push(problem.clone());
        }
        let (Ok(advert), Ok(required_skills), Ok(preferred_skills), Ok(education), true) =
            (advert, required, preferred, education, problems.is_empty())
        else {
            return Err(problems);
        };
        let requirements = Requirements {
            required_skills,
            preferred_skills,
            min_years_experience: years,
            education,
            rubric: crate::scoring::Rubric::default(),
            scoring_paused: false,
            name_blind: false,
            stages: crate::stages::Stages::default(),
            drive: None,
        };
        Ok(Job {
            id,
            title: advert.title,
            description: advert.description,
            location: advert.location,
            closes_at: advert.closes_at,
            requirements,
            created_by,
            created_at: now,
            vacancies: advert.vacancies,
            hiring_manager: None,
        })
    }

    /// A new posting with this one's wording, requirements and rubric, open until filled, for
    /// staff to edit before it is seen: advertising the same post again is the common case.
    pub fn copy(&self, id: JobId, by: UserId, now: DateTime<Utc>) -> Job {
        Job {
            id,
            title: self.title.clone(),
            closes_at: None,
            created_by: by,
            created_at: now,
            ..self.clone()
        }
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
