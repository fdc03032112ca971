//! What the score weighs, on the job form and on a job's own rubric page, where a recruiter
//! changes it and watches the re-scoring.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use pvara_domain::ids::JobId;
use pvara_domain::scoring::Rubric;
use pvara_storage::model::RescoreProgress;
use serde::Deserialize;

use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::front::request::RequestId;
use crate::state::AppState;
use crate::usecase;

/// The rubric's fields as typed: five whole numbers of points and two knock-out checkboxes.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RubricFields {
    #[serde(default)]
    pub weight_required: String,
    #[serde(default)]
    pub weight_preferred: String,
    #[serde(default)]
    pub weight_experience: String,
    #[serde(default)]
    pub weight_education: String,
    #[serde(default)]
    pub weight_relevance: String,
    #[serde(default)]
    pub knockout_skill: String,
    #[serde(default)]
    pub knockout_experience: String,
}

impl RubricFields {
    /// The fields showing `rubric`.
    pub fn of(rubric: &Rubric) -> Self {
        let yes = |on: bool| if on { "yes" } else { "" }.to_owned();
        let w = rubric.weights;
        RubricFields {
            weight_required: w.required_skills.to_string(),
            weight_preferred: w.preferred_skills.to_string(),
            weight_experience: w.experience.to_string(),
            weight_education: w.education.to_string(),
            weight_relevance: w.relevance.to_string(),
            knockout_skill: yes(rubric.knockouts.missing_required_skill),
            knockout_experience: yes(rubric.knockouts.below_minimum_experience),
        }
    }

    /// The rubric these fields ask for, each a whole number of points (the use case checks that
    /// they add up to 100); every wrong field is named at once.
    pub fn draft(
        &self,
        errors: &mut FormErrors,
        based_on: Option<u32>,
    ) -> Option<usecase::jobs::RubricDraft> {
        let mut points = |anchor: &str, label: &str, value: &str| match value.trim().parse::<u8>() {
            Ok(n) if n <= 100 => Some(n),
            _ => {
                errors.add(anchor, format!("{label} must be a whole number from 0 to 100"));
                None
            }
        };
        let required = points(
            "weight-required",
            "Points for must-have skills",
            &self.weight_required,
        );
        let preferred = points(
            "weight-preferred",
            "Points for nice-to-have skills",
            &self.weight_preferred,
        );
        let experience = points(
            "weight-experience",
            "Points for years of experience",
            &self.weight_experience,
        );
        let education = points(
            "weight-education",
            "Points for qualifications",
            &self.weight_education,
        );
        let relevance = points(
            "weight-relevance",
            "Points for relevance to the job",
            &self.weight_relevance,
        );
        let weights = pvara_domain::scoring::RubricWeights {
            required_skills: required?,
            preferred_skills: preferred?,
            experience: experience?,
            education: education?,
            relevance: relevance?,
        };
        Some(usecase::jobs::RubricDraft {
            weights,
            knockouts: pvara_domain::scoring::KnockoutRules {
                missing_required_skill: self.knockout_skill == "yes",
                below_minimum_experience: self.knockout_experience == "yes",
            },
            based_on,
        })
    }
}

/// Where a use case's refusal of a rubric goes on the form.
pub const RUBRIC_FIELDS: [(&str, &str, &str); 1] = [(
    "rubric.weights",
    "weight-required",
    "The points of the five criteria",
)];

#[derive(Template)]
#[template(path = "staff_rubric.html")]
struct RubricPage {
    layout: Layout,
    errors: FormErrors,
    job_id: JobId,
    job_title: String,
    version: u32,
    progress: RescoreProgress,
    saved: Option<u64>,
    rubric: RubricFields,
}

#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    saved: Option<u64>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: JobId,
    fields: Option<RubricFields>,
    errors: FormErrors,
    saved: Option<u64>,
) -> Result<Response, PageError> {
    let actor = viewer.require_staff(&format!("/staff/jobs/{id}/rubric"))?;
    let (rubric, progress) = usecase::jobs::rescore_progress(state.store.as_ref(), actor, id).await?;
    let job = super::find_job(state, &id.to_string()).await?;
    Ok(render(&RubricPage {
        layout: Layout::new(viewer),
        errors,
        job_id: id,
        job_title: job.title,
        version: rubric.version,
        progress,
        saved,
        rubric: fields.unwrap_or_else(|| RubricFields::of(&rubric)),
    }))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<Saved>,
) -> Result<Response, PageError> {
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    page(&state, &viewer, id, None, FormErrors::default(), query.saved).await
}

#[derive(Debug, Default, Deserialize)]
pub struct RubricForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    rubric: RubricFields,
}

pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    Form(form): Form<RubricForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{id}/rubric"))?;
    let mut errors = FormErrors::default();
    let draft = form.rubric.draft(&mut errors, form.version.trim().parse().ok());
    let outcome = match draft {
        Some(draft) => usecase::jobs::change_rubric(state.store.as_ref(), actor, id, draft, request_id).await,
        None => return page(&state, &viewer, id, Some(form.rubric), errors, None).await,
    };
    match outcome {
        Ok((_, n)) => Ok(super::see_other(&format!("/staff/jobs/{id}/rubric?saved={n}"))),
        Err(error) => {
            let errors = FormErrors::from_use_case(error, &RUBRIC_FIELDS)?;
            page(&state, &viewer, id, Some(form.rubric), errors, None).await
        }
    }
}
