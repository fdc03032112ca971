//! Extractors that fail with [`ApiError`] instead of axum's plain-text rejections: JSON bodies,
//! request ids, client addresses, and the caller from a Bearer token.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::auth::HasTokens;
use crate::usecase::Actor;

/// A JSON body. Syntax errors are 400; a missing field or a wrong type is 422 naming the field
/// (`requirements.minYearsExperience`); a body over the limit is 413.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_rejection)?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let message = public_message(&inner.to_string());
                    let field = field_of(&path, &message);
                    let err = ApiError::unprocessable("invalid_field", message);
                    match field {
                        Some(field) => err.with_field(field),
                        None => err,
                    }
                }
                _ => ApiError::bad_request(format!("malformed JSON: {}", public_message(&inner.to_string()))),
            }
        })?;
        // One JSON value and nothing after it: `{...} garbage` is not a body we understood.
        deserializer
            .end()
            .map_err(|_| ApiError::bad_request("malformed JSON: unexpected data after the JSON value"))?;
        Ok(ApiJson(value))
    }
}

/// serde's message without what only pvara's code knows: `expected struct SubmitBody with 9
/// elements` names a Rust type; the client needs to hear "a JSON object".
fn public_message(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    for internal in ["expected struct ", "expected enum ", "expected tuple struct "] {
        if let Some(at) = message.find(internal) {
            return format!("{}expected a JSON object", &message[..at]);
        }
    }
    message.to_owned()
}

/// The field a data error is about. serde reports a missing field at its parent's path, naming
/// the field only in the message (missing field `resumeText`).
fn field_of(path: &str, message: &str) -> Option<String> {
    let parent = if path == "." { None } else { Some(path) };
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (parent, missing) {
        (Some(parent), Some(name)) => Some(format!("{parent}.{name}")),
        (None, Some(name)) => Some(name.to_owned()),
        (parent, None) => parent.map(str::to_owned),
    }
}

fn body_rejection(rejection: BytesRejection) -> ApiError {
    if timed_out(&rejection) {
        return ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "the request body did not arrive in time",
        );
    }
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "request body is too large",
        )
    } else {
        ApiError::bad_request(rejection.body_text())
    }
}

/// Whether reading the body failed because the body timeout fired.
fn timed_out(rejection: &BytesRejection) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(rejection);
    while let Some(error) = cause {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn messages_name_no_rust_type() {
        assert_eq!(
            super::public_message(
                "invalid type: sequence, expected struct SubmitBody with 9 elements at line 1 column 2"
            ),
            "invalid type: sequence, expected a JSON object"
        );
        assert_eq!(
            super::public_message("invalid type: string \"x\", expected f64"),
            "invalid type: string \"x\", expected f64"
        );
    }

    #[test]
    fn missing_fields_are_named_with_their_parent() {
        assert_eq!(
            field_of(".", "missing field `resumeText` at line 1 column 2").as_deref(),
            Some("resumeText")
        );
        assert_eq!(
            field_of("requirements", "missing field `requiredSkills` at line 1").as_deref(),
            Some("requirements.requiredSkills")
        );
        assert_eq!(
            field_of("yearsExperience", "invalid type: string").as_deref(),
            Some("yearsExperience")
        );
        assert_eq!(field_of(".", "invalid type: map").as_deref(), None);
    }
}

// Callers, from their Bearer token: the API's side of `auth`, rejected in the API's error shape.

/// The caller of an API route: from a valid `Authorization: Bearer` token whose user exists and
/// is active; requests without one get 401.
pub type AuthUser = Actor;

/// A caller with a staff role, checked from the token before the body is read: an applicant
/// posting a job hears 403, not a validation message about the job.
#[derive(Debug, Clone, Copy)]
pub struct StaffUser(pub Actor);

/// A caller who works here (recruiter, hiring manager, interviewer, admin): the pipeline's
/// routes, whose use cases then check the job and the panel.
#[derive(Debug, Clone, Copy)]
pub struct TeamUser(pub Actor);

impl<S> FromRequestParts<S> for TeamUser
where
    S: HasTokens + Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let actor = Actor::from_request_parts(parts, state).await?;
        actor.require_works_here()?;
        Ok(TeamUser(actor))
    }
}

/// A caller with the applicant role, checked before the body is read.
#[derive(Debug, Clone, Copy)]
pub struct ApplicantUser(pub Actor);

impl<S> FromRequestParts<S> for StaffUser
where
    S: HasTokens + Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let actor = Actor::from_request_parts(parts, state).await?;
        actor.require_staff()?;
        Ok(StaffUser(actor))
    }
}

impl<S> FromRequestParts<S> for ApplicantUser
where
    S: HasTokens + Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let actor = Actor::from_request_parts(parts, state).await?;
        actor.require_applicant()?;
        Ok(ApplicantUser(actor))
    }
}

impl<S> FromRequestParts<S> for Actor
where
    S: HasTokens + Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer token"))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthorized("expected Authorization: Bearer <token>"))?;
        let (actor, issued_at) = state
            .tokens()
            .verify_issued(token.trim())
            .ok_or_else(|| ApiError::unauthorized("invalid or expired token"))?;
        let standing = state.active_users().standing(state.store(), actor.id).await?;
        if !standing.is_some_and(|s| s.accepts(issued_at)) {
            return Err(ApiError::unauthorized(
                "this account no longer exists, was deactivated, or its password changed: sign in again",
            ));
        }
        Ok(actor)
    }
}
