//! Answers that are files to keep, not pages: a CV, a CSV report, never rendered by the browser.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A stored file as a download: never rendered by the browser, whatever it holds.
pub fn attachment(file: pvara_storage::model::CvFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file.file_name.replace('"', ""));
    (
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        file.content,
    )
        .into_response()
}

/// A CSV report as a download named `name`.
pub fn csv(name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", name.replace('"', ""));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
