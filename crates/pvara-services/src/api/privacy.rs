//! `GET /api/me/export`, `DELETE /api/me` and, for admins, `DELETE /api/users/{id}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pvara_domain::ids::UserId;

use super::error::ApiError;
use super::extract::AuthUser;
use super::openapi::ErrorBody;
use crate::front::views::ApplicationView;
use crate::state::AppState;
use crate::usecase::{self, privacy::Export};

#[utoipa::path(
    get, path = "/api/me/export", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, description = "Everything pvara holds about the caller", body = Export), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn export(State(state): State<AppState>, user: AuthUser) -> Result<Json<Export>, ApiError> {
    let export = usecase::privacy::export(state.store.as_ref(), user, ApplicationView::json).await?;
    Ok(Json(export))
}

#[utoipa::path(
    delete, path = "/api/me", tag = "privacy", security(("bearer" = [])),
    responses((status = 204, description = "The caller is erased"),
        (status = 409, description = "`staff_account`: staff are deactivated, not erased", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn erase_me(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    erase(&state, user, user.id).await
}

#[utoipa::path(
    delete, path = "/api/users/{id}", tag = "privacy", security(("bearer" = [])),
    params(("id" = String, Path, description = "The applicant's user id")),
    responses((status = 204, description = "The applicant is erased"),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`staff_account`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn erase_user(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: UserId = id.parse().map_err(|_| ApiError::not_found("user"))?;
    erase(&state, user, id).await
}

async fn erase(state: &AppState, actor: AuthUser, target: UserId) -> Result<StatusCode, ApiError> {
    let context = (&state.active_users, state.mail_archive.as_ref());
    usecase::privacy::erase(state.store.as_ref(), context, actor, target).await?;
    Ok(StatusCode::NO_CONTENT)
}
