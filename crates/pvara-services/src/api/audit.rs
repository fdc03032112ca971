//! `GET /api/audit`: the audit trail, for admins.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use pvara_storage::model::{AuditEntry, AuditQuery};
use serde::Deserialize;

use super::ApiState;
use super::error::ApiError;
use crate::auth::AuthUser;
use crate::usecase;

#[derive(Debug, Deserialize)]
pub struct AuditParams {
    subject: Option<String>,
    actor: Option<String>,
    since: Option<String>,
    limit: Option<String>,
}

/// Entries oldest first; `subject` (`application:<id>`), `actor` (a user id) and `since`
/// (RFC 3339) narrow them, `limit` (1-1000, default 100) caps them.
pub async fn list(
    State(state): State<ApiState>,
    user: AuthUser,
    Query(params): Query<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let since = params
        .since
        .map(|s| {
            DateTime::parse_from_rfc3339(&s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| ApiError::bad_request("since must be an RFC 3339 time").with_field("since"))
        })
        .transpose()?;
    let limit = params
        .limit
        .map(|l| {
            l.parse::<u32>()
                .ok()
                .filter(|n| (1..=usecase::audit::MAX_ENTRIES).contains(n))
                .ok_or_else(|| ApiError::bad_request("limit must be 1-1000").with_field("limit"))
        })
        .transpose()?
        .unwrap_or(0);
    let query = AuditQuery {
        subject: params.subject,
        actor: params.actor,
        since,
        limit,
    };
    Ok(Json(
        usecase::audit::entries(state.store.as_ref(), user, query).await?,
    ))
}
