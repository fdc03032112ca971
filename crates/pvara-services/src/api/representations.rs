//! A candidate's result and representations over HTTP, and the committee's decisions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::merit::allocation::Entry;
use pvara_storage::merit::RepresentationRecord;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{ApiJson, ApplicantUser, AuthUser, StaffUser};
use super::openapi::ErrorBody;
use crate::front::request::RequestId;
use crate::state::AppState;
use crate::usecase::merit::{lists, representations};

fn application_id(id: &str) -> Result<ApplicationId, ApiError> {
    id.parse().map_err(|_| ApiError::not_found("application"))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RepresentationView {
    id: uuid::Uuid,
    application_id: ApplicationId,
    job_id: JobId,
    /// The list version it is about.
    list_version: u32,
    text: String,
    filed_at: DateTime<Utc>,
    decided: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    upheld: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_at: Option<DateTime<Utc>>,
}

impl From<RepresentationRecord> for RepresentationView {
    fn from(r: RepresentationRecord) -> Self {
        let decision = r.decision;
        RepresentationView {
            id: r.id,
            application_id: r.application,
            job_id: r.job,
            list_version: r.list_version,
            text: r.text,
            filed_at: r.filed_at,
            decided: decision.is_some(),
            upheld: decision.as_ref().map(|d| d.upheld),
            reason: decision.as_ref().map(|d| d.reason.clone()),
            decided_at: decision.as_ref().map(|d| d.at),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RepresentationBody {
    /// What the candidate objects to and why; up to 5,000 characters.
    text: String,
}

/// The applicant: file one representation against the newest published list of the job,
/// within the job's window for representations.
#[utoipa::path(
    post, path = "/api/applications/{id}/representations", tag = "national recruitment", request_body = RepresentationBody, security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses((status = 201, description = "Filed", body = RepresentationView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`no_result`, `window_closed`, `duplicate_representation`", body = ErrorBody),
        (status = 422, description = "`validation_failed`: no text", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn file(
    State(state): State<AppState>,
    ApplicantUser(user): ApplicantUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RepresentationBody>,
) -> Result<(StatusCode, Json<RepresentationView>), ApiError> {
    let filed = representations::file(state.store.as_ref(), user, application_id(&id)?, &body.text).await?;
    Ok((StatusCode::CREATED, Json(filed.into())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionBody {
    /// Whether the representation is upheld.
    upheld: bool,
    /// The reason, in writing; mailed to the candidate's application page.
    reason: String,
}

/// Staff (the committee): decide a representation with a written reason; the candidate is
/// mailed. An upheld representation that changes marks is followed by new marks and a new
/// list version, approved by two people.
#[utoipa::path(
    post, path = "/api/representations/{id}/decision", tag = "national recruitment", request_body = DecisionBody, security(("bearer" = [])),
    params(("id" = String, Path, description = "The representation's id")),
    responses((status = 200, description = "Decided", body = RepresentationView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`decided`: decided already", body = ErrorBody),
        (status = 422, description = "`validation_failed`: no reason", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn decide(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<Json<RepresentationView>, ApiError> {
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::not_found("representation"))?;
    let decided = representations::decide(
        state.store.as_ref(),
        user,
        id,
        body.upheld,
        &body.reason,
        request_id.as_deref(),
    )
    .await?;
    Ok(Json(decided.into()))
}

/// Staff: a job's representations, oldest first.
#[utoipa::path(
    get, path = "/api/jobs/{id}/representations", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The representations", body = [RepresentationView]), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn of_job(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<RepresentationView>>, ApiError> {
    let job: JobId = id.parse().map_err(|_| ApiError::not_found("job"))?;
    let all = representations::of_job(state.store.as_ref(), user, job).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResultView {
    /// Whether a list with this application has been published.
    published: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<Entry>,
    /// Until when a representation may be filed.
    #[serde(skip_serializing_if = "Option::is_none")]
    representations_until: Option<DateTime<Utc>>,
    representations: Vec<RepresentationView>,
}

/// The applicant (or staff): the application's marks, position and outcome on the newest
/// published list, and its representations.
#[utoipa::path(
    get, path = "/api/applications/{id}/result", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses((status = 200, description = "The result, once published", body = ResultView),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn result(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ResultView>, ApiError> {
    let (store, id) = (state.store.as_ref(), application_id(&id)?);
    let result = lists::own_result(store, user, id).await?;
    let filed = representations::of_application(store, user, id).await?;
    Ok(Json(ResultView {
        published: result.is_some(),
        version: result.as_ref().map(|r| r.head.version),
        fingerprint: result.as_ref().map(|r| r.head.fingerprint.clone()),
        representations_until: result.as_ref().map(|r| r.representations_until),
        entry: result.map(|r| r.entry),
        representations: filed.into_iter().map(Into::into).collect(),
    }))
}
