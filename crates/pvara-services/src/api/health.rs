//! `GET /api/health` and `GET /api/ready`, for supervisors and load balancers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HealthView {
    /// Always `ok`.
    status: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadyView {
    /// `ready` or `not ready`.
    status: &'static str,
    /// `ok` or `unavailable`.
    database: &'static str,
    /// `ok` or `unavailable`.
    event_log: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(
    get, path = "/api/health", tag = "operations",
    responses((status = 200, description = "The process answers", body = HealthView))
)]
pub async fn health() -> Json<HealthView> {
    Json(HealthView { status: "ok" })
}

/// Readiness: the database and the event log answer too.
#[utoipa::path(
    get, path = "/api/ready", tag = "operations",
    responses((status = 200, description = "Ready", body = ReadyView),
        (status = 503, description = "The database or the event log does not answer", body = ReadyView))
)]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<ReadyView>) {
    let database = state
        .store
        .ping()
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "database not ready"));
    let log = state
        .log
        .ping()
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "event log not ready"));
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let ready = database.is_ok() && log.is_ok();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = ReadyView {
        status: if ready { "ready" } else { "not ready" },
        database: word(database.is_ok()),
        event_log: word(log.is_ok()),
    };
    (status, Json(body))
}
