//! The form for a job's national-recruitment rules: every field checked at once, the lists
//! (relaxations, domiciles, subjects, quotas) one per line as a commission writes them.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::ids::JobId;
use pvara_domain::merit::{Drive, Eligibility, MarkWeights, Quota, Relaxation, Share, TieBreak, Unfilled};
use pvara_domain::scoring::education::Education;
use serde::Deserialize;

use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::state::AppState;
use crate::usecase;

/// The rules as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RulesFields {
    pub version: String,
    pub min_age: String,
    pub max_age: String,
    pub relaxations: String,
    pub domiciles: String,
    pub min_education: String,
    pub subjects: String,
    pub min_years: String,
    pub quotas: String,
    pub weight_test: String,
    pub weight_interview: String,
    pub tie_first: String,
    pub tie_second: String,
    pub tie_third: String,
    pub shortlist: String,
    pub unfilled: String,
    pub reserve_days: String,
    pub representation_days: String,
}

/// Where a use case's problem with the rules goes on the form: (API field, anchor, label).
const FIELDS: [(&str, &str, &str); 12] = [
    ("eligibility.minAge", "min-age", "The lower age limit"),
    ("eligibility.maxAge", "max-age", "The upper age limit"),
    ("eligibility.relaxations", "relaxations", "Age relaxations"),
    ("eligibility.domiciles", "domiciles", "Domiciles"),
    ("eligibility.subjects", "subjects", "Subjects"),
    (
        "eligibility.minYearsExperience",
        "min-years",
        "Years of experience",
    ),
    ("quotas", "quotas", "Quotas"),
    ("weights", "weight-test", "The weights"),
    ("tieBreak", "tie-first", "The tie-break"),
    ("shortlistPerPost", "shortlist", "Candidates called per post"),
    ("reserveDays", "reserve-days", "Days the reserve list is valid"),
    (
        "representationDays",
        "representation-days",
        "Days for representations",
    ),
];

/// The tie-break rules as the form names them.
pub const TIE_BREAKS: [(&str, &str); 4] = [
    ("", "None"),
    ("higherTest", "The higher test mark"),
    ("older", "The older candidate"),
    ("earlierApplication", "The earlier application"),
];

fn tie_name(rule: TieBreak) -> &'static str {
    match rule {
        TieBreak::HigherTest => "higherTest",
        TieBreak::Older => "older",
        TieBreak::EarlierApplication => "earlierApplication",
    }
}

impl RulesFields {
    /// The fields showing `drive` (the defaults for a job without rules).
    pub fn of(drive: &Drive) -> Self {
        let e = &drive.eligibility;
        let lines = |items: &[String]| items.join("\n");
        let tie = |i: usize| drive.tie_break.get(i).map_or("", |t| tie_name(*t)).to_owned();
        RulesFields {
            version: drive.version.to_string(),
            min_age: e.min_age.map(|a| a.to_string()).unwrap_or_default(),
            max_age: e.max_age.map(|a| a.to_string()).unwrap_or_default(),
            relaxations: e
                .relaxations
                .iter()
                .map(|r| format!("{}: {}", r.category, r.years))
                .collect::<Vec<_>>()
                .join("\n"),
            domiciles: lines(&e.domiciles),
            min_education: e.min_education.as_str().to_owned(),
            subjects: lines(&e.subjects),
            min_years: e.min_years_experience.to_string(),
            quotas: drive
                .quotas
                .iter()
                .map(|q| format!("{}: {}", q.category, f64::from(q.percent)))
                .collect::<Vec<_>>()
                .join("\n"),
            weight_test: drive.weights.test.to_string(),
            weight_interview: drive.weights.interview.to_string(),
            tie_first: tie(0),
            tie_second: tie(1),
            tie_third: tie(2),
            shortlist: drive.shortlist_per_post.to_string(),
            unfilled: match drive.unfilled {
                Unfilled::CarryForward => "carryForward",
                Unfilled::OpenMerit => "openMerit",
            }
            .to_owned(),
            reserve_days: drive.reserve_days.to_string(),
            representation_days: drive.representation_days.to_string(),
        }
    }

    /// The rules these fields ask for, or every field that cannot be read, named at once.
    fn draft(&self, errors: &mut FormErrors) -> Option<Drive> {
        let mut number = |anchor: &str, label: &str, value: &str, optional: bool| -> Option<Option<u32>> {
            let value = value.trim();
            if value.is_empty() && optional {
                return Some(None);
            }
            match value.parse::<u32>() {
                Ok(n) => Some(Some(n)),
                Err(_) => {
                    errors.add(anchor, format!("{label} must be a whole number"));
                    None
                }
            }
        };
        let min_age = number("min-age", "The lower age limit", &self.min_age, true);
        let max_age = number("max-age", "The upper age limit", &self.max_age, true);
        let test = number("weight-test", "The test's weight", &self.weight_test, false);
        let interview = number(
            "weight-interview",
            "The interview's weight",
            &self.weight_interview,
            false,
        );
        let shortlist = number("shortlist", "Candidates called per post", &self.shortlist, false);
        let reserve = number(
            "reserve-days",
            "Days the reserve list is valid",
            &self.reserve_days,
            false,
        );
        let window = number(
            "representation-days",
            "Days for representations",
            &self.representation_days,
            false,
        );
        let relaxations = pairs(
            errors,
            ("relaxations", "Each age relaxation"),
            &self.relaxations,
            |years| years.parse::<u32>().ok(),
        );
        let quotas = pairs(errors, ("quotas", "Each quota"), &self.quotas, |percent| {
            percent
                .trim_end_matches('%')
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|p| Share::try_from(p).ok())
        });
        let years = self.min_years.trim();
        let min_years = if years.is_empty() {
            Some(0.0)
        } else {
            years.parse::<f64>().ok()
        };
        if min_years.is_none() {
            errors.add(
                "min-years",
                "Years of experience must be a number, such as 2 or 2.5",
            );
        }
        let education = Education::parse("minEducation", &self.min_education).ok();
        let eligibility = Eligibility {
            min_age: min_age?,
            max_age: max_age?,
            relaxations: relaxations?
                .into_iter()
                .map(|(category, years)| Relaxation { category, years })
                .collect(),
            domiciles: list(&self.domiciles),
            min_education: education.unwrap_or(Education::None),
            subjects: list(&self.subjects),
            min_years_experience: min_years?,
        };
        Some(Drive {
            version: self.version.trim().parse().unwrap_or(0),
            eligibility,
            quotas: quotas?
                .into_iter()
                .map(|(category, percent)| Quota { category, percent })
                .collect(),
            weights: MarkWeights {
                test: test??,
                interview: interview??,
            },
            tie_break: self.tie_break(),
            shortlist_per_post: shortlist??,
            unfilled: if self.unfilled == "openMerit" {
                Unfilled::OpenMerit
            } else {
                Unfilled::CarryForward
            },
            reserve_days: reserve??,
            representation_days: window??,
        })
    }

    fn tie_break(&self) -> Vec<TieBreak> {
        [&self.tie_first, &self.tie_second, &self.tie_third]
            .into_iter()
            .filter_map(|name| match name.as_str() {
                "higherTest" => Some(TieBreak::HigherTest),
                "older" => Some(TieBreak::Older),
                "earlierApplication" => Some(TieBreak::EarlierApplication),
                _ => None,
            })
            .collect()
    }
}

/// The non-empty lines of a text area.
fn list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "Name: value" lines, each value read by `read`; every unreadable line is named.
fn pairs<T>(
    errors: &mut FormErrors,
    (anchor, label): (&str, &str),
    text: &str,
    read: impl Fn(&str) -> Option<T>,
) -> Option<Vec<(String, T)>> {
    let mut all = Vec::new();
    let mut fine = true;
    for (n, line) in list(text).iter().enumerate() {
        match line
            .rsplit_once(':')
            .and_then(|(name, value)| Some((name.trim(), read(value.trim())?)))
        {
            Some((name, value)) if !name.is_empty() => all.push((name.to_owned(), value)),
            _ => {
                errors.add(
                    anchor,
                    format!(
                        "{label} must be a name, a colon and a number: line {} is \"{line}\"",
                        n + 1
                    ),
                );
                fine = false;
            }
        }
    }
    fine.then_some(all)
}

#[derive(Template)]
#[template(path = "staff_drive_rules.html")]
struct RulesPage {
    layout: Layout,
    errors: FormErrors,
    job_id: JobId,
    job_title: String,
    rules: RulesFields,
    educations: Vec<(String, String)>,
    tie_breaks: Vec<(String, String)>,
}

fn page(viewer: &Viewer, job: &pvara_domain::job::Job, rules: RulesFields, errors: FormErrors) -> Response {
    render(&RulesPage {
        layout: Layout::new(viewer),
        errors,
        job_id: job.id,
        job_title: job.title.clone(),
        rules,
        educations: Education::ALL
            .iter()
            .map(|e| (e.as_str().to_owned(), e.label().to_owned()))
            .collect(),
        tie_breaks: TIE_BREAKS
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = super::find_job(&state, &id).await?;
    viewer.require_staff(&format!("/staff/jobs/{}/drive/rules", job.id))?;
    let rules = RulesFields::of(job.requirements.drive.as_ref().unwrap_or(&Drive::default()));
    Ok(page(&viewer, &job, rules, FormErrors::default()))
}

#[derive(Debug, Default, Deserialize)]
pub struct RulesForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    rules: RulesFields,
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<RulesForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let job = super::find_job(&state, &id).await?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{}/drive/rules", job.id))?;
    let mut errors = FormErrors::default();
    let Some(drive) = form.rules.draft(&mut errors) else {
        return Ok(page(&viewer, &job, form.rules, errors));
    };
    match usecase::merit::set_rules(state.store.as_ref(), actor, job.id, drive).await {
        Ok(_) => Ok(super::see_other(&format!(
            "/staff/jobs/{}/drive?saved=rules",
            job.id
        ))),
        Err(error) => {
            errors.extend(FormErrors::from_use_case(error, &FIELDS)?);
            Ok(page(&viewer, &job, form.rules, errors))
        }
    }
}
