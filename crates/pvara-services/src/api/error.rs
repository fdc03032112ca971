//! The one error shape of the API. 5xx details are logged here and never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pvara_domain::ValidationError;
use pvara_storage::{LogError, StoreError};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// Seconds to wait before trying again (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// Logs `detail` and answers with a generic 500. Pass errors as [`crate::ErrorChain`] so
    /// that the log names every cause, not only the outermost ("database error").
    pub fn internal(detail: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
    }

    /// Logs `detail` and answers 503: the caller may retry.
    pub fn unavailable(detail: &dyn std::fmt::Display) -> Self {
        tracing::warn!(error = %detail, "dependency unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "service temporarily unavailable, retry later",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message, "field": self.field } });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        ApiError::unprocessable("validation_failed", error.message).with_field(error.field)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        crate::usecase::Error::from(error).into()
    }
}

impl From<crate::auth::Forbidden> for ApiError {
    fn from(forbidden: crate::auth::Forbidden) -> Self {
        crate::usecase::Error::from(forbidden).into()
    }
}

impl From<crate::usecase::Error> for ApiError {
    /// By the error's one classification ([`crate::usecase::Kind`]).
    fn from(error: crate::usecase::Error) -> Self {
        use crate::usecase::Kind;
        let status = match error.kind() {
            Kind::Invalid | Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::Forbidden | Kind::Unverified => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::Throttled => StatusCode::TOO_MANY_REQUESTS,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        match error.kind() {
            Kind::Internal => return ApiError::internal(&crate::ErrorChain(&error)),
            Kind::Unavailable if error.retry_after().is_none() => {
                return ApiError::unavailable(&crate::ErrorChain(&error));
            }
            _ => {}
        }
        ApiError {
            status,
            code: error.code(),
            message: error.public_message(),
            field: error.field().map(str::to_owned),
            retry_after: error.retry_after(),
        }
    }
}

impl From<LogError> for ApiError {
    fn from(error: LogError) -> Self {
        match error {
            LogError::Unavailable(_) => ApiError::unavailable(&crate::ErrorChain(&error)),
            other => ApiError::internal(&crate::ErrorChain(&other)),
        }
    }
}
