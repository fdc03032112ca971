//! A candidate's application, as submitted and as stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ApplicationId, JobId, UserId};
use crate::scoring::education::Education;
use crate::status::Status;
use crate::user::{Email, FullName};
use crate::validation::{ValidationError, optional_text, required_text, text_list};

/// Longest CV text accepted. Real CVs pasted as text are a few KB; the HTTP body limit sits above
/// this so that an over-long CV gets a 422 naming the field rather than a bare 413.
pub const MAX_RESUME_CHARS: usize = 100_000;
pub const MAX_COVER_LETTER_CHARS: usize = 20_000;

/// An application as the API receives it, before validation.
#[derive(Debug, Clone)]
pub struct ApplicationDraft<'a> {
    pub full_name: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub skills: &'a [String],
    pub years_experience: f64,
    pub education: &'a str,
    pub resume_text: &'a str,
    pub cover_letter: Option<&'a str>,
}

/// What the candidate told us. Holds all personal data of an application, which is why it lives
/// in the database only and never travels on the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub full_name: FullName,
    pub email: Email,
    pub phone: Option<String>,
    pub skills: Vec<String>,
    pub years_experience: f64,
    pub education: Education,
    pub resume_text: String,
    pub cover_letter: Option<String>,
}

impl Candidate {
    pub fn parse(draft: &ApplicationDraft<'_>) -> Result<Self, ValidationError> {
        let phone = match draft.phone {
            Some(phone) => {
                let phone = optional_text("phone", phone, 32)?;
                if !phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
                    return Err(ValidationError::new(
                        "phone",
                        "may contain digits, spaces and + - ( ) only",
                    ));
                }
                Some(phone).filter(|p| !p.is_empty())
            }
            None => None,
        };
        if !(0.0..=60.0).contains(&draft.years_experience) {
            return Err(ValidationError::new(
                "yearsExperience",
                "must be between 0 and 60",
            ));
        }
        let cover_letter = match draft.cover_letter {
            Some(letter) => {
                Some(optional_text("coverLetter", letter, MAX_COVER_LETTER_CHARS)?).filter(|l| !l.is_empty())
            }
            None => None,
        };
        Ok(Candidate {
            full_name: FullName::parse(draft.full_name)?,
            email: Email::parse("email", draft.email)?,
            phone,
            skills: text_list("skills", draft.skills, 100, 100)?,
            years_experience: draft.years_experience,
            education: Education::parse("education", draft.education)?,
            resume_text: required_text("resumeText", draft.resume_text, MAX_RESUME_CHARS)?,
            cover_letter,
        })
    }
}

/// A new application, ready to be stored together with its `application-submitted` event.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApplication {
    pub id: ApplicationId,
    pub job_id: JobId,
    pub applicant_id: UserId,
    pub candidate: Candidate,
    pub submitted_at: DateTime<Utc>,
    /// The version of the privacy notice the applicant accepted.
    pub consent_version: String,
}

impl NewApplication {
    /// The events a submission causes: the scorer's cue and the acknowledgement mail.
    pub fn events(&self) -> Vec<crate::event::Event> {
        use crate::event::{EmailRequested, Event, MailTemplate, StatusChanged};
        let (application_id, job_id) = (self.id, self.job_id);
        vec![
            Event::ApplicationSubmitted(StatusChanged {
                application_id,
                job_id,
                status: Status::Submitted,
            }),
            Event::EmailRequested(EmailRequested {
                application_id,
                job_id,
                template: MailTemplate::ApplicationReceived,
            }),
        ]
    }
}

/// A staff member's note on an application: free text, kept with the application and erased
/// with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteText(String);

impl NoteText {
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        Ok(Self(required_text("note", text, 5_000)?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
