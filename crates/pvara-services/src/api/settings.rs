//! `PUT /api/me/name`, `PUT /api/me/password`, `PUT /api/me/language` and `POST /api/me/email`
//! (with `POST /api/auth/email-change` for its mailed link): the caller's own account settings,
//! through the same use cases as the "Your account" pages.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{ApiJson, AuthUser};
use super::openapi::ErrorBody;
use crate::state::AppState;
use crate::usecase;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NameBody {
    /// The account's new name; applications already made keep theirs.
    full_name: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LanguageBody {
    /// `en` or `ur`: the language of the account's mail (and its pages, at its next sign-in).
    language: pvara_domain::language::Language,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordBody {
    current_password: String,
    /// At least 10 characters, not of one kind only.
    new_password: String,
}

impl std::fmt::Debug for PasswordBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordBody(<redacted>)")
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailBody {
    /// The address to move the account to, once the link mailed there is followed.
    new_email: String,
    current_password: String,
}

impl std::fmt::Debug for EmailBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmailBody(<redacted>)")
    }
}

/// Mails a link to the new address; the account moves when it is followed
/// (`POST /api/auth/email-change`). Whether another account has the address is said only then.
#[utoipa::path(
    post, path = "/api/me/email", tag = "accounts", security(("bearer" = [])), request_body = EmailBody,
    responses((status = 202, description = "A link is mailed to the new address; nothing changes until it is followed"),
        (status = 422, description = "`validation_failed`: not an address, the account's own, a wrong password (every problem at once)", body = ErrorBody),
        (status = 429, description = "`too_many_requests`: too many wrong passwords or mails", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn request_email_change(
    State(state): State<AppState>,
    user: AuthUser,
    client: usecase::Client,
    ApiJson(body): ApiJson<EmailBody>,
) -> Result<StatusCode, ApiError> {
    usecase::settings::request_email_change(
        state.store.as_ref(),
        &state.throttle,
        (client, user),
        (&body.new_email, &body.current_password),
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Follows the link mailed to a new address: the account moves to it.
#[utoipa::path(
    post, path = "/api/auth/email-change", tag = "accounts", request_body = super::users::TokenBody,
    responses((status = 204, description = "The account has its new address"),
        (status = 409, description = "`email_taken`: another account has the address now", body = ErrorBody),
        (status = 422, description = "`invalid_token`: forged, used or expired", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn confirm_email_change(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<super::users::TokenBody>,
) -> Result<StatusCode, ApiError> {
    usecase::verification::confirm_new_email(
        state.store.as_ref(),
        (&state.links, &state.active_users),
        &body.token,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    put, path = "/api/me/name", tag = "accounts", security(("bearer" = [])), request_body = NameBody,
    responses((status = 204, description = "The account has its new name"),
        (status = 422, description = "`validation_failed`: an empty or overlong name", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn rename(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<NameBody>,
) -> Result<StatusCode, ApiError> {
    usecase::settings::rename(state.store.as_ref(), user, &body.full_name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    put, path = "/api/me/language", tag = "accounts", security(("bearer" = [])), request_body = LanguageBody,
    responses((status = 204, description = "The account's mail is written in this language from now on"),
        (status = 422, description = "`invalid_json`: a language pvara does not speak", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn set_language(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<LanguageBody>,
) -> Result<StatusCode, ApiError> {
    usecase::settings::set_language(state.store.as_ref(), user, body.language).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every session and every token of the account issued before now stop working, this one
/// included: sign in again with the new password.
#[utoipa::path(
    put, path = "/api/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordBody,
    responses((status = 204, description = "The password is changed; sign in again"),
        (status = 422, description = "`validation_failed`: a wrong current password, a weak new one (every problem at once)", body = ErrorBody),
        (status = 429, description = "`too_many_requests`: too many wrong current passwords", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    client: usecase::Client,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    usecase::settings::change_password(
        state.store.as_ref(),
        (&state.throttle, &state.active_users),
        (client, user),
        (&body.current_password, &body.new_password),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
