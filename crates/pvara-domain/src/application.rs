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
    /// The candidate as a scorer sees them: no name, e-mail address or phone number, only what
    /// is scored.
    pub fn without_identity(&self) -> Candidate {
        Candidate {
            full_name: FullName::withheld("Withheld"),
            email: Email::withheld(),
            phone: None,
            ..self.clone()
        }
    }

    /// The candidate as staff see them under name-blind sifting: a pseudonym for the name, no
    /// address, phone or cover letter, and the CV text with everything that identifies them
    /// replaced by "[withheld]".
    pub fn name_blind(&self, pseudonym: &str) -> Candidate {
        Candidate {
            full_name: FullName::withheld(pseudonym),
            email: Email::withheld(),
            phone: None,
            resume_text: self.withhold_identity_in(&self.resume_text),
            cover_letter: None,
            ..self.clone()
        }
    }

    /// `text` with everything that identifies this candidate replaced by "[withheld]" (see
    /// [`crate::redaction`]): for the CV text and anything quoted from it.
    pub fn withhold_identity_in(&self, text: &str) -> String {
        self.redactor().redact(text)
    }

    /// The redactor for this candidate's identity.
    pub fn redactor(&self) -> crate::redaction::Redactor {
        crate::redaction::Redactor::new(
            self.full_name.as_str(),
            self.email.as_str(),
            self.phone.as_deref(),
        )
    }

    pub fn parse(draft: &ApplicationDraft<'_>) -> Result<Self, ValidationError> {
        Self::parse_all(draft).map_err(|mut all| all.swap_remove(0))
    }

    /// The candidate, or every rule the draft breaks (not only the first): a form shows them
    /// all at once, each beside its field.
    pub fn parse_all(draft: &ApplicationDraft<'_>) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let full_name = kept(FullName::parse(draft.full_name), &mut errors);
        let email = kept(Email::parse("email", draft.email), &mut errors);
        let phone = kept(phone(draft.phone), &mut errors);
        let skills = kept(listed_skills(draft.skills), &mut errors);
        let years = kept(years_experience(draft.years_experience), &mut errors);
        let education = kept(Education::parse("education", draft.education), &mut errors);
        let resume_text = kept(
            required_text("resumeText", draft.resume_text, MAX_RESUME_CHARS),
            &mut errors,
        );
        let cover_letter = kept(
            draft
                .cover_letter
                .map(|letter| optional_text("coverLetter", letter, MAX_COVER_LETTER_CHARS))
                .transpose()
                .map(|letter| letter.filter(|l| !l.is_empty())),
            &mut errors,
        );
        match (
            full_name,
            email,
            phone,
            skills,
            years,
            education,
            resume_text,
            cover_letter,
        ) {
            (
                Some(full_name),
                Some(email),
                Some(phone),
                Some(skills),
                Some(years_experience),
                Some(education),
                Some(resume_text),
                Some(cover_letter),
            ) => Ok(Candidate {
                full_name,
                email,
                phone,
                skills,
                years_experience,
                education,
                resume_text,
                cover_letter,
            }),
            _ => Err(errors),
        }
    }
}

fn kept<T>(result: Result<T, ValidationError>, errors: &mut Vec<ValidationError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

fn phone(phone: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(phone) = phone else { return Ok(None) };
    let phone = optional_text("phone", phone, 32)?;
    if !phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
        return Err(ValidationError::new(
            "phone",
            "may contain digits, spaces and + - ( ) only",
        ));
    }
    Ok(Some(phone).filter(|p| !p.is_empty()))
}

/// The skills the candidate lists: at least one (a blank list was scored as having none).
fn listed_skills(skills: &[String]) -> Result<Vec<String>, ValidationError> {
    let skills = text_list("skills", skills, 100, 100)?;
    if skills.is_empty() {
        return Err(ValidationError::new("skills", "must list at least one skill"));
    }
    Ok(skills)
}

fn years_experience(years: f64) -> Result<f64, ValidationError> {
    if !(0.0..=60.0).contains(&years) {
        return Err(ValidationError::new(
            "yearsExperience",
            "must be between 0 and 60",
        ));
    }
    Ok(years)
}

/// A new application, ready to be stored together with its `application-submitted` event.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApplication {
    pub id: ApplicationId,
    /// The short reference the candidate quotes (unique per installation; drawn at random by the
    /// caller, drawn again if the store already has it).
    pub reference: crate::reference::Reference,
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
                panelist: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate() -> Candidate {
        let skills = vec!["Rust".to_owned()];
        Candidate::parse(&ApplicationDraft {
            full_name: "Sana Mirza",
            email: "sana.mirza@example.org",
            phone: Some("+92 300 1234567"),
            skills: &skills,
            years_experience: 4.0,
            education: "bachelor",
            resume_text: "SANA MIRZA\nsana.mirza@example.org, +92 300 1234567\nMirza built Rust services.",
            cover_letter: Some("Dear panel, I am Sana."),
        })
        .unwrap()
    }

    #[test]
    fn name_blind_hides_who_the_candidate_is_and_keeps_what_they_did() {
        let blind = candidate().name_blind("Candidate 7F3A");
        assert_eq!(blind.full_name.as_str(), "Candidate 7F3A");
        assert_eq!(blind.email, Email::withheld());
        assert_eq!((blind.phone, blind.cover_letter), (None, None));
        assert_eq!(
            blind.resume_text,
            "[withheld] [withheld]\n[withheld], [withheld]\n[withheld] built Rust services."
        );
        assert_eq!(
            (blind.skills, blind.years_experience),
            (vec!["Rust".to_owned()], 4.0)
        );
    }

    #[test]
    fn the_scorer_sees_no_identity() {
        let seen = candidate().without_identity();
        assert_eq!(seen.full_name.as_str(), "Withheld");
        assert_eq!(seen.email, Email::withheld());
        assert_eq!(seen.phone, None);
        assert_eq!(seen.resume_text, candidate().resume_text, "what is scored stays");
    }
}
