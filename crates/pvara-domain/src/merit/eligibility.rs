//! Who may be appointed: age limits with relaxations, domicile, education and experience, all
//! judged on the job's closing date.
//!
//! The check never rejects anyone. It lists each rule an applicant falls short of, so the apply
//! page can say why before they submit and staff can reject the not-eligible in bulk with the
//! reason.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Declaration, name, same_name};
use crate::scoring::education::Education;
use crate::validation::ValidationError;

/// A job's eligibility rules; each is optional.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Eligibility {
    /// Youngest age on the closing date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u32>,
    /// Oldest age on the closing date, before relaxations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u32>,
    /// Years added to the upper age limit for a category (the largest one an applicant claims
    /// counts; relaxations do not add up).
    #[serde(default)]
    pub relaxations: Vec<Relaxation>,
    /// The domiciles allowed (empty: any).
    #[serde(default)]
    pub domiciles: Vec<String>,
    /// The lowest qualification.
    #[serde(default = "no_education")]
    pub min_education: Education,
    /// The subjects the qualification must be in (empty: any).
    #[serde(default)]
    pub subjects: Vec<String>,
    /// Years of experience.
    #[serde(default)]
    pub min_years_experience: f64,
}

fn no_education() -> Education {
    Education::None
}

impl Default for Eligibility {
    fn default() -> Self {
        Eligibility {
            min_age: None,
            max_age: None,
            relaxations: Vec::new(),
            domiciles: Vec::new(),
            min_education: Education::None,
            subjects: Vec::new(),
            min_years_experience: 0.0,
        }
    }
}

/// Extra years of upper age limit for a category of applicant.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relaxation {
    pub category: String,
    pub years: u32,
}

/// One rule an applicant falls short of, with what a sentence about it needs.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "rule")]
pub enum Shortfall {
    /// No declaration: nothing to judge by.
    NotDeclared,
    TooYoung {
        age: u32,
        min: u32,
    },
    /// Over the upper limit, with the relaxation the applicant's claims give.
    TooOld {
        age: u32,
        max: u32,
        relaxation: u32,
    },
    Domicile {
        domicile: String,
    },
    Education {
        has: Education,
        needs: Education,
    },
    Subject,
    Experience {
        has: f64,
        needs: f64,
    },
}

impl Shortfall {
    /// The reason in plain English, for the API, the audit trail and bulk rejection.
    pub fn sentence(&self) -> String {
        match self {
            Shortfall::NotDeclared => "has not declared the facts the rules need".to_owned(),
            Shortfall::TooYoung { age, min } => {
                format!("is {age} on the closing date; the lower age limit is {min}")
            }
            Shortfall::TooOld {
                age,
                max,
                relaxation: 0,
            } => {
                format!("is {age} on the closing date; the upper age limit is {max}")
            }
            Shortfall::TooOld { age, max, relaxation } => format!(
                "is {age} on the closing date; the upper age limit is {max} with {relaxation} years' relaxation"
            ),
            Shortfall::Domicile { domicile } => {
                format!("has a domicile ({domicile}) that this post is not open to")
            }
            Shortfall::Education { needs, .. } => {
                format!("needs at least: {}", needs.label())
            }
            Shortfall::Subject => "has a qualification in a subject this post does not accept".to_owned(),
            Shortfall::Experience { has, needs } => {
                format!("has {has} years of experience; the post needs {needs}")
            }
        }
    }
}

/// Every shortfall in one English sentence ("The applicant is 41 on the closing date; ..."),
/// for the staff pages, the API and the rejection a person presses for.
pub fn in_words(shortfalls: &[Shortfall]) -> String {
    let reasons: Vec<String> = shortfalls.iter().map(Shortfall::sentence).collect();
    format!("The applicant {}.", reasons.join("; and "))
}

/// Whole years from `born` to `on`: the age on a date, as a birth certificate reads.
pub fn age_on(born: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

impl Eligibility {
    /// Every problem with the rules themselves.
    pub(super) fn check_rules(&mut self) -> Vec<ValidationError> {
        let mut problems = Vec::new();
        for (field, age) in [
            ("eligibility.minAge", self.min_age),
            ("eligibility.maxAge", self.max_age),
        ] {
            if age.is_some_and(|a| !(14..=80).contains(&a)) {
                problems.push(ValidationError::new(field, "must be from 14 to 80"));
            }
        }
        if let (Some(min), Some(max)) = (self.min_age, self.max_age)
            && min > max
        {
            problems.push(ValidationError::new(
                "eligibility.maxAge",
                "must not be below the lower age limit",
            ));
        }
        if !(0.0..=60.0).contains(&self.min_years_experience) {
            problems.push(ValidationError::new(
                "eligibility.minYearsExperience",
                "must be between 0 and 60",
            ));
        }
        for relaxation in &mut self.relaxations {
            match name("eligibility.relaxations", &relaxation.category) {
                Ok(n) => relaxation.category = n,
                Err(e) => problems.push(e),
            }
            if !(1..=20).contains(&relaxation.years) {
                problems.push(ValidationError::new(
                    "eligibility.relaxations",
                    "must relax the age limit by 1 to 20 years",
                ));
            }
        }
        for (field, list) in [
            ("eligibility.domiciles", &mut self.domiciles),
            ("eligibility.subjects", &mut self.subjects),
        ] {
            let mut checked: Vec<String> = Vec::new();
            for item in list.iter() {
                match name(field, item) {
                    Ok(n) if !checked.iter().any(|c| same_name(c, &n)) => checked.push(n),
                    Ok(_) => {}
                    Err(e) => problems.push(e),
                }
            }
            *list = checked;
        }
        problems
    }

    /// The rules `declaration` falls short of on `closing_date`, with the candidate's
    /// `education` and `years` of experience from their application; empty when eligible.
    pub fn check(
        &self,
        declaration: Option<&Declaration>,
        (education, years): (Education, f64),
        closing_date: NaiveDate,
    ) -> Vec<Shortfall> {
        let mut short = Vec::new();
        let needs_declaration = self.min_age.is_some()
            || self.max_age.is_some()
            || !self.domiciles.is_empty()
            || !self.subjects.is_empty();
        match declaration {
            Some(d) => self.check_declared(d, closing_date, &mut short),
            None if needs_declaration => short.push(Shortfall::NotDeclared),
            None => {}
        }
        if education < self.min_education {
            short.push(Shortfall::Education {
                has: education,
                needs: self.min_education,
            });
        }
        if years < self.min_years_experience {
            short.push(Shortfall::Experience {
                has: years,
                needs: self.min_years_experience,
            });
        }
        short
    }

    fn check_declared(&self, d: &Declaration, closing_date: NaiveDate, short: &mut Vec<Shortfall>) {
        let age = age_on(d.date_of_birth, closing_date);
        if let Some(min) = self.min_age
            && age < min
        {
            short.push(Shortfall::TooYoung { age, min });
        }
        if let Some(max) = self.max_age {
            let relaxation = self
                .relaxations
                .iter()
                .filter(|r| d.claims.iter().any(|c| same_name(c, &r.category)))
                .map(|r| r.years)
                .max()
                .unwrap_or(0);
            // Over the limit means past the birthday after which one is max + relaxation + 1.
            if age > max + relaxation {
                short.push(Shortfall::TooOld { age, max, relaxation });
            }
        }
        if !self.domiciles.is_empty() && !self.domiciles.iter().any(|x| same_name(x, &d.domicile)) {
            short.push(Shortfall::Domicile {
                domicile: d.domicile.clone(),
            });
        }
        if !self.subjects.is_empty()
            && !d
                .subject
                .as_deref()
                .is_some_and(|s| self.subjects.iter().any(|x| same_name(x, s)))
        {
            short.push(Shortfall::Subject);
        }
    }
}
