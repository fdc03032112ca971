//! Registration and login.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pvara_domain::ids::UserId;
use pvara_domain::user::{Email, FullName, Password, Role};
use pvara_storage::model::NewUser;
use pvara_storage::{Store, StoreError};
use serde::{Deserialize, Serialize};

use super::ApiState;
use super::error::ApiError;
use super::extract::ApiJson;
use crate::auth::{hash_password, verify_password};

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

/// Self-service registration; always creates an applicant. Staff accounts come from the CLI.
pub async fn register(
    State(state): State<ApiState>,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let email = Email::parse("email", &body.email)?;
    let full_name = FullName::parse(&body.full_name)?;
    let password = Password::parse(&body.password)?;
    let user = create_user(state.store.as_ref(), email, full_name, password, Role::Applicant).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Creates a user; shared by registration and the operator's `users create`.
pub async fn create_user(
    store: &dyn Store,
    email: Email,
    full_name: FullName,
    password: Password,
    role: Role,
) -> Result<UserView, ApiError> {
    let password_hash = hash_password(password.expose().to_owned())
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let user = NewUser {
        id: UserId::new(),
        email,
        full_name,
        role,
        password_hash,
        created_at: crate::now(),
    };
    let view = UserView {
        id: user.id,
        email: user.email.as_str().to_owned(),
        role,
    };
    store.create_user(user).await.map_err(|e| match e {
        StoreError::Conflict(_) => {
            ApiError::conflict("email_taken", "an account with this e-mail already exists")
                .with_field("email")
        }
        other => other.into(),
    })?;
    Ok(view)
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

/// One answer for unknown e-mail and wrong password, taking as long either way.
pub async fn login(
    State(state): State<ApiState>,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<LoginView>, ApiError> {
    let wrong = || ApiError::unauthorized("wrong e-mail or password");
    let user = match Email::parse("email", &body.email) {
        Ok(email) => state.store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = verify_password(body.password, hash)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let user = user.filter(|_| ok).ok_or_else(wrong)?;
    let issued = state
        .tokens
        .issue(user.id, user.role, crate::now())
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(LoginView {
        token: issued.token,
        expires_at: issued.expires_at,
        role: user.role,
    }))
}
