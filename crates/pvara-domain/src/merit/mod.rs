//! National recruitment: the rules a public commission runs a drive by, on top of the pipeline.
//!
//! A drive advertises a few hundred posts to hundreds of thousands of applicants, and every
//! decision may be challenged in court, so every rule here is deterministic and explainable:
//!
//! - [`eligibility`]: age limits with relaxations, domicile, education and experience, judged
//!   on the job's closing date whatever day the check runs. The machine only says why someone
//!   is not eligible; staff decide.
//! - [`quota`]: the job's posts shared between open merit and quota categories by the
//!   largest-remainder method, in whole posts.
//! - [`marks`]: test and interview marks in hundredths, weighted into a total.
//! - [`allocation`]: the merit order (total, then the job's tie-break), the shortlist for
//!   interview, and the allocation of posts: open merit first, then each category among the
//!   remaining candidates, unfilled posts carried forward or returned to open merit, and a
//!   reserve list per category.
//! - [`list`]: a merit list as published: its canonical text, its SHA-256 fingerprint and the
//!   difference between two versions.
//!
//! The job's rules ([`Drive`]) are versioned like its rubric: every change is a new version and
//! every merit list names the version it was made by.

pub mod allocation;
pub mod eligibility;
pub mod list;
pub mod marks;
pub mod quota;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use eligibility::{Eligibility, Relaxation, Shortfall};
pub use marks::{Mark, MarkWeights};
pub use quota::{Quota, Share};

use crate::scoring::education::Education;
use crate::validation::{ValidationError, optional_text};

/// The longest name of a category or a domicile.
const MAX_NAME: usize = 80;
/// The most categories a job may name (quotas and relaxations together).
pub const MAX_CATEGORIES: usize = 40;

/// A job's national-recruitment rules.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Drive {
    /// 1 for the first rules, one more with each change.
    pub version: u32,
    pub eligibility: Eligibility,
    /// The categories posts are reserved for; what they leave is open merit.
    pub quotas: Vec<Quota>,
    pub weights: MarkWeights,
    /// How candidates with the same total are ordered, in order; the earlier reference last.
    pub tie_break: Vec<TieBreak>,
    /// Candidates called to interview per post of each category, by test merit (0: everyone
    /// with a test mark).
    pub shortlist_per_post: u32,
    /// What happens to a category's posts that no eligible candidate of it can fill.
    pub unfilled: Unfilled,
    /// How long a reserve list stays valid after publication.
    pub reserve_days: u32,
    /// How long candidates may file a representation after publication.
    pub representation_days: u32,
}

/// A rule that orders candidates with the same total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TieBreak {
    /// The higher test mark first.
    HigherTest,
    /// The older candidate first (the earlier date of birth).
    Older,
    /// The earlier application first.
    EarlierApplication,
}

/// Where a category's unfilled posts go.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Unfilled {
    /// Kept for the category's next advertisement.
    CarryForward,
    /// Given to the next candidates on open merit.
    OpenMerit,
}

impl Drive {
    /// The rules as a form or a body gives them, checked all at once; `version` is the number
    /// the stored rules take (one more than the rules they replace).
    pub fn parse(mut self, version: u32) -> Result<Self, Vec<ValidationError>> {
        let mut problems = self.eligibility.check_rules();
        self.quotas = quota::check_quotas(&self.quotas, &mut problems);
        if let Err(e) = self.weights.check() {
            problems.push(e);
        }
        let mut seen = Vec::new();
        for rule in &self.tie_break {
            if seen.contains(rule) {
                problems.push(ValidationError::new("tieBreak", "names a rule twice"));
                break;
            }
            seen.push(*rule);
        }
        if self.shortlist_per_post > 100 {
            problems.push(ValidationError::new("shortlistPerPost", "must be from 0 to 100"));
        }
        for (field, days) in [
            ("reserveDays", self.reserve_days),
            ("representationDays", self.representation_days),
        ] {
            if days > 3650 {
                problems.push(ValidationError::new(field, "must be at most 3650 days"));
            }
        }
        if self.categories().len() > MAX_CATEGORIES {
            problems.push(ValidationError::new(
                "quotas",
                format!("must name at most {MAX_CATEGORIES} categories with the relaxations"),
            ));
        }
        self.version = version;
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }

    /// Every category an applicant may claim (quotas and age relaxations), each once, in the
    /// order the job names them.
    pub fn categories(&self) -> Vec<&str> {
        let mut all: Vec<&str> = Vec::new();
        let named = self
            .quotas
            .iter()
            .map(|q| q.category.as_str())
            .chain(self.eligibility.relaxations.iter().map(|r| r.category.as_str()));
        for name in named {
            if !all.iter().any(|n| same_name(n, name)) {
                all.push(name);
            }
        }
        all
    }

    /// Whether `declaration` puts its applicant in quota `index`: a category they claim, or the
    /// domicile a provincial quota is named after.
    pub fn belongs(&self, declaration: &Declaration, index: usize) -> bool {
        self.quotas.get(index).is_some_and(|quota| {
            same_name(&quota.category, &declaration.domicile)
                || declaration.claims.iter().any(|c| same_name(c, &quota.category))
        })
    }
}

/// What an applicant declares for the rules: decision facts, kept apart from the voluntary
/// equality answers and never mixed with them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Declaration {
    pub date_of_birth: NaiveDate,
    /// The province or region of domicile.
    pub domicile: String,
    /// The job's categories the applicant claims (quotas and relaxations).
    #[serde(default)]
    pub claims: Vec<String>,
    /// The subject of the highest qualification, when the job names subjects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl Declaration {
    /// The declaration, or every problem with it: a claim must be one of `drive`'s categories
    /// and a date of birth must be a plausible one before `today`.
    pub fn parse(mut self, drive: &Drive, today: NaiveDate) -> Result<Self, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let age = eligibility::age_on(self.date_of_birth, today);
        if self.date_of_birth >= today || age > 100 {
            problems.push(ValidationError::new(
                "declaration.dateOfBirth",
                "must be a real date of birth in the past",
            ));
        }
        match optional_text("declaration.domicile", &self.domicile, MAX_NAME) {
            Ok(domicile) if domicile.is_empty() => {
                problems.push(ValidationError::new("declaration.domicile", "must not be empty"))
            }
            Ok(domicile) => self.domicile = domicile,
            Err(e) => problems.push(e),
        }
        let categories = drive.categories();
        let mut claims: Vec<String> = Vec::new();
        for claim in &self.claims {
            match categories.iter().find(|c| same_name(c, claim)) {
                Some(name) if !claims.iter().any(|c| c == name) => claims.push((*name).to_owned()),
                Some(_) => {}
                None => {
                    problems.push(ValidationError::new(
                        "declaration.claims",
                        "must name only the job's categories",
                    ));
                    break;
                }
            }
        }
        self.claims = claims;
        self.subject = match self
            .subject
            .as_deref()
            .map(|s| optional_text("declaration.subject", s, MAX_NAME))
        {
            Some(Ok(s)) if s.is_empty() => None,
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                problems.push(e);
                None
            }
            None => None,
        };
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}

/// Names of categories, domiciles and subjects compare without case or surrounding spaces, as
/// people type them.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim()) || a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// A checked name (category, domicile, subject): trimmed, not empty, not too long.
fn name(field: &'static str, value: &str) -> Result<String, ValidationError> {
    let value = optional_text(field, value, MAX_NAME)?;
    if value.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    Ok(value)
}

/// What the allocation needs to know of one application.
#[derive(Debug, Clone)]
pub struct Applicant<'a> {
    pub application: crate::ids::ApplicationId,
    pub reference: crate::reference::Reference,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub declaration: Option<&'a Declaration>,
    /// From the application: the qualification and the years of experience.
    pub education: Education,
    pub years_experience: f64,
    pub test: Option<Mark>,
    pub interview: Option<Mark>,
}

impl Drive {
    /// The applicant judged by these rules on `closing_date`: their quotas and shortfalls.
    pub fn contender(&self, applicant: Applicant<'_>, closing_date: NaiveDate) -> allocation::Contender {
        let shortfalls = self.eligibility.check(
            applicant.declaration,
            (applicant.education, applicant.years_experience),
            closing_date,
        );
        let quotas = match applicant.declaration {
            Some(d) => (0..self.quotas.len()).filter(|&q| self.belongs(d, q)).collect(),
            None => Vec::new(),
        };
        allocation::Contender {
            application: applicant.application,
            reference: applicant.reference,
            submitted_at: applicant.submitted_at,
            date_of_birth: applicant.declaration.map(|d| d.date_of_birth),
            quotas,
            shortfalls,
            test: applicant.test,
            interview: applicant.interview,
        }
    }
}

impl Default for Drive {
    /// Rules with no eligibility limits and no quotas: a starting point for a form.
    fn default() -> Self {
        Drive {
            version: 0,
            eligibility: Eligibility::default(),
            quotas: Vec::new(),
            weights: MarkWeights::default(),
            tie_break: vec![
                TieBreak::HigherTest,
                TieBreak::Older,
                TieBreak::EarlierApplication,
            ],
            shortlist_per_post: 3,
            unfilled: Unfilled::CarryForward,
            reserve_days: 180,
            representation_days: 15,
        }
    }
}
