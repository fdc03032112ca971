//! Submitting, reading and listing applications.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use chrono::{DateTime, Utc};
use pvara_domain::application::ApplicationDraft;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::scoring::ScorerVersion;
use pvara_domain::status::Status;
use pvara_storage::model::{ApplicationQuery, SortOrder};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::ApiJson;
use super::extract::{ApplicantUser, AuthUser, TeamUser};
use super::openapi::{ErrorBody, SubmitForm};
use crate::front::cursor::{decode_cursor, next_cursor};
use crate::front::download::attachment;
use crate::front::request::RequestId;
use crate::front::upload::ApplicationForm;
use crate::front::views::ApplicationView;
use crate::state::AppState;
use crate::usecase;
use crate::usecase::applications::SubmitInput;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubmitBody {
    job_id: JobId,
    full_name: String,
    /// Optional: applications are answered at the account's own address.
    #[serde(default)]
    email: String,
    phone: Option<String>,
    skills: Vec<String>,
    years_experience: f64,
    education: String,
    resume_text: String,
    cover_letter: Option<String>,
    /// Must be true: the applicant accepts the privacy notice at `/privacy`.
    #[serde(default)]
    accept_privacy_notice: bool,
    /// Optional answers to the equality questions (`GET /api/equality-questions`), by question
    /// key: `{"sex": "female", "province": "prefer-not-to-say"}`. Seen only in aggregate.
    #[serde(default)]
    equality: BTreeMap<String, String>,
    /// For a job with national-recruitment rules, required: the facts its rules are judged
    /// by (date of birth, domicile, the job's categories claimed, the subject). Kept apart from
    /// the equality answers.
    #[serde(default)]
    declaration: Option<pvara_domain::merit::Declaration>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubmittedView {
    id: ApplicationId,
    /// The short reference the candidate quotes to a helpdesk (`PVA-7K3Q-9MXD`).
    reference: pvara_domain::reference::Reference,
    job_id: JobId,
    status: Status,
    submitted_at: DateTime<Utc>,
}

/// An application as JSON, or as `multipart/form-data` with the same field names (skills
/// comma-separated) and a `cv` file.
#[derive(Debug)]
pub struct SubmitPayload {
    body: SubmitBody,
    cv: Option<crate::cv::Upload>,
}

impl FromRequest<AppState> for SubmitPayload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        if !super::is_multipart(req.headers()) {
            let ApiJson(body) = ApiJson::<SubmitBody>::from_request(req, state).await?;
            return Ok(SubmitPayload { body, cv: None });
        }
        let multipart = Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        let form = ApplicationForm::read(multipart)
            .await
            .map_err(|e| ApiError::bad_request(format!("malformed multipart body: {e}")))?;
        let invalid = |field: &'static str, message: &str| {
            ApiError::unprocessable("invalid_field", message).with_field(field)
        };
        let body = SubmitBody {
            job_id: form
                .field("jobId")
                .parse()
                .map_err(|_| invalid("jobId", "must be a job id"))?,
            full_name: form.field("fullName").to_owned(),
            email: form.field("email").to_owned(),
            phone: Some(form.field("phone").to_owned()),
            skills: form
                .field("skills")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            years_experience: form.field("yearsExperience").trim().parse().map_err(|_| {
                invalid(
                    "yearsExperience",
                    "must be given, as a number of years (0 for none)",
                )
            })?,
            education: form.field("education").to_owned(),
            resume_text: form.field("resumeText").to_owned(),
            cover_letter: Some(form.field("coverLetter").to_owned()),
            accept_privacy_notice: matches!(form.field("acceptPrivacyNotice").trim(), "true" | "on" | "yes"),
            equality: form.equality_answers(),
            declaration: declaration_fields(&form).map_err(|m| invalid("declaration.dateOfBirth", m))?,
        };
        Ok(SubmitPayload { body, cv: form.cv })
    }
}

/// The declaration of a form (`declaration.dateOfBirth` as YYYY-MM-DD, `declaration.domicile`,
/// `declaration.claims` comma-separated, `declaration.subject`); none without a date of birth.
fn declaration_fields(
    form: &ApplicationForm,
) -> Result<Option<pvara_domain::merit::Declaration>, &'static str> {
    let born = form.field("declaration.dateOfBirth").trim();
    if born.is_empty() {
        return Ok(None);
    }
    let date_of_birth = born
        .parse()
        .map_err(|_| "must be a date of birth as YYYY-MM-DD")?;
    let subject = form.field("declaration.subject").trim();
    Ok(Some(pvara_domain::merit::Declaration {
        date_of_birth,
        domicile: form.field("declaration.domicile").to_owned(),
        claims: form
            .field("declaration.claims")
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        subject: (!subject.is_empty()).then(|| subject.to_owned()),
    }))
}

/// Answers 201 only once the application and its events are committed (group commit makes that
/// cheap under load).
#[utoipa::path(
    post, path = "/api/applications", tag = "applications", security(("bearer" = [])),
    request_body(content((SubmitBody = "application/json"), (SubmitForm = "multipart/form-data")),
        description = "As JSON, or as a form with the same fields (skills comma-separated, equality answers as `equality.<question>` fields) and a `cv` file"),
    responses((status = 201, description = "Stored with its events", body = SubmittedView,
            headers(("location" = String, description = "The application's URL"))),
        (status = 403, description = "`forbidden` (not an applicant) or `email_unverified`", body = ErrorBody),
        (status = 409, description = "`duplicate_application`", body = ErrorBody),
        (status = 422, description = "`validation_failed`, `unknown_job`, `job_closed`, `email_not_yours`", body = ErrorBody),
        (status = 503, description = "`overloaded`: the scorers are behind (backpressure); retry after `Retry-After`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn submit(
    State(state): State<AppState>,
    ApplicantUser(user): ApplicantUser,
    client: usecase::Client,
    RequestId(request_id): RequestId,
    SubmitPayload { body, cv }: SubmitPayload,
) -> Result<(StatusCode, HeaderMap, Json<SubmittedView>), ApiError> {
    let input = SubmitInput {
        job_id: body.job_id,
        draft: ApplicationDraft {
            full_name: &body.full_name,
            email: &body.email,
            phone: body.phone.as_deref(),
            skills: &body.skills,
            years_experience: body.years_experience,
            education: &body.education,
            resume_text: &body.resume_text,
            cover_letter: body.cover_letter.as_deref(),
        },
        cv: cv.map(usecase::applications::CvSource::Upload),
        accepted_privacy_notice: body.accept_privacy_notice,
        equality: body.equality,
        accept_short_reading: true,
        declaration: body.declaration,
    };
    let application =
        usecase::applications::submit(&state, client, user, input, request_id.as_deref()).await?;
    let id = application.id;
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/applications/{id}")) {
        headers.insert(header::LOCATION, location);
    }
    let view = SubmittedView {
        id,
        reference: application.reference,
        job_id: application.job_id,
        status: Status::Submitted,
        submitted_at: application.submitted_at,
    };
    Ok((StatusCode::CREATED, headers, Json(view)))
}

/// The owner or staff see it (a staff read is audited); everyone else gets the same 404 as for a
/// missing id.
#[utoipa::path(
    get, path = "/api/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id, or its short reference (`PVA-7K3Q-9MXD`, any case)")),
    responses((status = 200, description = "The application with its history (a staff read is audited)", body = ApplicationView),
        (status = 404, description = "`not_found`, also for someone else's", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    let id = usecase::references::resolve(state.store.as_ref(), &id)
        .await
        .map_err(|e| match e {
            usecase::Error::Invalid(_) => ApiError::not_found("application"),
            other => other.into(),
        })?;
    let record = usecase::applications::view(state.store.as_ref(), user, id).await?;
    Ok(Json(record.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this job's applications.
    job_id: Option<String>,
    /// Only applications in this status ("Under Review", ...).
    status: Option<String>,
    /// Only scores at least this (0-100).
    min_score: Option<String>,
    /// `-aiScore` (default), `aiScore`, `submittedAt` or `-submittedAt`.
    sort: Option<String>,
    /// 1-100, default 20.
    limit: Option<String>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SummaryView {
    id: ApplicationId,
    job_id: JobId,
    full_name: String,
    status: Status,
    ai_score: Option<u8>,
    /// Whether the semantic model has refined the score (null while unscored).
    score_refined: Option<bool>,
    submitted_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageView {
    items: Vec<SummaryView>,
    /// Pass as `cursor` to get the next page; null on the last page.
    next_cursor: Option<String>,
}

pub const DEFAULT_PAGE: u32 = 20;
pub const MAX_PAGE: u32 = 100;

fn invalid(field: &'static str, message: &str) -> ApiError {
    ApiError::bad_request(message).with_field(field)
}

fn parse_query(params: ListParams) -> Result<ApplicationQuery, ApiError> {
    let job_id = params
        .job_id
        .map(|v| {
            v.parse::<JobId>()
                .map_err(|_| invalid("jobId", "jobId must be a job id"))
        })
        .transpose()?;
    let status = params
        .status
        .map(|v| Status::parse(&v).ok_or_else(|| invalid("status", "unknown status")))
        .transpose()?;
    let min_score = params
        .min_score
        .map(|v| {
            v.parse::<u8>()
                .ok()
                .filter(|s| *s <= 100)
                .ok_or_else(|| invalid("minScore", "minScore must be 0-100"))
        })
        .transpose()?;
    let sort = match params.sort.as_deref() {
        None | Some("-aiScore") => SortOrder::ScoreDesc,
        Some("aiScore") => SortOrder::ScoreAsc,
        Some("submittedAt") => SortOrder::SubmittedAsc,
        Some("-submittedAt") => SortOrder::SubmittedDesc,
        Some(_) => {
            return Err(invalid(
                "sort",
                "sort must be one of -aiScore, aiScore, submittedAt, -submittedAt",
            ));
        }
    };
    let limit = match params.limit {
        None => DEFAULT_PAGE,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|l| (1..=MAX_PAGE).contains(l))
            .ok_or_else(|| invalid("limit", "limit must be 1-100"))?,
    };
    let after = params
        .cursor
        .map(|c| {
            decode_cursor(&c).ok_or_else(|| invalid("cursor", "cursor is not one this server handed out"))
        })
        .transpose()?;
    Ok(ApplicationQuery {
        job_id,
        status,
        min_score,
        sort,
        limit,
        after,
    })
}

/// Recruiters and admins; a hiring manager for their own job (`jobId`). Keyset pagination:
/// stable under concurrent inserts, constant cost per page.
#[utoipa::path(
    get, path = "/api/applications", tag = "applications", security(("bearer" = [])),
    params(ListParams),
    responses((status = 200, description = "A page of applications, best score first by default", body = PageView),
        (status = 400, description = "`bad_request`: a parameter out of range", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a recruiter or admin, nor the hiring manager of `jobId`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Query(params): Query<ListParams>,
) -> Result<Json<PageView>, ApiError> {
    let query = parse_query(params)?;
    let page = crate::usecase::applications::list(state.store.as_ref(), user, &query).await?;
    let next_cursor = next_cursor(&page, query.limit);
    let items = page
        .into_iter()
        .map(|s| SummaryView {
            id: s.id,
            job_id: s.job_id,
            full_name: s.full_name,
            status: s.status,
            ai_score: s.ai_score,
            score_refined: s
                .scorer_version
                .as_deref()
                .map(|v| ScorerVersion::parse(v).is_refined()),
            submitted_at: s.submitted_at,
        })
        .collect();
    Ok(Json(PageView { items, next_cursor }))
}

/// The original CV file, for staff and for the applicant who sent it.
#[utoipa::path(
    get, path = "/api/applications/{id}/cv", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses((status = 200, description = "The original CV file, as an attachment",
            content(("application/pdf"), ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("text/plain"))),
        (status = 404, description = "`not_found`: no such application, not yours, or no file", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn cv(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let id: ApplicationId = id.parse().map_err(|_| ApiError::not_found("application"))?;
    let file = usecase::applications::cv_file(state.store.as_ref(), user, id).await?;
    Ok(attachment(file))
}
