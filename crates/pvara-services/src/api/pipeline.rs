//! The recruiter's actions. Each is checked against the status table, and applied with its
//! history entry and events in one transaction, conditional on the status it was checked against.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDate, Utc};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::pipeline::{Interview, Offer, Rejection, Step, TestInvitation};
use pvara_domain::status::Status;
use pvara_storage::model::Transition;
use serde::{Deserialize, Serialize};

use super::ApiState;
use super::error::ApiError;
use super::extract::{ApiJson, RequestId};
use crate::auth::AuthUser;
use crate::events::{SOURCE_API, to_messages};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    id: ApplicationId,
    job_id: JobId,
    previous_status: Status,
    status: Status,
}

async fn act(
    state: &ApiState,
    user: AuthUser,
    id: &str,
    request_id: Option<&str>,
    step: Step,
) -> Result<Json<StepView>, ApiError> {
    user.require_staff()?;
    let id: ApplicationId = id.parse().map_err(|_| ApiError::not_found("application"))?;
    let (_, job_id, from) = state
        .store
        .application_owner(id)
        .await?
        .ok_or_else(|| ApiError::not_found("application"))?;
    let to = from.apply(step.action()).ok_or_else(|| {
        ApiError::conflict(
            "invalid_transition",
            format!("cannot {:?} an application that is {from}", step.action()),
        )
    })?;
    let now = crate::now();
    let events = step.events(id, job_id, to);
    let messages = to_messages(&events, SOURCE_API, request_id, now).map_err(|e| ApiError::internal(&e))?;
    state
        .store
        .transition(Transition {
            application_id: id,
            from,
            to,
            actor: user.id.to_string(),
            reason: step.reason(),
            details: Some(step.details()),
            at: now,
            score: None,
            messages,
        })
        .await?;
    Ok(Json(StepView {
        id,
        job_id,
        previous_status: from,
        status: to,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestInvitationBody {
    test_url: String,
    deadline: DateTime<Utc>,
}

pub async fn invite_to_test(
    State(state): State<ApiState>,
    user: AuthUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<TestInvitationBody>,
) -> Result<Json<StepView>, ApiError> {
    user.require_staff()?;
    let step = Step::InviteToTest(TestInvitation::parse(
        &body.test_url,
        body.deadline,
        crate::now(),
    )?);
    act(&state, user, &id, request_id.as_deref(), step).await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InterviewBody {
    scheduled_at: DateTime<Utc>,
    location: String,
    interviewers: Vec<String>,
}

pub async fn schedule_interview(
    State(state): State<ApiState>,
    user: AuthUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<InterviewBody>,
) -> Result<Json<StepView>, ApiError> {
    user.require_staff()?;
    let interview = Interview::parse(
        body.scheduled_at,
        &body.location,
        &body.interviewers,
        crate::now(),
    )?;
    act(
        &state,
        user,
        &id,
        request_id.as_deref(),
        Step::ScheduleInterview(interview),
    )
    .await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferBody {
    salary: f64,
    start_date: NaiveDate,
    expires_at: DateTime<Utc>,
}

pub async fn extend_offer(
    State(state): State<ApiState>,
    user: AuthUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<OfferBody>,
) -> Result<Json<StepView>, ApiError> {
    user.require_staff()?;
    let offer = Offer::parse(body.salary, body.start_date, body.expires_at, crate::now())?;
    act(&state, user, &id, request_id.as_deref(), Step::ExtendOffer(offer)).await
}

#[derive(Debug, Deserialize)]
pub struct RejectionBody {
    reason: String,
}

pub async fn reject(
    State(state): State<ApiState>,
    user: AuthUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<RejectionBody>,
) -> Result<Json<StepView>, ApiError> {
    user.require_staff()?;
    let step = Step::Reject(Rejection::parse(&body.reason)?);
    act(&state, user, &id, request_id.as_deref(), step).await
}
