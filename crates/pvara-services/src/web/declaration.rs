//! What an applicant declares on the apply form for a job with national-recruitment rules:
//! their date of birth (GOV.UK's date input), domicile, the job's categories they claim and
//! the subject of their qualification. Decision facts, asked apart from the voluntary equality
//! questions and never mixed with them.

use chrono::NaiveDate;
use pvara_domain::job::Job;
use pvara_domain::merit::{Declaration, Drive};
use serde::{Deserialize, Serialize};

use crate::front::upload::ApplicationForm;
use crate::i18n;

/// The declaration as typed, kept in the draft with the rest of the form.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeclarationFields {
    /// `1998-03-27` when the boxes were filled, or what was typed however wrong.
    pub date_of_birth: String,
    pub domicile: String,
    pub claims: Vec<String>,
    pub subject: String,
}

impl DeclarationFields {
    /// The fields of the multipart form: the date's three boxes joined, each claimed
    /// category's checkbox (`declaration.claims.<n>`, one name per box).
    pub fn read(form: &ApplicationForm) -> Self {
        let base = "declaration.dateOfBirth";
        let boxes = ["-day", "-month", "-year"]
            .iter()
            .map(|suffix| {
                let name = format!("{base}{suffix}");
                let value = form.field(&name).to_owned();
                (name, value)
            })
            .collect();
        let date_of_birth = super::date_input::join(boxes)
            .into_iter()
            .find(|(name, _)| name == base)
            .map(|(_, value)| value)
            .unwrap_or_default();
        let mut claims: Vec<(&String, &String)> = form
            .fields
            .iter()
            .filter(|(name, value)| name.starts_with("declaration.claims.") && !value.trim().is_empty())
            .collect();
        claims.sort();
        DeclarationFields {
            date_of_birth,
            domicile: form.field("declaration.domicile").trim().to_owned(),
            claims: claims
                .into_iter()
                .map(|(_, value)| value.trim().to_owned())
                .collect(),
            subject: form.field("declaration.subject").trim().to_owned(),
        }
    }

    /// Nothing typed at all.
    pub fn is_empty(&self) -> bool {
        self.date_of_birth.is_empty()
            && self.domicile.is_empty()
            && self.claims.is_empty()
            && self.subject.is_empty()
    }

    /// The declaration for the use case: `Ok(None)` when nothing was typed (the use case says
    /// whether the job needs one), `Err` with the message when the date is not a date.
    pub fn declaration(&self) -> Result<Option<Declaration>, String> {
        if self.is_empty() {
            return Ok(None);
        }
        let date_of_birth = NaiveDate::parse_from_str(&self.date_of_birth, "%Y-%m-%d")
            .map_err(|_| i18n::t("problem-date-of-birth"))?;
        Ok(Some(Declaration {
            date_of_birth,
            domicile: self.domicile.clone(),
            claims: self.claims.clone(),
            subject: (!self.subject.is_empty()).then(|| self.subject.clone()),
        }))
    }
}

/// A checkbox of a claimable category.
#[derive(Debug)]
pub struct Claim {
    pub id: String,
    pub name: String,
    pub value: String,
    pub checked: bool,
}

/// What the form offers for the job's rules.
#[derive(Debug)]
pub struct Choices {
    /// The domiciles the post is open to (a select), or none (a text box).
    pub domiciles: Vec<(String, String)>,
    pub claims: Vec<Claim>,
    /// The subjects accepted (a select), or none (no subject asked).
    pub subjects: Vec<(String, String)>,
}

impl Choices {
    /// The choices of `job`'s rules, with `fields` chosen; `None` for a job without rules.
    pub fn of(job: &Job, fields: &DeclarationFields) -> Option<Self> {
        let drive: &Drive = job.requirements.drive.as_ref()?;
        let options = |items: &[String]| -> Vec<(String, String)> {
            std::iter::once((String::new(), i18n::t("declaration-choose")))
                .chain(items.iter().map(|i| (i.clone(), i.clone())))
                .collect()
        };
        let e = &drive.eligibility;
        let domiciles = if e.domiciles.is_empty() {
            Vec::new()
        } else {
            options(&e.domiciles)
        };
        let claims = drive
            .categories()
            .into_iter()
            .enumerate()
            .map(|(n, name)| Claim {
                id: format!("claim-{n}"),
                name: format!("declaration.claims.{n}"),
                value: name.to_owned(),
                checked: fields
                    .claims
                    .iter()
                    .any(|c| pvara_domain::merit::same_name(c, name)),
            })
            .collect();
        let subjects = if e.subjects.is_empty() {
            Vec::new()
        } else {
            options(&e.subjects)
        };
        Some(Choices {
            domiciles,
            claims,
            subjects,
        })
    }
}
