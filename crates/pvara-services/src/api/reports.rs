//! Reports on a job.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use pvara_domain::equality::Dimension;
use pvara_domain::ids::JobId;
use pvara_domain::report::impact::StageReport;
use pvara_domain::report::scorer::Band;
use pvara_domain::status::Status;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::StaffUser;
use super::openapi::ErrorBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ReportParams {
    /// The job reported on.
    job_id: Option<String>,
}

/// The `jobId` every report needs: 422 without it, 404 for no such job.
fn job_param(job_id: Option<&str>) -> Result<JobId, ApiError> {
    match job_id {
        None | Some("") => {
            Err(ApiError::unprocessable("validation_failed", "jobId is required").with_field("jobId"))
        }
        Some(id) => id.parse().map_err(|_| ApiError::not_found("job")),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ImpactParams {
    /// The job reported on.
    job_id: Option<String>,
    /// `csv` for a spreadsheet; JSON otherwise.
    format: Option<String>,
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
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Query(params): Query<ReportParams>,
) -> Result<Json<FunnelView>, ApiError> {
    let (job, report) =
        crate::usecase::reports::funnel(state.store.as_ref(), user, job_param(params.job_id.as_deref())?)
            .await?;
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImpactView {
    job_id: JobId,
    job_title: String,
    applications: u64,
    /// Applications whose candidate answered at least one equality question.
    answered: u64,
    /// Rows flagged below four fifths, over every stage and table.
    flagged: u64,
    /// Per stage: a table per equality question, then per pair of questions.
    stages: Vec<StageReport>,
}

/// Staff: the job's adverse-impact report, as JSON or (`format=csv`) CSV. Rows of fewer than
/// five people show no counts; "unknown" is a row of its own and never compared.
#[utoipa::path(
    get, path = "/api/reports/impact", tag = "reports", security(("bearer" = [])), params(ImpactParams),
    responses((status = 200, description = "Selection rates and impact ratios per stage and category",
            content((ImpactView = "application/json"), (String = "text/csv"))),
        (status = 404, description = "`not_found`: no such job", body = ErrorBody),
        (status = 422, description = "`validation_failed`: jobId missing or an unknown format", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn impact(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Query(params): Query<ImpactParams>,
) -> Result<Response, ApiError> {
    let job = job_param(params.job_id.as_deref())?;
    let csv = match params.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(
                ApiError::unprocessable("validation_failed", "format must be json or csv")
                    .with_field("format"),
            );
        }
    };
    let (job, report) =
        crate::usecase::reports::impact(state.store.as_ref(), user, job, &state.equality).await?;
    if csv {
        let body = crate::usecase::reports::impact_csv(&job, &report)?;
        return Ok(crate::front::download::csv(
            &format!("impact-{}.csv", job.id),
            body,
        ));
    }
    Ok(Json(ImpactView {
        job_id: job.id,
        job_title: job.title,
        applications: report.applications,
        answered: report.answered,
        flagged: report.flagged().count() as u64,
        stages: report.stages,
    })
    .into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScorerView {
    job_id: JobId,
    job_title: String,
    /// Scored applications recruiters invited to test.
    advanced: u64,
    /// Scored applications recruiters rejected before a test.
    rejected: u64,
    undecided: u64,
    /// The chance an advanced application scored above a rejected one (0.5: no better than chance).
    roc_auc: Option<f64>,
    bands: Vec<Band>,
}

/// Staff: how well the machine score ranked the applications recruiters decided on.
#[utoipa::path(
    get, path = "/api/reports/scorer", tag = "reports", security(("bearer" = [])), params(ReportParams),
    responses((status = 200, description = "ROC AUC and the advance rate per score band", body = ScorerView),
        (status = 404, description = "`not_found`: no such job", body = ErrorBody),
        (status = 422, description = "`validation_failed`: jobId missing", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn scorer(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Query(params): Query<ReportParams>,
) -> Result<Json<ScorerView>, ApiError> {
    let (job, report) =
        crate::usecase::reports::scorer(state.store.as_ref(), user, job_param(params.job_id.as_deref())?)
            .await?;
    Ok(Json(ScorerView {
        job_id: job.id,
        job_title: job.title,
        advanced: report.advanced,
        rejected: report.rejected,
        undecided: report.undecided,
        roc_auc: report.roc_auc,
        bands: report.bands,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EqualityQuestionsView {
    /// Every question also takes `prefer-not-to-say`; none is required.
    prefer_not_to_say: &'static str,
    questions: Vec<Dimension>,
}

/// Anyone: the voluntary equality questions an application may answer (`equality` in its body).
/// Empty when the installation asks none.
#[utoipa::path(
    get, path = "/api/equality-questions", tag = "applications",
    responses((status = 200, description = "The questions and their answers", body = EqualityQuestionsView))
)]
pub async fn equality_questions(State(state): State<AppState>) -> Json<EqualityQuestionsView> {
    Json(EqualityQuestionsView {
        prefer_not_to_say: pvara_domain::equality::PREFER_NOT_TO_SAY,
        questions: state.equality.dimensions.clone(),
    })
}
