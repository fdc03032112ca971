//! `GET /api/audit`: the audit trail, for admins.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use pvara_storage::model::{AuditEntry, AuditQuery};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::AuthUser;
use super::openapi::ErrorBody;
use crate::state::AppState;
use crate::usecase;

/// One line of the audit trail: ids only.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    at: DateTime<Utc>,
    /// A user id, `operator` for the command line, `system:<task>` for background work.
    actor: String,
    /// `application.read`, `application.step`, `user.deactivate`, ...
    action: String,
    /// `application:<id>`, `user:<id>`, `dlq:<topic>/<partition>/<offset>`, ...
    subject: String,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        Self {
            at: e.at,
            actor: e.actor,
            action: e.action,
            subject: e.subject,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// `application:<id>`, `user:<id>`, ...
    subject: Option<String>,
    /// A user id, `operator` or `system:<task>`.
    actor: Option<String>,
    /// RFC 3339: entries from then on.
    since: Option<String>,
    /// 1-1000, default 100.
    limit: Option<String>,
}

/// Entries oldest first; `subject` (`application:<id>`), `actor` (a user id) and `since`
/// (RFC 3339) narrow them, `limit` (1-1000, default 100) caps them.
#[utoipa::path(
    get, path = "/api/audit", tag = "privacy", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, description = "Audit entries, oldest first", body = Vec<AuditView>),
        (status = 403, description = "`forbidden`: admins only", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<AuditParams>,
) -> Result<Json<Vec<AuditView>>, ApiError> {
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
    let entries = usecase::audit::entries(state.store.as_ref(), user, query).await?;
    Ok(Json(entries.into_iter().map(AuditView::from).collect()))
}
