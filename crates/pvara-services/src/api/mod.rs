//! The HTTP API: JSON in camelCase, one error shape, Bearer tokens. One of the two front ends
//! over the use cases (the pages are the other); [`crate::http`] serves both.

pub mod applications;
mod audit;
pub mod error;
pub mod extract;
mod health;
mod jobs;
mod merit;
mod offers;
pub mod openapi;
mod panels;
mod pipeline;
mod privacy;
pub(crate) mod reports;
mod representations;
mod scores;
mod settings;
pub mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
use error::ApiError;

/// Largest request body accepted. Above the longest valid application (CV and cover letter at
/// their limits) so that an over-long field still gets a 422 naming it; far below anything that
/// could hurt the server.
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// A `multipart/form-data` body: an application with its CV file.
pub fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// A `text/csv` body: a testing agency's marks.
fn is_csv(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/csv"))
}

/// Refuses a body whose declared length is over the limit before reading any of it, so a client
/// sending 10 MB is told at once instead of after the upload. Chunked bodies are cut off by
/// `DefaultBodyLimit` while being read.
async fn refuse_oversized(request: axum::extract::Request, next: Next) -> Response {
    let limit = if is_multipart(request.headers()) {
        crate::front::upload::LIMIT_BYTES
    } else if is_csv(request.headers()) {
        crate::usecase::merit::marks::LIMIT_BYTES
    } else {
        BODY_LIMIT_BYTES
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "request body is too large",
        )
        .into_response();
    }
    next.run(request).await
}

/// The JSON API's routes with the OpenAPI document they make (a route cannot be served without
/// being in it).
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    use utoipa::OpenApi;
    let (schemas, paths, submit_or_list) = routes!(applications::submit, applications::list);
    // An application may carry its CV file; every other body stays under BODY_LIMIT_BYTES.
    let submit_or_list = (
        schemas,
        paths,
        submit_or_list.layer(DefaultBodyLimit::max(crate::front::upload::LIMIT_BYTES)),
    );
    // A testing agency's marks for a whole drive run to megabytes.
    let (schemas, paths, marks) = routes!(merit::import_marks);
    let marks = (
        schemas,
        paths,
        marks.layer(DefaultBodyLimit::max(crate::usecase::merit::marks::LIMIT_BYTES)),
    );
    let (api, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(users::register))
        .routes(routes!(users::login))
        .routes(routes!(users::verify_email))
        .routes(routes!(users::resend_verification))
        .routes(routes!(users::request_password_reset))
        .routes(routes!(users::reset_password))
        .routes(routes!(jobs::create, jobs::list_open))
        .routes(routes!(jobs::get, jobs::edit))
        .routes(routes!(jobs::copy))
        .routes(routes!(jobs::close))
        .routes(routes!(jobs::rubric, jobs::change_rubric))
        .routes(routes!(jobs::scoring))
        .routes(routes!(reports::funnel))
        .routes(routes!(reports::impact))
        .routes(routes!(reports::scorer))
        .routes(routes!(reports::equality_questions))
        .routes(routes!(scores::override_score))
        .routes(submit_or_list)
        .routes(routes!(applications::get))
        .routes(routes!(applications::cv))
        .routes(routes!(pipeline::invite_to_test))
        .routes(routes!(pipeline::schedule_interview))
        .routes(routes!(pipeline::extend_offer))
        .routes(routes!(pipeline::reject))
        .routes(routes!(pipeline::withdraw))
        .routes(routes!(offers::accept))
        .routes(routes!(offers::decline))
        .routes(routes!(offers::withdraw))
        .routes(routes!(offers::hire))
        .routes(routes!(panels::interviewers))
        .routes(routes!(panels::my_interviews))
        .routes(routes!(panels::scorecards, panels::submit_scorecard))
        .routes(routes!(audit::list))
        .routes(routes!(privacy::erase_me))
        .routes(routes!(privacy::export))
        .routes(routes!(settings::rename))
        .routes(routes!(settings::set_language))
        .routes(routes!(settings::change_password))
        .routes(routes!(settings::request_email_change))
        .routes(routes!(settings::confirm_email_change))
        .routes(routes!(privacy::erase_user))
        .routes(routes!(merit::set_rules))
        .routes(routes!(merit::eligibility))
        .routes(marks)
        .routes(routes!(merit::run, merit::versions))
        .routes(routes!(merit::show))
        .routes(routes!(merit::approve))
        .routes(routes!(merit::shortlist))
        .routes(routes!(merit::marks_from_scorecards))
        .routes(routes!(merit::reserve_proposals))
        .routes(routes!(merit::results))
        .routes(routes!(representations::file))
        .routes(routes!(representations::decide))
        .routes(routes!(representations::of_job))
        .routes(routes!(representations::result))
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .split_for_parts();
    (api.layer(middleware::from_fn(refuse_oversized)), document)
}
