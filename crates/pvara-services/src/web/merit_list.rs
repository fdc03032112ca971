//! One version of a job's merit list in the workspace: how each share was filled, what changed
//! from the version before, every line with why it got or missed a post, the approval that
//! publishes it, and the canonical text its fingerprint is of.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::merit::allocation::{Cutoff, Entry, Seat};
use pvara_domain::merit::list::Difference;
use serde::Deserialize;

use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::front::request::RequestId;
use crate::i18n;
use crate::state::AppState;
use crate::usecase;

/// Lines shown on the page; the whole list is in the canonical file.
const SHOWN: usize = 1_000;

/// A line as the page shows it.
#[derive(Debug)]
pub struct LineRow {
    pub application: ApplicationId,
    pub reference: String,
    pub position: String,
    pub test: String,
    pub interview: String,
    pub total: String,
    pub outcome: String,
}

impl LineRow {
    fn of(entry: &Entry) -> Self {
        let or_dash = |v: Option<String>| v.unwrap_or_else(|| "–".to_owned());
        LineRow {
            application: entry.application,
            reference: entry.reference.to_string(),
            position: or_dash(entry.position.map(|p| p.to_string())),
            test: or_dash(entry.test.map(|m| m.to_string())),
            interview: or_dash(entry.interview.map(|m| m.to_string())),
            total: or_dash(entry.total.map(|t| format!("{:.2}", f64::from(t)))),
            outcome: i18n::merit_outcome(&entry.outcome),
        }
    }
}

/// How one share was filled.
#[derive(Debug)]
pub struct CutoffRow {
    pub share: String,
    pub posts: u32,
    pub filled: u32,
    pub last: String,
    pub unfilled: String,
}

impl CutoffRow {
    fn of(cutoff: &Cutoff) -> Self {
        CutoffRow {
            share: match &cutoff.seat {
                Seat::OpenMerit => "Open merit".to_owned(),
                Seat::Quota { category } => category.clone(),
            },
            posts: cutoff.posts,
            filled: cutoff.filled,
            last: cutoff
                .last_position
                .map_or_else(|| "–".to_owned(), |p| p.to_string()),
            unfilled: match (cutoff.carried_forward, cutoff.to_open_merit) {
                (0, 0) => String::new(),
                (c, 0) => format!("{c} carried forward"),
                (c, o) if c > 0 => format!("{o} to open merit, {c} carried forward"),
                (_, o) => format!("{o} to open merit"),
            },
        }
    }
}

/// A candidate whose line changed from the version before.
#[derive(Debug)]
pub struct ChangeRow {
    pub reference: String,
    pub before: String,
    pub after: String,
}

fn change(d: &Difference) -> ChangeRow {
    let line = |e: &Option<Entry>| match e {
        Some(e) => {
            let row = LineRow::of(e);
            format!("position {}, total {}: {}", row.position, row.total, row.outcome)
        }
        None => "not on the list".to_owned(),
    };
    ChangeRow {
        reference: d.reference.to_string(),
        before: line(&d.before),
        after: line(&d.after),
    }
}

#[derive(Template)]
#[template(path = "staff_merit_list.html")]
struct ListPage {
    layout: Layout,
    errors: FormErrors,
    job_id: JobId,
    job_title: String,
    version: u32,
    rules_version: u32,
    fingerprint: String,
    state: String,
    published: bool,
    prepared_by_viewer: bool,
    cutoffs: Vec<CutoffRow>,
    changes: Vec<ChangeRow>,
    lines: Vec<LineRow>,
    total_lines: usize,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    version: u32,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let job = super::find_job(state, id).await?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{}/drive/lists/{version}", job.id))?;
    let store = state.store.as_ref();
    let stored = usecase::merit::lists::show(store, actor, job.id, version).await?;
    let changes = usecase::merit::lists::changes(store, actor, job.id, version).await?;
    let locale = &state.web.locale;
    let prepared_by = store
        .user(stored.head.prepared_by)
        .await?
        .map(|u| u.full_name)
        .unwrap_or_default();
    let prepared = format!(
        "Prepared by {prepared_by} on {}",
        locale.date_time(stored.head.prepared_at)
    );
    let state_text = match stored.head.approved {
        Some((by, at)) => {
            let approver = store.user(by).await?.map(|u| u.full_name).unwrap_or_default();
            format!(
                "{prepared}; approved and published by {approver} on {}.",
                locale.date_time(at)
            )
        }
        None => format!("{prepared}; waiting for another member of staff to approve it."),
    };
    let entries = &stored.list.allocation.entries;
    Ok(render(&ListPage {
        layout: Layout::new(viewer),
        errors,
        job_id: job.id,
        job_title: job.title,
        version,
        rules_version: stored.head.drive_version,
        fingerprint: stored.head.fingerprint.clone(),
        published: stored.head.approved.is_some(),
        prepared_by_viewer: stored.head.prepared_by == actor.id,
        state: state_text,
        cutoffs: stored.list.allocation.cutoffs.iter().map(CutoffRow::of).collect(),
        changes: changes.iter().map(change).collect(),
        lines: entries.iter().take(SHOWN).map(LineRow::of).collect(),
        total_lines: entries.len(),
    }))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, version)): Path<(String, u32)>,
) -> Result<Response, PageError> {
    page(&state, &viewer, &id, version, FormErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    csrf: String,
    /// The fingerprint of the list the approver read.
    #[serde(default)]
    fingerprint: String,
}

/// Publishes the version: refused, on the page, to the person who prepared it.
pub async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, version)): Path<(String, u32)>,
    RequestId(request_id): RequestId,
    Form(form): Form<ApproveForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let job = super::find_job(&state, &id).await?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{}/drive/lists/{version}", job.id))?;
    let store = state.store.as_ref();
    let seen = Some(form.fingerprint.as_str());
    match usecase::merit::lists::approve(store, actor, (job.id, version), seen, request_id.as_deref()).await {
        Ok(_) => Ok(super::see_other(&format!(
            "/staff/jobs/{}/drive/lists/{version}",
            job.id
        ))),
        Err(error) => {
            let errors = FormErrors::from_use_case(error, &[("approval", "approve", "The approval")])?;
            page(&state, &viewer, &id, version, errors).await
        }
    }
}

/// The canonical text of the version, whose SHA-256 is its fingerprint.
pub async fn canonical(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, version)): Path<(String, u32)>,
) -> Result<Response, PageError> {
    let job = super::find_job(&state, &id).await?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{}/drive/lists/{version}", job.id))?;
    let stored = usecase::merit::lists::show(state.store.as_ref(), actor, job.id, version).await?;
    let name = format!("attachment; filename=\"merit-list-{version}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        stored.list.canonical(),
    )
        .into_response())
}
