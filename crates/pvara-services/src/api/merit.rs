//! National recruitment over HTTP: a job's rules, eligibility, marks, merit lists and their
//! approval, and the public results. Representations are in [`super::representations`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::merit::Drive;
use pvara_domain::merit::allocation::{Cutoff, Entry, Outcome};
use pvara_domain::merit::list::{Difference, MeritList};
use pvara_domain::merit::quota::Split;
use pvara_domain::reference::Reference;
use pvara_storage::merit::MeritListHead;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{ApiJson, StaffUser};
use super::openapi::ErrorBody;
use crate::front::request::RequestId;
use crate::state::AppState;
use crate::usecase::merit::{self, lists, marks};

fn job_id(id: &str) -> Result<JobId, ApiError> {
    id.parse().map_err(|_| ApiError::not_found("job"))
}

/// A list's version from the path: a number that is not a version names no list. Parsed here,
/// not by the path extractor, whose refusal would be plain text instead of the one error shape.
fn version(version: &str) -> Result<u32, ApiError> {
    version.parse().map_err(|_| ApiError::not_found("merit list"))
}

/// Staff: replace the job's national-recruitment rules. `version` is the version being
/// replaced (0 for a job without rules): if someone changed them meanwhile the answer is 409.
#[utoipa::path(
    put, path = "/api/jobs/{id}/rules", tag = "national recruitment", request_body = Drive, security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The rules as stored, with their new version", body = Drive),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`stale`: the rules changed meanwhile", body = ErrorBody),
        (status = 422, description = "`validation_failed`: the first of the rules' problems", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn set_rules(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Drive>,
) -> Result<Json<Drive>, ApiError> {
    let rules = merit::set_rules(state.store.as_ref(), user, job_id(&id)?, body).await?;
    Ok(Json(rules))
}

/// One application judged by the job's rules.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EligibilityView {
    application_id: ApplicationId,
    reference: Reference,
    eligible: bool,
    /// Why not, one sentence per rule.
    reasons: Vec<String>,
}

/// Staff: every application in the running judged by the job's rules on its closing date.
/// Nobody is rejected by this: staff reject the not-eligible in bulk with the reason.
#[utoipa::path(
    get, path = "/api/jobs/{id}/eligibility", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "Each application, eligible or with its reasons", body = [EligibilityView]),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`no_rules`: the job has no rules", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn eligibility(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<EligibilityView>>, ApiError> {
    let zone = state.web.locale.zone();
    let verdicts = merit::eligibility(state.store.as_ref(), user, job_id(&id)?, zone).await?;
    Ok(Json(
        verdicts
            .into_iter()
            .map(|v| EligibilityView {
                application_id: v.application,
                reference: v.reference,
                eligible: v.shortfalls.is_empty(),
                reasons: v.shortfalls.iter().map(|s| s.sentence()).collect(),
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedView {
    /// Lines read, the header not counted.
    lines: usize,
    /// Marks that changed (0 when the same file is imported again).
    changed: u64,
}

/// Staff: import marks from a testing agency's CSV (`text/csv`): a header naming `reference`
/// and `test`, `interview` or both, then one line per application. Nothing is imported from a
/// file with any bad line; the error lists every bad line by number.
#[utoipa::path(
    post, path = "/api/jobs/{id}/marks", tag = "national recruitment", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "reference,test,interview"),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The marks imported", body = ImportedView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`marks_invalid`: every bad line, by number", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn import_marks(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ImportedView>, ApiError> {
    match marks::import(state.store.as_ref(), user, job_id(&id)?, &body).await {
        Ok(done) => Ok(Json(ImportedView {
            lines: done.lines,
            changed: done.changed,
        })),
        Err(crate::usecase::Error::Problems(problems)) => {
            let all: Vec<String> = problems.into_iter().map(|p| p.message).collect();
            Err(ApiError::unprocessable(
                "marks_invalid",
                format!("nothing was imported. {}", all.join("; ")),
            )
            .with_field("marks"))
        }
        Err(other) => Err(other.into()),
    }
}

/// Staff: take interview marks from the panels' scorecards: each card's ratings as a per cent
/// of the most, the mean of the latest round's cards.
#[utoipa::path(
    post, path = "/api/jobs/{id}/marks/from-scorecards", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "`lines`: applications given a mark", body = ImportedView),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn marks_from_scorecards(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<Json<ImportedView>, ApiError> {
    let done = marks::from_scorecards(state.store.as_ref(), user, job_id(&id)?).await?;
    Ok(Json(ImportedView {
        lines: done.lines,
        changed: done.changed,
    }))
}

/// A merit list: who prepared and approved it, its fingerprint, and every line.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeritListView {
    job_id: JobId,
    version: u32,
    /// The rules version it was made by.
    rules_version: u32,
    vacancies: u32,
    /// SHA-256 of the list's canonical text (`GET /api/jobs/{id}/results` gives the text).
    fingerprint: String,
    published: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    prepared_by: Option<UserId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prepared_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_by: Option<UserId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_at: Option<DateTime<Utc>>,
    split: Split,
    cutoffs: Vec<Cutoff>,
    entries: Vec<Entry>,
    /// For a prepared list: what changed from the version published before it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    differences: Vec<Difference>,
}

impl MeritListView {
    fn new(
        list: MeritList,
        head: Option<&MeritListHead>,
        fingerprint: String,
        differences: Vec<Difference>,
    ) -> Self {
        let approved = head.and_then(|h| h.approved);
        Self {
            job_id: list.job,
            version: list.version,
            rules_version: list.drive_version,
            vacancies: list.vacancies,
            fingerprint,
            published: approved.is_some(),
            prepared_by: head.map(|h| h.prepared_by),
            prepared_at: head.map(|h| h.prepared_at),
            approved_by: approved.map(|(by, _)| by),
            approved_at: approved.map(|(_, at)| at),
            split: list.allocation.split,
            cutoffs: list.allocation.cutoffs,
            entries: list.allocation.entries,
            differences,
        }
    }
}

// A string, parsed by the handler, so that a bad value gets the one error shape rather than
// the framework's plain text.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// `true` or `false` (the default): with `true` the list is only shown and nothing is stored.
    dry_run: Option<String>,
}

/// Staff: run the merit list by the job's rules and marks. With `dryRun=true` it is only
/// shown; otherwise it is stored as the next version, waiting for a second person's approval
/// (a waiting version prepared before is replaced).
#[utoipa::path(
    post, path = "/api/jobs/{id}/merit-lists", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id"), RunQuery),
    responses((status = 201, description = "Prepared, waiting for approval", body = MeritListView),
        (status = 200, description = "The dry run", body = MeritListView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`stale`: a version was published meanwhile", body = ErrorBody),
        (status = 422, description = "`no_rules`: the job has no rules", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn run(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
    Query(query): Query<RunQuery>,
) -> Result<(StatusCode, Json<MeritListView>), ApiError> {
    let (store, zone, job) = (state.store.as_ref(), state.web.locale.zone(), job_id(&id)?);
    let dry_run = match query.dry_run.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::bad_request("dryRun must be true or false").with_field("dryRun")),
    };
    if dry_run {
        let list = lists::run(store, user, job, zone).await?;
        let fingerprint = list.fingerprint();
        return Ok((
            StatusCode::OK,
            Json(MeritListView::new(list, None, fingerprint, Vec::new())),
        ));
    }
    let prepared = lists::prepare(store, user, job, zone).await?;
    let head = store
        .merit_list(job, prepared.list.version)
        .await?
        .map(|s| s.head);
    let view = MeritListView::new(
        prepared.list,
        head.as_ref(),
        prepared.fingerprint,
        prepared.differences,
    );
    Ok((StatusCode::CREATED, Json(view)))
}

/// A version without its lines.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    version: u32,
    rules_version: u32,
    fingerprint: String,
    published: bool,
    prepared_by: UserId,
    prepared_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_by: Option<UserId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_at: Option<DateTime<Utc>>,
}

impl From<MeritListHead> for VersionView {
    fn from(h: MeritListHead) -> Self {
        VersionView {
            version: h.version,
            rules_version: h.drive_version,
            fingerprint: h.fingerprint,
            published: h.approved.is_some(),
            prepared_by: h.prepared_by,
            prepared_at: h.prepared_at,
            approved_by: h.approved.map(|(by, _)| by),
            approved_at: h.approved.map(|(_, at)| at),
        }
    }
}

/// Staff: the job's list versions, newest first.
#[utoipa::path(
    get, path = "/api/jobs/{id}/merit-lists", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The versions", body = [VersionView]), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn versions(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<VersionView>>, ApiError> {
    let heads = lists::versions(state.store.as_ref(), user, job_id(&id)?).await?;
    Ok(Json(heads.into_iter().map(VersionView::from).collect()))
}

/// Staff: one version of the job's list, with every line and the differences from the
/// version before it.
#[utoipa::path(
    get, path = "/api/jobs/{id}/merit-lists/{version}", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id"), ("version" = u32, Path, description = "The version")),
    responses((status = 200, description = "The list", body = MeritListView),
        (status = 404, description = "`not_found`", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn show(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path((id, version_text)): Path<(String, String)>,
) -> Result<Json<MeritListView>, ApiError> {
    let (store, job, version) = (state.store.as_ref(), job_id(&id)?, version(&version_text)?);
    let stored = lists::show(store, user, job, version).await?;
    let differences = lists::changes(store, user, job, version).await?;
    let fingerprint = stored.head.fingerprint.clone();
    Ok(Json(MeritListView::new(
        stored.list,
        Some(&stored.head),
        fingerprint,
        differences,
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApproveQuery {
    /// The fingerprint of the list the approver read: if the list was prepared again since,
    /// the approval is refused (409 `stale`). Without it, the list as it stands is approved.
    fingerprint: Option<String>,
}

/// Staff other than the one who prepared it: approve a prepared version, which publishes it.
/// It never changes after; every candidate on it is mailed.
#[utoipa::path(
    post, path = "/api/jobs/{id}/merit-lists/{version}/approval", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id"), ("version" = u32, Path, description = "The version"), ApproveQuery),
    responses((status = 200, description = "Published", body = VersionView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`same_person`: the approver prepared it; `published`: approved already; `stale`: prepared again since the fingerprint given", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn approve(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    RequestId(request_id): RequestId,
    Path((id, version_text)): Path<(String, String)>,
    Query(query): Query<ApproveQuery>,
) -> Result<Json<VersionView>, ApiError> {
    let (store, job, version) = (state.store.as_ref(), job_id(&id)?, version(&version_text)?);
    let seen = query.fingerprint.as_deref();
    let head = lists::approve(store, user, (job, version), seen, request_id.as_deref()).await?;
    Ok(Json(head.into()))
}

/// One line of the public results: a reference, never a name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResultLineView {
    reference: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<u32>,
    #[serde(flatten)]
    outcome: Outcome,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResultsView {
    job_title: String,
    version: u32,
    published_at: DateTime<Utc>,
    fingerprint: String,
    /// The text the fingerprint is the SHA-256 of: check it with `sha256sum`.
    canonical: String,
    lines: Vec<ResultLineView>,
}

/// Anyone: the newest published list of a job, by reference only.
#[utoipa::path(
    get, path = "/api/jobs/{id}/results", tag = "national recruitment",
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The published results", body = ResultsView),
        (status = 404, description = "`not_found`: no such job, or nothing published yet", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn results(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ResultsView>, ApiError> {
    let results = lists::public_results(state.store.as_ref(), &state.published, job_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("published result"))?;
    Ok(Json(ResultsView {
        job_title: results.job_title.clone(),
        version: results.version,
        published_at: results.published_at,
        fingerprint: results.fingerprint.clone(),
        canonical: results.canonical.clone(),
        lines: results
            .lines
            .iter()
            .map(|l| ResultLineView {
                reference: l.reference.clone(),
                position: l.position,
                outcome: l.outcome.clone(),
            })
            .collect(),
    }))
}

/// Staff: who to call to interview, by test mark: the best `shortlistPerPost` candidates per
/// post of each share. Selected lines are called; the others are listed with why not.
#[utoipa::path(
    get, path = "/api/jobs/{id}/shortlist", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "Every candidate in test-mark order", body = [Entry]),
        (status = 422, description = "`no_rules`: the job has no rules", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn shortlist(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Entry>>, ApiError> {
    let called = lists::shortlist(state.store.as_ref(), user, job_id(&id)?, state.web.locale.zone()).await?;
    Ok(Json(called.entries))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProposalsView {
    /// The published version the reserve lists are of.
    version: u32,
    /// Until when they are valid; after it, nobody is proposed.
    valid_until: DateTime<Utc>,
    proposals: Vec<pvara_domain::merit::list::Proposal>,
}

/// Staff: for each post given up since the newest list was published (a declined offer, a
/// withdrawal, an expired offer), the next on that share's reserve list who is still in the
/// running. pvara proposes; staff make the offer.
#[utoipa::path(
    get, path = "/api/jobs/{id}/reserve-proposals", tag = "national recruitment", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The proposals", body = ProposalsView),
        (status = 404, description = "`not_found`: no such job, or nothing published yet", body = ErrorBody), (status = "default", description = "Any other refusal, in the one error shape (see ErrorDetail.code)", body = ErrorBody))
)]
pub async fn reserve_proposals(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<String>,
) -> Result<Json<ProposalsView>, ApiError> {
    let found = lists::reserve_proposals(state.store.as_ref(), user, job_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("published merit list"))?;
    Ok(Json(ProposalsView {
        version: found.version,
        valid_until: found.valid_until,
        proposals: found.proposals,
    }))
}
