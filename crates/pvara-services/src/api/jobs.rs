//! Job postings.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{JobId, UserId};
use pvara_domain::job::{Job, JobDraft, JobEdit, Requirements};
use pvara_domain::scoring::education::Education;
use pvara_domain::scoring::{KnockoutRules, Rubric, RubricWeights};
use pvara_domain::stages::Stages;
use pvara_storage::model::RescoreProgress;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::ApiJson;
use super::extract::StaffUser;
use super::openapi::ErrorBody;
use crate::front::request::RequestId;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequirementsBody {
    required_skills: Vec<String>,
    #[serde(default)]
    preferred_skills: Vec<String>,
    #[serde(default)]
    min_years_experience: f64,
    #[serde(default = "no_education")]
    education: String,
}

fn no_education() -> String {
    "none".to_owned()
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateJobBody {
    title: String,
    description: String,
    location: Option<String>,
    closes_at: Option<DateTime<Utc>>,
    requirements: RequirementsBody,
    /// What the score weighs; the default rubric (40/15/20/10/15, both knock-outs) without it.
    rubric: Option<RubricBody>,
    /// Name-blind sifting: staff do not see who a candidate is until an interview is scheduled.
    #[serde(default)]
    name_blind: bool,
    /// How many posts the advert fills (1 to 100,000); one when not given.
    vacancies: Option<u32>,
    /// The optional stages: `{"onlineTest": false, "interviewRounds": 2}` for a job that
    /// interviews twice without a test (one round and a test when not given).
    #[serde(default)]
    stages: Stages,
    /// The hiring manager (a user with that role) who decides on the candidates beside the
    /// recruiters.
    hiring_manager_id: Option<UserId>,
}

/// A rubric as a recruiter sets it: the points of the five criteria (adding up to 100) and the
/// knock-outs that apply (both, unless said otherwise).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RubricBody {
    weights: RubricWeights,
    #[serde(default = "all_knockouts")]
    knockouts: KnockoutRules,
    /// On a change: the version the edit starts from; 409 `stale` when it is no longer the
    /// job's. Optional.
    version: Option<u32>,
}

fn all_knockouts() -> KnockoutRules {
    Rubric::default().knockouts
}

impl From<RubricBody> for crate::usecase::jobs::RubricDraft {
    fn from(body: RubricBody) -> Self {
        Self {
            weights: body.weights,
            knockouts: body.knockouts,
            based_on: body.version,
        }
    }
}

/// A job's rubric and how far re-scoring under it has come.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RubricView {
    rubric: Rubric,
    progress: RescoreProgress,
}

/// A rubric just changed: the applications it re-scores in the background.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RubricChangeView {
    rubric: Rubric,
    /// Open applications of the job, each with a re-score event on its way.
    applications_to_rescore: u64,
}

/// A job as the API shows it: its own type, so the domain's can change without changing the
/// contract.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    id: JobId,
    title: String,
    description: String,
    location: Option<String>,
    /// When it stops taking applications; none: open until closed by hand.
    closes_at: Option<DateTime<Utc>>,
    requirements: RequirementsView,
    created_by: UserId,
    created_at: DateTime<Utc>,
    /// Taking applications now.
    open: bool,
    /// How many posts the advert fills.
    vacancies: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequirementsView {
    required_skills: Vec<String>,
    preferred_skills: Vec<String>,
    min_years_experience: f64,
    education: Education,
    rubric: Rubric,
    /// New applications wait for manual assessment instead of the scorer.
    scoring_paused: bool,
    /// Staff do not see who a candidate is until an interview is scheduled.
    name_blind: bool,
    /// The optional stages the job uses.
    stages: Stages,
    /// National-recruitment rules, when the job is run as a drive.
    #[serde(skip_serializing_if = "Option::is_none")]
    drive: Option<pvara_domain::merit::Drive>,
}

impl JobView {
    fn new(job: Job, now: DateTime<Utc>) -> Self {
        let open = job.is_open(now);
        let vacancies = job.vacancies;
        let Requirements {
            required_skills,
            preferred_skills,
            min_years_experience,
            education,
            rubric,
            scoring_paused,
            name_blind,
            stages,
            drive,
        } = job.requirements;
        Self {
            id: job.id,
            title: job.title,
            description: job.description,
            location: job.location,
            closes_at: job.closes_at,
            requirements: RequirementsView {
                required_skills,
                preferred_skills,
                min_years_experience,
                education,
                rubric,
                scoring_paused,
                name_blind,
                stages,
                drive,
            },
            created_by: job.created_by,
            created_at: job.created_at,
            open,
            vacancies,
        }
    }
}

#[utoipa::path(
    post, path = "/api/jobs", tag = "jobs", request_body = CreateJobBody, security(("bearer" = [])),
    responses((status = 201, description = "The job", body = JobView),
        (status = 403, description = "`forbidden`: staff only", body = ErrorBody),
        (status = 422, description = "`validation_failed`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    ApiJson(body): ApiJson<CreateJobBody>,
) -> Result<(StatusCode, Json<JobView>), ApiError> {
    let now = crate::now();
    let draft = JobDraft {
        title: &body.title,
        description: &body.description,
        location: body.location.as_deref(),
        closes_at: body.closes_at,
        required_skills: &body.requirements.required_skills,
        preferred_skills: &body.requirements.preferred_skills,
        min_years_experience: body.requirements.min_years_experience,
        education: &body.requirements.education,
    };
    let options = crate::usecase::jobs::JobOptions {
        rubric: body.rubric.map(Into::into),
        name_blind: body.name_blind,
        vacancies: body.vacancies,
        stages: Stages::parse(body.stages.online_test, body.stages.interview_rounds)
            .map_err(|e| ApiError::from(crate::usecase::Error::from(e)))?,
        hiring_manager: body.hiring_manager_id,
    };
    let job = crate::usecase::jobs::create(state.store.as_ref(), user, &draft, options).await?;
    Ok((StatusCode::CREATED, Json(JobView::new(job, now))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EditJobBody {
    title: String,
    description: String,
    location: Option<String>,
    /// None: open until filled. A date in the future reopens a closed job.
    closes_at: Option<DateTime<Utc>>,
    vacancies: u32,
    /// The hiring manager; none when left out.
    hiring_manager_id: Option<UserId>,
    /// New stages, allowed while no application has reached a test or an interview (409
    /// `stages_in_use` after); unchanged when left out.
    stages: Option<Stages>,
}

/// Staff: replaces a job's wording, place, closing date and vacancies (its requirements and
/// rubric have their own routes). A closing date in the future reopens a closed job.
#[utoipa::path(
    put, path = "/api/jobs/{id}", tag = "jobs", request_body = EditJobBody, security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The job, changed", body = JobView),
        (status = 422, description = "`validation_failed`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn edit(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EditJobBody>,
) -> Result<Json<JobView>, ApiError> {
    let id: JobId = id.parse().map_err(|_| ApiError::not_found("job"))?;
    let now = crate::now();
    let edit = JobEdit::parse(
        (&body.title, &body.description, body.location.as_deref()),
        body.closes_at,
        body.vacancies,
        now,
    )
    .map_err(|mut problems| crate::usecase::Error::from(problems.swap_remove(0)))?;
    let edit = JobEdit {
        hiring_manager: body.hiring_manager_id,
        stages: body
            .stages
            .map(|s| Stages::parse(s.online_test, s.interview_rounds))
            .transpose()
            .map_err(|e| ApiError::from(crate::usecase::Error::from(e)))?,
        ..edit
    };
    let job = crate::usecase::jobs::edit(state.store.as_ref(), user, id, edit).await?;
    Ok(Json(JobView::new(job, now)))
}

/// Staff: posts a copy of a job, open until filled, to edit before it is seen.
#[utoipa::path(
    post, path = "/api/jobs/{id}/copy", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job to copy")),
    responses((status = 201, description = "The new job", body = JobView),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn copy(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<JobView>), ApiError> {
    let id: JobId = id.parse().map_err(|_| ApiError::not_found("job"))?;
    let job = crate::usecase::jobs::copy(state.store.as_ref(), user, id).await?;
    Ok((StatusCode::CREATED, Json(JobView::new(job, crate::now()))))
}

/// Public: the jobs taking applications now.
#[utoipa::path(
    get, path = "/api/jobs", tag = "jobs",
    responses((status = 200, description = "Open jobs, newest first", body = Vec<JobView>), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn list_open(State(state): State<AppState>) -> Result<Json<Vec<JobView>>, ApiError> {
    let now = crate::now();
    let jobs = state.store.open_jobs(now, 500).await?;
    Ok(Json(jobs.into_iter().map(|job| JobView::new(job, now)).collect()))
}

/// Staff: the job takes no more applications from now on.
#[utoipa::path(
    post, path = "/api/jobs/{id}/closure", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The job, closed", body = JobView),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn close(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    let id: JobId = id.parse().map_err(|_| ApiError::not_found("job"))?;
    crate::usecase::jobs::close(state.store.as_ref(), user, id).await?;
    let job = state
        .store
        .job(id)
        .await?
        .ok_or_else(|| ApiError::not_found("job"))?;
    Ok(Json(JobView::new(job, crate::now())))
}

#[utoipa::path(
    get, path = "/api/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The job", body = JobView),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<JobView>, ApiError> {
    let id: JobId = id.parse().map_err(|_| ApiError::not_found("job"))?;
    let job = state
        .store
        .job(id)
        .await?
        .ok_or_else(|| ApiError::not_found("job"))?;
    Ok(Json(JobView::new(job, crate::now())))
}

/// Staff: the job's rubric, and how many of its open applications are scored by it.
#[utoipa::path(
    get, path = "/api/jobs/{id}/rubric", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The rubric and the re-scoring progress", body = RubricView),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn rubric(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<Json<RubricView>, ApiError> {
    let id: JobId = id.parse().map_err(|_| ApiError::not_found("job"))?;
    let (rubric, progress) = crate::usecase::jobs::rescore_progress(state.store.as_ref(), user, id).await?;
    Ok(Json(RubricView { rubric, progress }))
}

/// Staff: a new rubric for the job; its open applications are re-scored in the background.
#[utoipa::path(
    put, path = "/api/jobs/{id}/rubric", tag = "jobs", request_body = RubricBody, security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The new rubric", body = RubricChangeView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`stale`: the rubric changed meanwhile", body = ErrorBody),
        (status = 422, description = "`validation_failed`: the weights do not add up to 100", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn change_rubric(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RubricBody>,
) -> Result<Json<RubricChangeView>, ApiError> {
    let id: JobId = id.parse().map_err(|_| ApiError::not_found("job"))?;
    let (rubric, n) =
        crate::usecase::jobs::change_rubric(state.store.as_ref(), user, id, body.into(), request_id).await?;
    Ok(Json(RubricChangeView {
        rubric,
        applications_to_rescore: n,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoringBody {
    /// True: new applications wait for manual assessment; false: the scorer takes them again.
    paused: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoringView {
    paused: bool,
    /// On resuming: applications that waited and now go to the scorer.
    applications_to_score: u64,
}

/// Staff: pause or resume the job's automatic scoring.
#[utoipa::path(
    put, path = "/api/jobs/{id}/scoring", tag = "jobs", request_body = ScoringBody, security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "Scoring paused or resumed", body = ScoringView),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn scoring(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ScoringBody>,
) -> Result<Json<ScoringView>, ApiError> {
    let id: JobId = id.parse().map_err(|_| ApiError::not_found("job"))?;
    let n = crate::usecase::jobs::set_scoring_paused(state.store.as_ref(), user, id, body.paused, request_id)
        .await?;
    Ok(Json(ScoringView {
        paused: body.paused,
        applications_to_score: n,
    }))
}
