//! Registration and login.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pvara_domain::ids::UserId;
use pvara_domain::user::{Email, FullName, Password, Role};
use pvara_storage::Store;
use pvara_storage::model::NewUser;
use serde::{Deserialize, Serialize};

use super::ApiState;
use super::error::ApiError;
use super::extract::ApiJson;
use crate::usecase;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterBody {
    email: String,
    password: String,
    full_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub role: Role,
}

/// Self-service registration; always creates an applicant.
pub async fn register(
    State(state): State<ApiState>,
    client: usecase::Client,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let user = usecase::accounts::register(
        state.store.as_ref(),
        &state.throttle,
        client,
        &body.email,
        &body.password,
        &body.full_name,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(UserView::from(&user))))
}

impl From<&NewUser> for UserView {
    fn from(user: &NewUser) -> Self {
        UserView {
            id: user.id,
            email: user.email.as_str().to_owned(),
            role: user.role,
        }
    }
}

/// Creates a user of any role, as the operator's `users create` does.
pub async fn create_user(
    store: &dyn Store,
    email: Email,
    full_name: FullName,
    password: Password,
    role: Role,
) -> Result<UserView, ApiError> {
    let user = usecase::accounts::create_user(store, email, full_name, password, role).await?;
    Ok(UserView::from(&user))
}

#[derive(Debug, Deserialize)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginView {
    token: String,
    expires_at: DateTime<Utc>,
    role: Role,
}

/// One answer for unknown e-mail, wrong password and deactivated account, taking as long.
pub async fn login(
    State(state): State<ApiState>,
    client: usecase::Client,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<LoginView>, ApiError> {
    let user = usecase::accounts::sign_in(
        state.store.as_ref(),
        &state.throttle,
        client,
        &body.email,
        &body.password,
    )
    .await?
    .ok_or_else(|| ApiError::unauthorized("wrong e-mail or password"))?;
    let issued = state
        .tokens
        .issue(user.id, user.role, crate::now())
        .map_err(|e| ApiError::internal(&crate::ErrorChain(&e)))?;
    Ok(Json(LoginView {
        token: issued.token,
        expires_at: issued.expires_at,
        role: user.role,
    }))
}
