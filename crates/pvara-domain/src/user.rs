//! Users and credentials.

use serde::{Deserialize, Serialize};

use crate::validation::{ValidationError, required_text};

/// What a user may do. Applicants register themselves; staff accounts are created by an operator.
///
/// Recruiters and admins see every job; a hiring manager sees and decides on the jobs they
/// manage; an interviewer sees only the candidates of the interviews they sit on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    Recruiter,
    Admin,
    HiringManager,
    Interviewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Applicant,
        Role::Recruiter,
        Role::HiringManager,
        Role::Interviewer,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Recruiter => "recruiter",
            Role::Admin => "admin",
            Role::HiringManager => "hiring_manager",
            Role::Interviewer => "interviewer",
        }
    }

    /// What a person reads: "hiring manager".
    pub fn label(self) -> &'static str {
        match self {
            Role::HiringManager => "hiring manager",
            other => other.as_str(),
        }
    }

    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == value)
            .ok_or_else(|| {
                ValidationError::new(
                    "role",
                    "must be applicant, recruiter, hiring_manager, interviewer or admin",
                )
            })
    }

    /// Recruiters and admins: every job and application, every step of the pipeline.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Recruiter | Role::Admin)
    }

    /// Anyone who works for the installation and signs in to the staff pages: the staff, hiring
    /// managers and interviewers.
    pub fn works_here(self) -> bool {
        self != Role::Applicant
    }

    /// Who may sit on an interview panel: everyone who works here but an admin, whose account
    /// runs the installation.
    pub fn can_interview(self) -> bool {
        matches!(self, Role::Recruiter | Role::HiringManager | Role::Interviewer)
    }
}

/// An e-mail address, trimmed and lower-cased so that one person cannot register twice by case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let value = value.trim().to_lowercase();
        let invalid = || ValidationError::new(field, "must be an e-mail address like name@example.org");
        if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        // Angle brackets and quotes would let an address break out of a mail header.
        let local_ok = !local.is_empty() && local.len() <= 64 && !local.contains(['<', '>', '"', ',', ';']);
        if !domain_ok || !local_ok {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address shown where the real one is withheld (name-blind sifting, the scorer's
    /// input): a reserved domain that reaches nobody.
    pub fn withheld() -> Self {
        Self("withheld@withheld.invalid".to_owned())
    }
}

/// A person's name as they want it used in correspondence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FullName(String);

impl FullName {
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let name = required_text("fullName", value, 200)?;
        if name.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "fullName",
                "must not contain control characters",
            ));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name shown where the real one is withheld: `label` (a pseudonym, "Withheld").
    pub fn withheld(label: &str) -> Self {
        Self(label.to_owned())
    }
}

/// A password that passed the strength policy. Deliberately not `Serialize` and redacted in `Debug`
/// so it cannot end up in a log line or a response.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Length beats composition rules (NIST SP 800-63B), but a password made of one character class
/// only is still refused because that is what dictionary attacks try first.
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_CHARS: usize = 256;

impl Password {
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let chars = value.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(ValidationError::new(
                "password",
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(ValidationError::new(
                "password",
                format!("must be at most {MAX_PASSWORD_CHARS} characters"),
            ));
        }
        let has_letter = value.chars().any(char::is_alphabetic);
        let has_other = value.chars().any(|c| !c.is_alphabetic());
        if !(has_letter && has_other) {
            return Err(ValidationError::new(
                "password",
                "must mix letters with digits or symbols",
            ));
        }
        // Common passwords and their usual decorations ("password12", "Password1!") pass the
        // rules above; zxcvbn's dictionaries and patterns catch them. Score 3 of 4 is "safely
        // unguessable" against an online attacker, which sign-in throttling makes the only kind.
        if zxcvbn::zxcvbn(value, &[]).score() < zxcvbn::Score::Three {
            return Err(ValidationError::new(
                "password",
                "is too easy to guess; a few unrelated words and a number make a strong one",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", " Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "a<b@x.org",
            "a@x..org",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(Password::parse("short1").is_err());
        for common in ["password12", "Password1!", "qwerty123456", "Pakistan123!"] {
            assert!(Password::parse(common).is_err(), "{common} accepted");
        }
        assert!(Password::parse("onlyletterslong").is_err());
        assert!(Password::parse("1234567890123").is_err());
        assert!(Password::parse("correct horse 9").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("correct horse 9").unwrap()),
            "Password(<redacted>)"
        );
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert!(Role::parse("root").is_err());
        assert!(!Role::Applicant.is_staff());
        assert!(Role::Recruiter.is_staff() && Role::Admin.is_staff());
        assert!(!Role::HiringManager.is_staff() && Role::HiringManager.works_here());
        assert!(Role::Interviewer.can_interview() && !Role::Admin.can_interview());
    }
}
