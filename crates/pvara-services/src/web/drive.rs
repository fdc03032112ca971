//! A job's national-recruitment page in the workspace: its rules and how its posts are shared,
//! who is not eligible and why (with one button to reject them, each with their reasons), the
//! marks file, the merit lists, and the representations to decide.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::Job;
use pvara_domain::merit::quota::Split;
use pvara_domain::merit::{Drive, Share};
use serde::Deserialize;

use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, render};
use crate::front::request::RequestId;
use crate::state::AppState;
use crate::usecase::{self, Actor};

/// One share of the posts: its name, its per cent and its posts.
#[derive(Debug)]
pub struct ShareRow {
    pub name: String,
    pub percent: String,
    pub posts: u32,
}

/// An application the rules find not eligible.
#[derive(Debug)]
pub struct NotEligibleRow {
    pub application: ApplicationId,
    pub reference: String,
    pub reasons: String,
}

/// A list version in the table.
#[derive(Debug)]
pub struct VersionRow {
    pub version: u32,
    pub state: String,
    pub prepared_by: String,
    pub fingerprint: String,
}

/// A representation in the table, with its decision once made.
#[derive(Debug)]
pub struct RepresentationRow {
    pub id: String,
    pub application: ApplicationId,
    pub list_version: u32,
    pub text: String,
    pub filed_at: String,
    pub decision: Option<String>,
}

/// A post given up and who is proposed for it.
#[derive(Debug)]
pub struct ProposalRow {
    pub vacated_by: String,
    pub share: String,
    pub proposed: Option<(ApplicationId, String)>,
}

/// Who is called to interview by test mark, per share.
#[derive(Debug)]
pub struct Called {
    pub per_post: u32,
    /// (share, reference, application) of each candidate called, in test-mark order.
    pub rows: Vec<(String, String, ApplicationId)>,
}

/// The shortlist, once any test mark is in (none before: it would call nobody).
async fn shortlist(state: &AppState, actor: Actor, job: &Job) -> Result<Option<Called>, PageError> {
    let Some(drive) = &job.requirements.drive else {
        return Ok(None);
    };
    let zone = state.web.locale.zone();
    let called = usecase::merit::lists::shortlist(state.store.as_ref(), actor, job.id, zone).await?;
    let rows: Vec<(String, String, ApplicationId)> = called
        .entries
        .iter()
        .filter_map(|e| match &e.outcome {
            pvara_domain::merit::allocation::Outcome::Selected { seat, .. } => {
                Some((crate::i18n::seat(seat), e.reference.to_string(), e.application))
            }
            _ => None,
        })
        .collect();
    Ok((!rows.is_empty()).then_some(Called {
        per_post: drive.shortlist_per_post,
        rows,
    }))
}

/// The reserve lists of the newest published list: until when, and the proposals.
#[derive(Debug)]
pub struct Reserve {
    pub valid_until: String,
    pub rows: Vec<ProposalRow>,
}

async fn reserve(state: &AppState, actor: Actor, job: JobId) -> Result<Option<Reserve>, PageError> {
    let found = usecase::merit::lists::reserve_proposals(state.store.as_ref(), actor, job).await?;
    Ok(found.map(|found| Reserve {
        valid_until: state.web.locale.date_time(found.valid_until),
        rows: found
            .proposals
            .into_iter()
            .map(|p| ProposalRow {
                vacated_by: p.vacated_by.to_string(),
                share: crate::i18n::seat(&p.seat),
                proposed: p.proposed.map(|e| (e.application, e.reference.to_string())),
            })
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "staff_drive.html")]
struct DrivePage {
    layout: Layout,
    errors: FormErrors,
    job_id: JobId,
    job_title: String,
    banner: Option<String>,
    drive: Option<Drive>,
    closing_date: String,
    shares: Vec<ShareRow>,
    eligible: usize,
    not_eligible: Vec<NotEligibleRow>,
    versions: Vec<VersionRow>,
    reserve: Option<Reserve>,
    called: Option<Called>,
    representations: Vec<RepresentationRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    saved: Option<String>,
    lines: Option<usize>,
    changed: Option<u64>,
    rejected: Option<usize>,
}

impl Done {
    fn banner(&self) -> Option<String> {
        match self.saved.as_deref()? {
            "rules" => Some("The rules are saved as a new version.".to_owned()),
            "marks" => Some(format!(
                "Marks imported: {} lines read, {} marks changed.",
                self.lines.unwrap_or(0),
                self.changed.unwrap_or(0)
            )),
            "rejected" => Some(format!(
                "{} applications that are not eligible were rejected, each with its reasons.",
                self.rejected.unwrap_or(0)
            )),
            "decided" => Some("The representation is decided and the candidate is told by mail.".to_owned()),
            _ => None,
        }
    }
}

fn shares(job: &Job, drive: &Drive) -> Vec<ShareRow> {
    let split = Split::of(job.vacancies, &drive.quotas);
    let quota_total: u32 = drive.quotas.iter().map(|q| q.percent.0).sum();
    std::iter::once(ShareRow {
        name: "Open merit".to_owned(),
        percent: Share(10_000 - quota_total.min(10_000)).to_string(),
        posts: split.open_merit,
    })
    .chain(drive.quotas.iter().zip(&split.quotas).map(|(q, posts)| ShareRow {
        name: q.category.clone(),
        percent: q.percent.to_string(),
        posts: *posts,
    }))
    .collect()
}

async fn versions(state: &AppState, actor: Actor, job: JobId) -> Result<Vec<VersionRow>, PageError> {
    let locale = &state.web.locale;
    let mut rows = Vec::new();
    for head in usecase::merit::lists::versions(state.store.as_ref(), actor, job).await? {
        let by = state
            .store
            .user(head.prepared_by)
            .await?
            .map(|u| u.full_name)
            .unwrap_or_default();
        rows.push(VersionRow {
            version: head.version,
            state: match head.approved {
                Some((_, at)) => format!("Published {}", locale.date_time(at)),
                None => "Waiting for a second person's approval".to_owned(),
            },
            prepared_by: by,
            fingerprint: head.fingerprint,
        });
    }
    Ok(rows)
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    job: Job,
    errors: FormErrors,
    done: &Done,
) -> Result<Response, PageError> {
    let actor = viewer.require_staff(&format!("/staff/jobs/{}/drive", job.id))?;
    let (store, locale) = (state.store.as_ref(), &state.web.locale);
    let closing = usecase::merit::closing_date(job.closes_at, locale.zone(), crate::now());
    let (mut eligible, mut not_eligible, mut rows) = (0, Vec::new(), Vec::new());
    if let Some(drive) = &job.requirements.drive {
        rows = shares(&job, drive);
        for verdict in usecase::merit::eligibility(store, actor, job.id, locale.zone()).await? {
            if verdict.shortfalls.is_empty() {
                eligible += 1;
            } else {
                not_eligible.push(NotEligibleRow {
                    application: verdict.application,
                    reference: verdict.reference.to_string(),
                    reasons: pvara_domain::merit::eligibility::in_words(&verdict.shortfalls),
                });
            }
        }
    }
    let representations = usecase::merit::representations::of_job(store, actor, job.id)
        .await?
        .into_iter()
        .map(|r| RepresentationRow {
            id: r.id.to_string(),
            application: r.application,
            list_version: r.list_version,
            text: r.text,
            filed_at: locale.date_time(r.filed_at),
            decision: r.decision.map(|d| {
                let verdict = if d.upheld { "Upheld" } else { "Not upheld" };
                format!("{verdict} on {}: {}", locale.date_time(d.at), d.reason)
            }),
        })
        .collect();
    Ok(render(&DrivePage {
        layout: Layout::new(viewer),
        errors,
        job_id: job.id,
        banner: done.banner(),
        closing_date: locale.date(closing),
        versions: versions(state, actor, job.id).await?,
        reserve: reserve(state, actor, job.id).await?,
        called: shortlist(state, actor, &job).await?,
        job_title: job.title,
        drive: job.requirements.drive,
        shares: rows,
        eligible,
        not_eligible,
        representations,
    }))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let job = super::find_job(&state, &id).await?;
    page(&state, &viewer, job, FormErrors::default(), &done).await
}

/// The marks file from the form: every bad line listed on the page, nothing imported.
pub async fn import_marks(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let job = super::find_job(&state, &id).await?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{}/drive", job.id))?;
    let (mut csrf, mut file) = (String::new(), Vec::new());
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("marks") => file = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
            _ => {}
        }
    }
    viewer.check_csrf(&csrf)?;
    let mut errors = FormErrors::default();
    if file.is_empty() {
        errors.add(
            "marks",
            "Choose the marks file, a CSV file from the testing agency",
        );
        return page(&state, &viewer, job, errors, &Done::default()).await;
    }
    match usecase::merit::marks::import(state.store.as_ref(), actor, job.id, &file).await {
        Ok(done) => Ok(super::see_other(&format!(
            "/staff/jobs/{}/drive?saved=marks&lines={}&changed={}",
            job.id, done.lines, done.changed
        ))),
        Err(usecase::Error::Problems(problems)) => {
            errors.add(
                "marks",
                "Nothing was imported: correct these lines and choose the file again",
            );
            for problem in problems {
                errors.add("marks", problem.message);
            }
            page(&state, &viewer, job, errors, &Done::default()).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Interview marks from the panels' scorecards.
pub async fn marks_from_scorecards(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let (job, actor) = posted_by_staff(&state, &viewer, &id, &form.csrf).await?;
    let done = usecase::merit::marks::from_scorecards(state.store.as_ref(), actor, job.id).await?;
    Ok(super::see_other(&format!(
        "/staff/jobs/{}/drive?saved=marks&lines={}&changed={}",
        job.id, done.lines, done.changed
    )))
}

/// A form posted on the drive's page: its CSRF token checked, the job found, staff only.
async fn posted_by_staff(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    csrf: &str,
) -> Result<(Job, Actor), PageError> {
    viewer.check_csrf(csrf)?;
    let job = super::find_job(state, id).await?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{}/drive", job.id))?;
    Ok((job, actor))
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Rejects the applications that are not eligible, each with its reasons.
pub async fn reject_not_eligible(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let (job, actor) = posted_by_staff(&state, &viewer, &id, &form.csrf).await?;
    let zone = state.web.locale.zone();
    let report =
        usecase::merit::reject_not_eligible(state.store.as_ref(), actor, job.id, zone, request_id.as_deref())
            .await?;
    Ok(super::see_other(&format!(
        "/staff/jobs/{}/drive?saved=rejected&rejected={}",
        job.id, report.done
    )))
}

/// Prepares the merit list and shows it.
pub async fn prepare(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let (job, actor) = posted_by_staff(&state, &viewer, &id, &form.csrf).await?;
    let zone = state.web.locale.zone();
    match usecase::merit::lists::prepare(state.store.as_ref(), actor, job.id, zone).await {
        Ok(prepared) => Ok(super::see_other(&format!(
            "/staff/jobs/{}/drive/lists/{}",
            job.id, prepared.list.version
        ))),
        Err(error) => {
            let errors = FormErrors::from_use_case(error, &[("drive", "run", "The merit list")])?;
            page(&state, &viewer, job, errors, &Done::default()).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    upheld: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    job: String,
}

/// Decides a representation with its reason.
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let (job, actor) = posted_by_staff(&state, &viewer, &form.job, &form.csrf).await?;
    let id: uuid::Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let anchor = format!("decision-{id}");
    let mut errors = FormErrors::default();
    let upheld = match form.upheld.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add(&anchor, "Choose whether the representation is upheld");
            None
        }
    };
    if form.reason.trim().is_empty() {
        errors.add(
            &format!("reason-{id}"),
            "Give the reason for the decision, in writing",
        );
    }
    let Some(upheld) = upheld.filter(|_| errors.is_empty()) else {
        return page(&state, &viewer, job, errors, &Done::default()).await;
    };
    let store = state.store.as_ref();
    match usecase::merit::representations::decide(
        store,
        actor,
        id,
        upheld,
        &form.reason,
        request_id.as_deref(),
    )
    .await
    {
        Ok(_) => Ok(super::see_other(&format!(
            "/staff/jobs/{}/drive?saved=decided",
            job.id
        ))),
        Err(error) => {
            let errors = FormErrors::from_use_case(error, &[("reason", anchor.as_str(), "The reason")])?;
            page(&state, &viewer, job, errors, &Done::default()).await
        }
    }
}
