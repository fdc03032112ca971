//! Reports on a job.

use axum::Json;
use axum::extract::{Query, State};
use pvara_domain::ids::JobId;
use pvara_domain::status::Status;
use serde::{Deserialize, Serialize};

use super::ApiState;
use super::error::ApiError;
use super::openapi::ErrorBody;
use crate::auth::StaffUser;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ReportParams {
    /// The job reported on.
    job_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StageView {
    status: Status,
    /// Applications that ever entered the stage.
    reached: u64,
    /// `reached` over the previous stage's (null for the first, or after an empty stage).
    conversion: Option<f64>,
    /// Applications that have left the stage.
    left: u64,
    /// Median time in the stage of those that left it, in seconds.
    median_seconds: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExitView {
    status: Status,
    applications: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunnelView {
    job_id: JobId,
    job_title: String,
    applications: u64,
    stages: Vec<StageView>,
    /// Applications now rejected, withdrawn or failed in scoring.
    exits: Vec<ExitView>,
}

/// Staff: the job's funnel from its applications' histories.
#[utoipa::path(
    get, path = "/api/reports/funnel", tag = "reports", security(("bearer" = [])), params(ReportParams),
    responses((status = 200, description = "Counts per stage, conversions and median time in each stage", body = FunnelView),
        (status = 404, description = "`not_found`: no such job", body = ErrorBody),
        (status = 422, description = "`validation_failed`: jobId missing", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn funnel(
    State(state): State<ApiState>,
    StaffUser(user): StaffUser,
    Query(params): Query<ReportParams>,
) -> Result<Json<FunnelView>, ApiError> {
    let job: JobId = match params.job_id.as_deref() {
        None | Some("") => {
            return Err(ApiError::unprocessable("validation_failed", "jobId is required").with_field("jobId"));
        }
        Some(id) => id.parse().map_err(|_| ApiError::not_found("job"))?,
    };
    let (job, report) = crate::usecase::reports::funnel(state.store.as_ref(), user, job).await?;
    Ok(Json(FunnelView {
        job_id: job.id,
        job_title: job.title,
        applications: report.applications,
        stages: report
            .stages
            .into_iter()
            .map(|s| StageView {
                status: s.status,
                reached: s.reached,
                conversion: s.conversion,
                left: s.left,
                median_seconds: s.median_seconds,
            })
            .collect(),
        exits: report
            .exits
            .into_iter()
            .map(|e| ExitView {
                status: e.status,
                applications: e.applications,
            })
            .collect(),
    }))
}
