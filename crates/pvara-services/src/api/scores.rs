//! Human oversight of an application's score.

use axum::Json;
use axum::extract::{Path, State};
use pvara_domain::ids::ApplicationId;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::ApiJson;
use super::extract::StaffUser;
use super::openapi::ErrorBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OverrideBody {
    /// The score to set, 0-100.
    score: i64,
    /// Why; required, up to 500 characters, kept in the score history.
    reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverrideView {
    id: ApplicationId,
    ai_score: u8,
    scorer_version: String,
}

/// Staff: set the application's score in place of the machine's, with a reason. The machine's
/// breakdown stays, with the override beside it (`scoreBreakdown.overridden`).
#[utoipa::path(
    post, path = "/api/applications/{id}/score-override", tag = "pipeline", request_body = OverrideBody, security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses((status = 200, description = "The score set", body = OverrideView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`not_scored`: no score yet; `stale`: the score changed meanwhile", body = ErrorBody),
        (status = 422, description = "`validation_failed`: score outside 0-100, or no reason", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn override_score(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OverrideBody>,
) -> Result<Json<OverrideView>, ApiError> {
    let id: ApplicationId = id.parse().map_err(|_| ApiError::not_found("application"))?;
    let score =
        crate::usecase::scores::override_score(state.store.as_ref(), user, id, body.score, &body.reason)
            .await?;
    Ok(Json(OverrideView {
        id,
        ai_score: score.total,
        scorer_version: score.scorer_version,
    }))
}
