//! Interview panels through the API: who may sit on one, the interviews a person sits on, and
//! the scorecards (read as the use case allows: a member sees the others' once theirs is in).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::scorecard::{Criterion, Rating, Recommendation, ScorecardDraft};
use pvara_domain::status::Status;
use pvara_domain::user::Role;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{ApiJson, TeamUser};
use super::openapi::ErrorBody;
use crate::state::AppState;
use crate::usecase;

/// Someone who may sit on an interview panel.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InterviewerView {
    id: UserId,
    full_name: String,
    role: Role,
}

/// Active recruiters, hiring managers and interviewers: the ids a scheduling's
/// `interviewerIds` takes.
#[utoipa::path(
    get, path = "/api/interviewers", tag = "panels", security(("bearer" = [])),
    responses((status = 200, description = "By name", body = Vec<InterviewerView>),
        (status = "default", description = "Any refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn interviewers(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
) -> Result<Json<Vec<InterviewerView>>, ApiError> {
    let people = usecase::panel::interviewers(state.store.as_ref(), user).await?;
    Ok(Json(
        people
            .into_iter()
            .map(|u| InterviewerView {
                id: u.id,
                full_name: u.full_name,
                role: u.role,
            })
            .collect(),
    ))
}

/// An interview the caller sits on.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PanelInterviewView {
    application_id: ApplicationId,
    job_id: JobId,
    job_title: String,
    full_name: String,
    status: Status,
    round: u8,
    scheduled_at: DateTime<Utc>,
    /// The caller's scorecard is in.
    submitted: bool,
}

/// The interviews the caller sits on, soonest first.
#[utoipa::path(
    get, path = "/api/me/interviews", tag = "panels", security(("bearer" = [])),
    responses((status = 200, description = "Soonest first", body = Vec<PanelInterviewView>),
        (status = "default", description = "Any refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn my_interviews(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
) -> Result<Json<Vec<PanelInterviewView>>, ApiError> {
    let found = usecase::panel::my_interviews(state.store.as_ref(), user).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|i| PanelInterviewView {
                application_id: i.application_id,
                job_id: i.job_id,
                job_title: i.job_title,
                full_name: i.full_name,
                status: i.status,
                round: i.round,
                scheduled_at: i.scheduled_at,
                submitted: i.submitted,
            })
            .collect(),
    ))
}

/// One member's seat on one interview, with their card when the caller may read it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeatView {
    interviewer_id: UserId,
    name: String,
    submitted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<Recommendation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ratings: Option<Vec<Rating>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    submitted_at: Option<DateTime<Utc>>,
}

/// One interview's panel.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PanelView {
    round: u8,
    scheduled_at: DateTime<Utc>,
    /// Every member's card is in.
    complete: bool,
    seats: Vec<SeatView>,
}

/// The application's interview panels and the cards the caller may read: all of them for
/// someone who decides on the job; for a panel member, the others' once their own is in.
#[utoipa::path(
    get, path = "/api/applications/{id}/scorecards", tag = "panels", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses((status = 200, description = "By round", body = Vec<PanelView>),
        (status = 404, description = "`not_found`: no such application, or not the caller's to see", body = ErrorBody),
        (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn scorecards(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<PanelView>>, ApiError> {
    let id: ApplicationId = id.parse().map_err(|_| ApiError::not_found("application"))?;
    let rounds = usecase::panel::panels(state.store.as_ref(), user, id).await?;
    Ok(Json(
        rounds
            .into_iter()
            .map(|r| PanelView {
                round: r.round,
                scheduled_at: r.scheduled_at,
                complete: r.complete,
                seats: r
                    .seats
                    .into_iter()
                    .map(|s| SeatView {
                        interviewer_id: s.interviewer,
                        name: s.name,
                        submitted: s.submitted,
                        recommendation: s.card.as_ref().map(|c| c.recommendation),
                        submitted_at: s.card.as_ref().map(|c| c.submitted_at),
                        ratings: s.card.map(|c| c.ratings),
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// One criterion as the caller rates it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RatingBody {
    criterion: Criterion,
    /// 1 (no evidence) to 4 (strong evidence).
    score: u8,
    evidence: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScorecardBody {
    /// The interview round the card is for.
    round: u8,
    /// Every criterion of the job's rubric with weight, once each.
    ratings: Vec<RatingBody>,
    recommendation: Recommendation,
}

/// The caller files their scorecard for one round of the application's interviews. Final: a
/// second card is 409 `scorecard_submitted`; someone not on that panel gets 404.
#[utoipa::path(
    post, path = "/api/applications/{id}/scorecards", tag = "panels", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")), request_body = ScorecardBody,
    responses((status = 201, description = "Filed"),
        (status = 422, description = "`validation_failed`: the first problem of the card", body = ErrorBody),
        (status = 409, description = "`scorecard_submitted`", body = ErrorBody),
        (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn submit_scorecard(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ScorecardBody>,
) -> Result<StatusCode, ApiError> {
    let id: ApplicationId = id.parse().map_err(|_| ApiError::not_found("application"))?;
    let draft = ScorecardDraft {
        ratings: body
            .ratings
            .into_iter()
            .map(|r| (r.criterion, Some(r.score), r.evidence))
            .collect(),
        recommendation: Some(body.recommendation),
    };
    usecase::panel::submit_scorecard(state.store.as_ref(), user, id, body.round, &draft).await?;
    Ok(StatusCode::CREATED)
}
