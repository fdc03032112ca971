//! Answers to an offer: the candidate accepts or declines it, staff withdraw it or confirm the
//! hire. Each is a step of the lifecycle, checked and applied like the others; an answer after
//! the offer's expiry is refused with `offer_expired`.

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use pvara_domain::pipeline::{Hiring, OfferAcceptance, OfferDecline, OfferWithdrawal, Step};
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{ApiJson, ApplicantUser, TeamUser};
use super::openapi::ErrorBody;
use super::pipeline::{StepView, act, optional_body};
use crate::front::request::RequestId;
use crate::state::AppState;

/// The candidate accepts the offer made to them.
#[utoipa::path(
    post, path = "/api/applications/{id}/offer/acceptance", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses((status = 200, description = "Accepted", body = StepView),
        (status = 409, description = "`invalid_transition` (no open offer) or `offer_expired`", body = ErrorBody),
        (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn accept(
    State(state): State<AppState>,
    ApplicantUser(user): ApplicantUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
) -> Result<Json<StepView>, ApiError> {
    let step = Step::AcceptOffer(OfferAcceptance {});
    act(&state, user, &id, request_id.as_deref(), step).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DeclineBody {
    reason: Option<String>,
}

/// The candidate declines the offer; the body (`{"reason"}`) is optional.
#[utoipa::path(
    post, path = "/api/applications/{id}/offer/decline", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body(content = Option<DeclineBody>, description = "Optional"),
    responses((status = 200, description = "Declined", body = StepView),
        (status = 409, description = "`invalid_transition` (no open offer) or `offer_expired`", body = ErrorBody),
        (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn decline(
    State(state): State<AppState>,
    ApplicantUser(user): ApplicantUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    body: axum::body::Bytes,
) -> Result<Json<StepView>, ApiError> {
    let body: DeclineBody = optional_body(&body)?;
    let step = Step::DeclineOffer(OfferDecline::parse(body.reason.as_deref())?);
    act(&state, user, &id, request_id.as_deref(), step).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OfferWithdrawalBody {
    reason: String,
}

/// Staff take an offer back, before or after it was accepted; the reason is told to the candidate.
#[utoipa::path(
    post, path = "/api/applications/{id}/offer/withdrawal", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")), request_body = OfferWithdrawalBody,
    responses((status = 200, description = "The offer is withdrawn", body = StepView),
        (status = 409, description = "`invalid_transition`", body = ErrorBody),
        (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn withdraw(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<OfferWithdrawalBody>,
) -> Result<Json<StepView>, ApiError> {
    let step = Step::WithdrawOffer(OfferWithdrawal::parse(&body.reason)?);
    act(&state, user, &id, request_id.as_deref(), step).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HireBody {
    start_date: NaiveDate,
}

/// Staff confirm that the candidate who accepted the offer was hired, with the day they start.
#[utoipa::path(
    post, path = "/api/applications/{id}/hire", tag = "pipeline", security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")), request_body = HireBody,
    responses((status = 200, description = "Hired", body = StepView),
        (status = 409, description = "`invalid_transition`: the offer is not accepted", body = ErrorBody),
        (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn hire(
    State(state): State<AppState>,
    TeamUser(user): TeamUser,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<HireBody>,
) -> Result<Json<StepView>, ApiError> {
    let step = Step::Hire(Hiring::parse(body.start_date));
    act(&state, user, &id, request_id.as_deref(), step).await
}
