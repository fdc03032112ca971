//! `GET /api/me/export`, `DELETE /api/me` and, for admins, `DELETE /api/users/{id}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pvara_domain::ids::UserId;

use super::ApiState;
use super::applications::ApplicationView;
use super::error::ApiError;
use crate::auth::AuthUser;
use crate::usecase::{self, privacy::Export};

pub async fn export(State(state): State<ApiState>, user: AuthUser) -> Result<Json<Export>, ApiError> {
    let export = usecase::privacy::export(state.store.as_ref(), user, ApplicationView::json).await?;
    Ok(Json(export))
}

pub async fn erase_me(State(state): State<ApiState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    erase(&state, user, user.id).await
}

pub async fn erase_user(
    State(state): State<ApiState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: UserId = id.parse().map_err(|_| ApiError::not_found("user"))?;
    erase(&state, user, id).await
}

async fn erase(state: &ApiState, actor: AuthUser, target: UserId) -> Result<StatusCode, ApiError> {
    let context = (&state.active_users, state.mail_archive.as_ref());
    usecase::privacy::erase(state.store.as_ref(), context, actor, target).await?;
    Ok(StatusCode::NO_CONTENT)
}
