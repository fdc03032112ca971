//! The candidate's pages: the job board, an account, applying, and following applications.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::pipeline::{Step, Withdrawal};
use pvara_domain::reference::Reference;
use pvara_domain::scoring::ScoreCard;
use pvara_domain::status::{Action, Status};
use pvara_storage::model::ScoreRecord;
use serde::Deserialize;

use super::TagClass as _;
use super::forms::CsrfForm;
use super::session::Viewer;
use super::{Layout, PageError, find_job, render, urlencode};
use crate::front::request::RequestId;
use crate::i18n;
use crate::state::AppState;
use crate::usecase;

const JOBS_PER_PAGE: usize = 20;

#[derive(Debug)]
pub struct JobRow {
    pub id: JobId,
    pub title: String,
    pub location: String,
    pub closes: String,
    pub summary: String,
    /// "1 post", "12 posts".
    pub posts: String,
}

/// How many posts, in words.
fn posts(vacancies: u32) -> String {
    i18n::t_with("job-posts", &[("count", vacancies.into())])
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    layout: Layout,
    q: String,
    location: String,
    total: usize,
    jobs: Vec<JobRow>,
    prev_page: Option<String>,
    next_page: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct JobsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    page: Option<usize>,
}

fn summary(description: &str) -> String {
    let first: String = description.chars().take(220).collect();
    if first.len() < description.len() {
        format!("{}…", first.trim_end())
    } else {
        first
    }
}

pub async fn jobs(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<JobsQuery>,
) -> Result<Response, PageError> {
    let found = usecase::jobs::search(state.store.as_ref(), &query.q, &query.location, crate::now()).await?;
    let page = query.page.unwrap_or(1).max(1);
    let total = found.len();
    let link = |p: usize| {
        format!(
            "/jobs?q={}&location={}&page={p}",
            urlencode(&query.q),
            urlencode(&query.location)
        )
    };
    let jobs = found
        .into_iter()
        .skip((page - 1) * JOBS_PER_PAGE)
        .take(JOBS_PER_PAGE)
        .map(|job| JobRow {
            id: job.id,
            location: job.location.clone().unwrap_or_else(|| i18n::t("job-anywhere")),
            closes: job
                .closes_at
                .map(|at| state.web.locale.day_of(at))
                .unwrap_or_default(),
            summary: summary(&job.description),
            posts: posts(job.vacancies),
            title: job.title,
        })
        .collect();
    Ok(render(&JobsPage {
        layout: Layout::new(&viewer),
        prev_page: (page > 1).then(|| link(page - 1)),
        next_page: (page * JOBS_PER_PAGE < total).then(|| link(page + 1)),
        q: query.q,
        location: query.location,
        total,
        jobs,
    }))
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    layout: Layout,
    id: JobId,
    title: String,
    description: String,
    location: String,
    closes: String,
    posts: String,
    required: String,
    preferred: String,
    years: String,
    education: String,
    open: bool,
    /// The reader's own application to this job, and the day they sent it.
    applied: Option<(ApplicationId, String)>,
}

fn or_none(list: &[String]) -> String {
    if list.is_empty() {
        i18n::t("job-none")
    } else {
        list.join(", ")
    }
}

pub async fn job(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = find_job(&state, &id).await?;
    let applied = match viewer.actor() {
        Some(actor) => usecase::applications::own_for_job(state.store.as_ref(), actor, job.id)
            .await?
            .map(|own| (own.id, state.web.locale.day_of(own.submitted_at))),
        None => None,
    };
    let r = &job.requirements;
    Ok(render(&JobPage {
        layout: Layout::new(&viewer),
        applied,
        id: job.id,
        open: job.is_open(crate::now()),
        location: job.location.clone().unwrap_or_else(|| i18n::t("job-anywhere")),
        closes: job
            .closes_at
            .map(|at| state.web.locale.date_time(at))
            .unwrap_or_else(|| i18n::t("job-open-until-filled")),
        posts: posts(job.vacancies),
        required: or_none(&r.required_skills),
        preferred: or_none(&r.preferred_skills),
        years: i18n::t_with(
            "job-at-least",
            &[("years", i18n::Arg::Number(r.min_years_experience))],
        ),
        education: i18n::education(r.education),
        description: job.description.clone(),
        title: job.title,
    }))
}

#[derive(Debug)]
pub struct OwnRow {
    pub id: ApplicationId,
    pub reference: Reference,
    pub job_title: String,
    pub status: Status,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "my_applications.html")]
struct MyApplicationsPage {
    layout: Layout,
    rows: Vec<OwnRow>,
}

pub async fn my_applications(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = viewer.require("/me/applications")?;
    let rows = state
        .store
        .applications_of(actor.id)
        .await?
        .into_iter()
        .map(|a| OwnRow {
            id: a.id,
            reference: a.reference,
            job_title: a.job_title,
            status: a.status,
            submitted: state.web.locale.day_of(a.submitted_at),
        })
        .collect();
    Ok(render(&MyApplicationsPage {
        layout: Layout::new(&viewer),
        rows,
    }))
}

#[derive(Debug)]
pub struct TimelineEntry {
    pub status: Status,
    pub at: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "my_application.html")]
struct MyApplicationPage {
    layout: Layout,
    id: ApplicationId,
    reference: Reference,
    job_title: String,
    status: Status,
    polling: bool,
    assessment: Vec<String>,
    timeline: Vec<TimelineEntry>,
    can_withdraw: bool,
    /// The current step's details: the test link and deadline, the interview, the offer.
    current_step: Vec<super::offer::StepRow>,
    /// What happens next, in plain words.
    next: String,
    /// The offer can be answered now.
    can_answer_offer: bool,
    /// The published result of a national drive, once there is one.
    result: Option<super::results::OwnResult>,
}

#[derive(Template)]
#[template(path = "status_fragment.html")]
struct StatusFragment {
    id: ApplicationId,
    status: Status,
    polling: bool,
}

/// The applicant's own application, or not found (the same for someone else's).
pub(super) async fn own(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<pvara_storage::model::ApplicationRecord, PageError> {
    let actor = viewer.require(&format!("/me/applications/{id}"))?;
    let id: ApplicationId = id.parse().map_err(|_| PageError::NotFound)?;
    let record = state.store.application(id).await?.ok_or(PageError::NotFound)?;
    if record.applicant_id != actor.id {
        return Err(PageError::NotFound);
    }
    Ok(record)
}

/// The score in plain words: what was met and what was missing, in the reader's language.
pub fn assessment(card: &ScoreCard) -> Vec<String> {
    use crate::i18n::{Arg, t_with};
    let list = |skills: &[String]| [("skills", Arg::Text(skills.join(", ")))];
    let mut lines = Vec::new();
    let skills = &card.required_skills;
    if !skills.matched.is_empty() {
        lines.push(t_with("assess-required-have", &list(&skills.matched)));
    }
    if !skills.missing.is_empty() {
        lines.push(t_with("assess-required-missing", &list(&skills.missing)));
    }
    if !card.preferred_skills.matched.is_empty() {
        lines.push(t_with(
            "assess-preferred-have",
            &list(&card.preferred_skills.matched),
        ));
    }
    let e = &card.experience;
    let experience = [
        ("years", Arg::Text(crate::i18n::years(e.years))),
        ("minimum", Arg::Text(crate::i18n::years(e.minimum))),
    ];
    let met = if e.years >= e.minimum {
        "assess-experience-meets"
    } else {
        "assess-experience-below"
    };
    lines.push(t_with(met, &experience));
    let ed = &card.education;
    let education = [
        ("level", Arg::Text(crate::i18n::education(ed.level))),
        ("required", Arg::Text(crate::i18n::education(ed.required))),
    ];
    let met = if ed.level >= ed.required {
        "assess-education-meets"
    } else {
        "assess-education-below"
    };
    lines.push(t_with(met, &education));
    lines
}

/// An application's steps as its candidate reads them: each status, when, and the reason
/// given to them where there is one (a rejection, a withdrawn offer).
pub(super) fn timeline(
    record: &pvara_storage::model::ApplicationRecord,
    locale: &crate::mail::Locale,
) -> Vec<TimelineEntry> {
    record
        .history
        .iter()
        .map(|h| TimelineEntry {
            status: h.to,
            at: locale.date_time(h.at),
            note: if matches!(h.to, Status::Rejected | Status::OfferWithdrawn) {
                h.reason.clone()
            } else {
                String::new()
            },
        })
        .collect()
}

pub async fn my_application(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = own(&state, &viewer, &id).await?;
    let job_title = super::job_title(&state, record.job_id).await?;
    let card = record.score.as_ref().and_then(ScoreRecord::card);
    let locale = &state.web.locale;
    let timeline = timeline(&record, locale);
    let offer_open = usecase::offers::current(&record).is_some_and(|o| o.open_at(crate::now()));
    Ok(render(&MyApplicationPage {
        layout: Layout::new(&viewer),
        id: record.id,
        reference: record.reference.clone(),
        job_title,
        status: record.status,
        polling: record.status == Status::Submitted,
        assessment: card.as_ref().map(assessment).unwrap_or_default(),
        timeline,
        can_withdraw: record.status.apply(Action::Withdraw).is_some(),
        current_step: super::offer::step_details(&record, locale, state.web.name_panel),
        next: super::offer::what_next(record.status),
        can_answer_offer: offer_open && record.status.apply(Action::AcceptOffer).is_some(),
        result: super::results::own_result(
            &state,
            viewer.require(&format!("/me/applications/{id}"))?,
            record.id,
        )
        .await?,
    }))
}

/// The status alone, for htmx to swap in while scoring runs.
pub async fn status_fragment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = own(&state, &viewer, &id).await?;
    Ok(render(&StatusFragment {
        id: record.id,
        status: record.status,
        polling: record.status == Status::Submitted,
    }))
}

pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let record = own(&state, &viewer, &id).await?;
    let actor = viewer.require("/me/applications")?;
    let step = Step::Withdraw(Withdrawal { reason: None });
    match usecase::applications::step(
        state.store.as_ref(),
        actor,
        record.id,
        &step,
        request_id.as_deref(),
    )
    .await
    {
        Ok(_) | Err(usecase::Error::Conflict { .. }) => {}
        Err(other) => return Err(other.into()),
    }
    Ok(super::see_other(&format!("/me/applications/{}", record.id)))
}

/// Everything about the signed-in person, as a JSON download (the same as `GET /api/me/export`).
pub async fn export(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = viewer.require("/me/applications")?;
    let export = usecase::privacy::export(
        state.store.as_ref(),
        actor,
        crate::front::views::ApplicationView::json,
    )
    .await?;
    let body = serde_json::to_vec_pretty(&export).map_err(|e| PageError::Internal(e.to_string()))?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json".to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"pvara-my-data.json\"".to_owned(),
            ),
        ],
        body,
    )
        .into_response())
}

/// Erases the signed-in applicant and signs them out.
pub async fn erase(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require("/me/applications")?;
    actor.require_applicant()?;
    let context = (&state.active_users, state.mail_archive.as_ref());
    usecase::privacy::erase(state.store.as_ref(), context, actor, actor.id).await?;
    let cookie = super::session::end(&state, &viewer).await?;
    Ok((
        [(axum::http::header::SET_COOKIE, cookie)],
        super::see_other("/account-deleted"),
    )
        .into_response())
}
