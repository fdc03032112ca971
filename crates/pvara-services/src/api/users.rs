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

use super::error::ApiError;
use super::extract::ApiJson;
use super::openapi::ErrorBody;
use crate::state::AppState;
use crate::usecase;
use crate::usecase::Actor;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisterBody {
    email: String,
    password: String,
    full_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    /// False until the link mailed at registration is followed.
    pub email_verified: bool,
}

/// What registration answers, alike for a new address and a known one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationView {
    /// The address written to.
    pub email: String,
    /// What to do next, in words.
    pub message: String,
}

/// What the person is told after registering, on the API and the page alike.
pub const REGISTERED_MESSAGE: &str = "We have sent a message to this address. If it is new here, your account is \
     ready (follow the link in the message to confirm your address, if it asks you to); if it \
     already has an account, the message says how to sign in.";

/// Self-service registration; always creates an applicant. The answer is the same whether or
/// not the address already has an account (the mail to the address tells which).
#[utoipa::path(
    post, path = "/api/auth/register", tag = "accounts", request_body = RegisterBody,
    responses((status = 202, description = "Accepted: a new address gets an applicant's account (and a verification link when verification is on); a known one gets a mail saying it has an account", body = RegistrationView),
        (status = 422, description = "`validation_failed`: a weak password, a bad address", body = ErrorBody),
        (status = 429, description = "`too_many_requests`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn register(
    State(state): State<AppState>,
    client: usecase::Client,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<(StatusCode, Json<RegistrationView>), ApiError> {
    let registered = usecase::accounts::register(
        state.store.as_ref(),
        (&state.throttle, client),
        state.email_verification,
        &body.email,
        &body.password,
        &body.full_name,
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(RegistrationView {
            email: registered.email,
            message: REGISTERED_MESSAGE.to_owned(),
        }),
    ))
}

impl From<&NewUser> for UserView {
    fn from(user: &NewUser) -> Self {
        UserView {
            id: user.id,
            email: user.email.as_str().to_owned(),
            role: user.role,
            email_verified: user.email_verified_at.is_some(),
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoginView {
    token: String,
    expires_at: DateTime<Utc>,
    role: Role,
}

/// One answer for unknown e-mail, wrong password and deactivated account, taking as long.
#[utoipa::path(
    post, path = "/api/auth/login", tag = "accounts", request_body = LoginBody,
    responses((status = 200, description = "A Bearer token", body = LoginView),
        (status = 401, description = "`unauthorized`: wrong e-mail or password, alike", body = ErrorBody),
        (status = 429, description = "`too_many_requests`: the account is locked for a while", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn login(
    State(state): State<AppState>,
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenBody {
    pub(super) token: String,
}

/// Follows the link mailed at registration: the account's address is verified.
#[utoipa::path(
    post, path = "/api/auth/email-verification", tag = "accounts", request_body = TokenBody,
    responses((status = 204, description = "The address is verified"),
        (status = 422, description = "`invalid_token`: forged, used or expired", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn verify_email(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<StatusCode, ApiError> {
    usecase::verification::verify_email(
        state.store.as_ref(),
        (&state.links, &state.active_users),
        &body.token,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails the signed-in user a new verification link (nothing when already verified).
#[utoipa::path(
    post, path = "/api/auth/verification-mail", tag = "accounts", security(("bearer" = [])),
    responses((status = 202, description = "A new link is mailed (nothing when already verified)"),
        (status = 401, description = "`unauthorized`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn resend_verification(
    State(state): State<AppState>,
    actor: Actor,
    client: usecase::Client,
) -> Result<StatusCode, ApiError> {
    usecase::verification::resend_verification(state.store.as_ref(), &state.throttle, client, actor).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResetRequestBody {
    email: String,
}

/// Mails a reset link if the address has an account; the same 202 either way.
#[utoipa::path(
    post, path = "/api/auth/password-reset-request", tag = "accounts", request_body = ResetRequestBody,
    responses((status = 202, description = "The same answer whether or not the address has an account"), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn request_password_reset(
    State(state): State<AppState>,
    client: usecase::Client,
    ApiJson(body): ApiJson<ResetRequestBody>,
) -> Result<StatusCode, ApiError> {
    usecase::verification::request_password_reset(state.store.as_ref(), &state.throttle, client, &body.email)
        .await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResetBody {
    token: String,
    password: String,
}

/// Sets a new password through a reset link; every session and token of the account ends.
#[utoipa::path(
    post, path = "/api/auth/password-reset", tag = "accounts", request_body = ResetBody,
    responses((status = 204, description = "The password is changed; every session and earlier token of the account ends"),
        (status = 422, description = "`invalid_token`, or `validation_failed` for a weak password", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResetBody>,
) -> Result<StatusCode, ApiError> {
    usecase::verification::reset_password(
        state.store.as_ref(),
        (&state.links, &state.active_users),
        &body.token,
        &body.password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
