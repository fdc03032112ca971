//! The recruiter's actions. Each is checked against the status table, and applied with its
//! history entry and events in one transaction, conditional on the status it was checked against.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDate, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::pipeline::{Offer, Rejection, SalaryPeriod, Step, TestInvitation, Withdrawal};
use pvara_domain::status::Status;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::ApiJson;
use super::extract::{ApplicantUser, AuthUser, TeamUser};
use super::openapi::ErrorBody;
use crate::front::request::RequestId;
use crate::state::AppState;
use crate::usecase;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    id: ApplicationId,
    job_id: JobId,
    previous_status: Status,
    status: Status,
}

pub(super) async fn act(
    state: &AppState,
    user: AuthUser,
    id: &str,
    request_id: Option<&str>,
    step: Step,
) -> Result<Json<StepView>, ApiError> {
    let id: ApplicationId = id.parse().map_err(|_| ApiError::not_found("application"))?;
    let done = usecase::applications::step(state.store.as_ref(), user, id, &step, request_id).await?;
    Ok(Json(StepView {
        id: done.id,
        job_id: done.job_id,
        previous_status: done.previous_status,
        status: done.status,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestInvitationBody {
    test_url: String,
    deadline: DateTime<Utc>,
}

#[utoipa::path(
    post, path = "/api/applications/{id}/test-invitation", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")), request_body = TestInvitationBody,
    responses((status = 200, description = "The step is taken", body = StepView),
        (status = 409, description = "`invalid_transition`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn invite_to_test(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<TestInvitationBody>,
) -> Result<Json<StepView>, ApiError> {
    let step = Step::InviteToTest(TestInvitation::parse(
        &body.test_url,
        body.deadline,
        crate::now(),
    )?);
    act(&state, user, &id, request_id.as_deref(), step).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InterviewBody {
    scheduled_at: DateTime<Utc>,
    location: String,
    /// The panel: user ids of active recruiters, hiring managers or interviewers (see
    /// `GET /api/interviewers`). Each is mailed an invitation and files a scorecard.
    interviewer_ids: Vec<UserId>,
    /// The job's interview round this is; by default the round in hand (moving it), or the
    /// first. A job with more rounds makes no offer before its last.
    #[serde(default)]
    round: Option<u8>,
}

#[utoipa::path(
    post, path = "/api/applications/{id}/interview", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")), request_body = InterviewBody,
    responses((status = 200, description = "The step is taken", body = StepView),
        (status = 409, description = "`invalid_transition`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn schedule_interview(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<InterviewBody>,
) -> Result<Json<StepView>, ApiError> {
    let application: ApplicationId = id.parse().map_err(|_| ApiError::not_found("application"))?;
    let request = usecase::panel::InterviewRequest {
        scheduled_at: body.scheduled_at,
        location: &body.location,
        panel: &body.interviewer_ids,
        round: body.round,
    };
    let step = usecase::panel::interview_step(state.store.as_ref(), application, &request).await?;
    act(&state, user, &id, request_id.as_deref(), step).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferBody {
    salary: f64,
    /// What the salary is quoted per; monthly when not given.
    #[serde(default)]
    salary_period: SalaryPeriod,
    start_date: NaiveDate,
    expires_at: DateTime<Utc>,
}

#[utoipa::path(
    post, path = "/api/applications/{id}/offer", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")), request_body = OfferBody,
    responses((status = 200, description = "The step is taken", body = StepView),
        (status = 409, description = "`invalid_transition`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn extend_offer(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<OfferBody>,
) -> Result<Json<StepView>, ApiError> {
    let offer = Offer::parse(
        (body.salary, body.salary_period),
        body.start_date,
        body.expires_at,
        crate::now(),
    )?;
    act(&state, user, &id, request_id.as_deref(), Step::ExtendOffer(offer)).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RejectionBody {
    reason: String,
}

#[utoipa::path(
    post, path = "/api/applications/{id}/rejection", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")), request_body = RejectionBody,
    responses((status = 200, description = "The step is taken", body = StepView),
        (status = 409, description = "`invalid_transition`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn reject(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<RejectionBody>,
) -> Result<Json<StepView>, ApiError> {
    let step = Step::Reject(Rejection::parse(&body.reason)?);
    act(&state, user, &id, request_id.as_deref(), step).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct WithdrawalBody {
    reason: Option<String>,
}

/// The applicant withdraws their own application; the body (`{"reason"}`) is optional.
#[utoipa::path(
    post, path = "/api/applications/{id}/withdrawal", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body(content = Option<WithdrawalBody>, description = "Optional"),
    responses((status = 200, description = "Withdrawn", body = StepView),
        (status = 409, description = "`invalid_transition`: already final", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn withdraw(
    State(state): State<AppState>,
    ApplicantUser(user): ApplicantUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    body: axum::body::Bytes,
) -> Result<Json<StepView>, ApiError> {
    let body: WithdrawalBody = optional_body(&body)?;
    let step = Step::Withdraw(Withdrawal::parse(body.reason.as_deref())?);
    act(&state, user, &id, request_id.as_deref(), step).await
}

/// A JSON body that may be left out altogether (an empty or blank body reads as the default).
pub(super) fn optional_body<T: Default + serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))
}
