use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::ApiState;

/// Liveness: the process answers.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the database and the event log answer too.
pub async fn ready(State(state): State<ApiState>) -> (StatusCode, Json<Value>) {
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
    let body = json!({
        "status": if ready { "ready" } else { "not ready" },
        "database": word(database.is_ok()),
        "eventLog": word(log.is_ok()),
    });
    (status, Json(body))
}
