//! The candidate's pages: the job board, an account, applying, and following applications.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use pvara_domain::application::ApplicationDraft;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::Job;
use pvara_domain::pipeline::{Step, Withdrawal};
use pvara_domain::scoring::ScoreCard;
use pvara_domain::scoring::education::Education;
use pvara_domain::status::{Action, Status};
use pvara_storage::model::ScoreRecord;
use serde::Deserialize;

use super::forms::{CsrfForm, FormErrors, day, when};
use super::session::Viewer;
use super::{Layout, PageError, find_job, render, urlencode};
use crate::api::ApiState;
use crate::api::extract::RequestId;
use crate::api::upload::ApplicationForm;
use crate::cv::Upload;
use crate::usecase::verification::EmailVerification;
use crate::usecase::{self, applications::SubmitInput};

const JOBS_PER_PAGE: usize = 20;

#[derive(Debug)]
pub struct JobRow {
    pub id: JobId,
    pub title: String,
    pub location: String,
    pub closes: String,
    pub summary: String,
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
    State(state): State<ApiState>,
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
            location: job.location.clone().unwrap_or_else(|| "Anywhere".to_owned()),
            closes: job.closes_at.map(day).unwrap_or_default(),
            summary: summary(&job.description),
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
    required: String,
    preferred: String,
    years: String,
    education: &'static str,
    open: bool,
}

fn or_none(list: &[String]) -> String {
    if list.is_empty() {
        "None".to_owned()
    } else {
        list.join(", ")
    }
}

pub async fn job(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = find_job(&state, &id).await?;
    let r = &job.requirements;
    Ok(render(&JobPage {
        layout: Layout::new(&viewer),
        id: job.id,
        open: job.is_open(crate::now()),
        location: job.location.clone().unwrap_or_else(|| "Anywhere".to_owned()),
        closes: job
            .closes_at
            .map(when)
            .unwrap_or_else(|| "Open until filled".to_owned()),
        required: or_none(&r.required_skills),
        preferred: or_none(&r.preferred_skills),
        years: format!("At least {} years", r.min_years_experience),
        education: r.education.label(),
        description: job.description.clone(),
        title: job.title,
    }))
}

/// The apply form's fields as typed, to show them again next to their errors.
#[derive(Debug, Default, Clone)]
pub struct ApplyFields {
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub skills: String,
    pub years_experience: String,
    pub education: String,
    pub resume_text: String,
    pub cover_letter: String,
    pub accept_privacy_notice: bool,
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    layout: Layout,
    errors: FormErrors,
    job_id: JobId,
    job_title: String,
    form: ApplyFields,
    education: Vec<(&'static str, &'static str)>,
}

impl ApplyPage {
    fn new(viewer: &Viewer, job: &Job, form: ApplyFields, errors: FormErrors) -> Self {
        ApplyPage {
            layout: Layout::new(viewer),
            errors,
            job_id: job.id,
            job_title: job.title.clone(),
            form,
            education: Education::ALL.iter().map(|e| (e.as_str(), e.label())).collect(),
        }
    }
}

pub async fn apply_form(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let here = format!("/jobs/{id}/apply");
    let actor = viewer.require(&here)?;
    actor.require_applicant()?;
    let job = find_job(&state, &id).await?;
    let user = viewer.user.as_ref();
    let unverified = user.is_some_and(|u| !u.email_verified);
    if unverified && state.email_verification == EmailVerification::Required {
        let next = super::urlencode(&here);
        return Ok(Redirect::to(&format!("/account/email?next={next}")).into_response());
    }
    let fields = ApplyFields {
        full_name: user.map(|u| u.full_name.clone()).unwrap_or_default(),
        email: user.map(|u| u.email.clone()).unwrap_or_default(),
        education: Education::Bachelor.as_str().to_owned(),
        ..ApplyFields::default()
    };
    Ok(render(&ApplyPage::new(
        &viewer,
        &job,
        fields,
        FormErrors::default(),
    )))
}

/// The multipart form: text fields and at most one file.
async fn read_apply_form(multipart: Multipart) -> Result<(String, ApplyFields, Option<Upload>), PageError> {
    let form = ApplicationForm::read(multipart)
        .await
        .map_err(|e| PageError::Internal(format!("unreadable form: {e}")))?;
    let fields = ApplyFields {
        full_name: form.field("fullName").to_owned(),
        email: String::new(),
        phone: form.field("phone").to_owned(),
        skills: form.field("skills").to_owned(),
        years_experience: form.field("yearsExperience").to_owned(),
        education: form.field("education").to_owned(),
        resume_text: form.field("resumeText").to_owned(),
        cover_letter: form.field("coverLetter").to_owned(),
        accept_privacy_notice: !form.field("acceptPrivacyNotice").is_empty(),
    };
    Ok((form.field("csrf").to_owned(), fields, form.cv))
}

#[derive(Template)]
#[template(path = "applied.html")]
struct AppliedPage {
    layout: Layout,
    id: ApplicationId,
    reference: String,
    email: String,
    job_title: String,
}

const APPLY_FIELDS: [(&str, &str, &str); 11] = [
    ("fullName", "full-name", "Full name"),
    ("email", "full-name", "Email"),
    (
        "acceptPrivacyNotice",
        "accept-privacy-notice",
        "The privacy notice",
    ),
    ("phone", "phone", "Phone"),
    ("skills", "skills", "Skills"),
    ("yearsExperience", "years-experience", "Years of experience"),
    ("education", "education", "Education"),
    ("cv", "cv", "CV"),
    ("resumeText", "resume-text", "CV text"),
    ("coverLetter", "cover-letter", "Cover letter"),
    ("jobId", "full-name", "Job"),
];

pub async fn apply(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    client: usecase::Client,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let here = format!("/jobs/{id}/apply");
    let actor = viewer.require(&here)?;
    let job = find_job(&state, &id).await?;
    let (csrf, mut fields, upload) = read_apply_form(multipart).await?;
    // Applications are answered at the account's address; the form shows it, never asks it.
    fields.email = viewer.user.as_ref().map(|u| u.email.clone()).unwrap_or_default();
    viewer.check_csrf(&csrf)?;
    let mut errors = FormErrors::default();
    let years = super::forms::parse_number(
        &mut errors,
        "years-experience",
        "Years of experience",
        &fields.years_experience,
    );
    let skills = super::forms::split_list(&fields.skills);
    if fields.resume_text.trim().is_empty() && upload.is_none() {
        errors.add("cv", "Upload your CV or paste its text into CV text");
    }
    let outcome = match years.filter(|_| errors.is_empty()) {
        None => None,
        Some(years) => {
            let input = SubmitInput {
                job_id: job.id,
                draft: ApplicationDraft {
                    full_name: &fields.full_name,
                    email: &fields.email,
                    phone: Some(fields.phone.as_str()),
                    skills: &skills,
                    years_experience: years,
                    education: &fields.education,
                    resume_text: &fields.resume_text,
                    cover_letter: Some(fields.cover_letter.as_str()),
                },
                cv: upload,
                accepted_privacy_notice: fields.accept_privacy_notice,
            };
            Some(usecase::applications::submit(&state, client, actor, input, request_id.as_deref()).await)
        }
    };
    match outcome {
        Some(Ok(application)) => Ok(render(&AppliedPage {
            layout: Layout::new(&viewer),
            id: application.id,
            reference: application.id.to_string(),
            email: application.candidate.email.as_str().to_owned(),
            job_title: job.title,
        })),
        Some(Err(error)) => {
            let errors = FormErrors::from_use_case(error, &APPLY_FIELDS)?;
            Ok(render(&ApplyPage::new(&viewer, &job, fields, errors)))
        }
        None => Ok(render(&ApplyPage::new(&viewer, &job, fields, errors))),
    }
}

#[derive(Debug)]
pub struct OwnRow {
    pub id: ApplicationId,
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

pub async fn my_applications(State(state): State<ApiState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = viewer.require("/me/applications")?;
    let rows = state
        .store
        .applications_of(actor.id)
        .await?
        .into_iter()
        .map(|a| OwnRow {
            id: a.id,
            job_title: a.job_title,
            status: a.status,
            submitted: day(a.submitted_at),
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
    job_title: String,
    status: Status,
    polling: bool,
    assessment: Vec<String>,
    timeline: Vec<TimelineEntry>,
    can_withdraw: bool,
}

#[derive(Template)]
#[template(path = "status_fragment.html")]
struct StatusFragment {
    id: ApplicationId,
    status: Status,
    polling: bool,
}

/// The applicant's own application, or not found (the same for someone else's).
async fn own(
    state: &ApiState,
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

/// The score in plain words: what was met and what was missing.
pub fn assessment(card: &ScoreCard) -> Vec<String> {
    let mut lines = Vec::new();
    let skills = &card.required_skills;
    if !skills.matched.is_empty() {
        lines.push(format!("Required skills you have: {}", skills.matched.join(", ")));
    }
    if !skills.missing.is_empty() {
        lines.push(format!(
            "Required skills we did not find: {}",
            skills.missing.join(", ")
        ));
    }
    if !card.preferred_skills.matched.is_empty() {
        lines.push(format!(
            "Preferred skills you have: {}",
            card.preferred_skills.matched.join(", ")
        ));
    }
    let e = &card.experience;
    lines.push(if e.years >= e.minimum {
        format!(
            "Experience: {} years, meeting the {} asked for",
            e.years, e.minimum
        )
    } else {
        format!("Experience: {} years, below the {} asked for", e.years, e.minimum)
    });
    let ed = &card.education;
    lines.push(if ed.level >= ed.required {
        format!("Education: {}, meeting the requirement", ed.level.label())
    } else {
        format!(
            "Education: {}, below the {} asked for",
            ed.level.label(),
            ed.required.label()
        )
    });
    lines
}

pub async fn my_application(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = own(&state, &viewer, &id).await?;
    let job_title = state
        .store
        .job(record.job_id)
        .await?
        .map(|j| j.title)
        .unwrap_or_default();
    let card = record.score.as_ref().and_then(ScoreRecord::card);
    let timeline = record
        .history
        .iter()
        .map(|h| TimelineEntry {
            status: h.to,
            at: when(h.at),
            note: if h.to == Status::Rejected {
                h.reason.clone()
            } else {
                String::new()
            },
        })
        .collect();
    Ok(render(&MyApplicationPage {
        layout: Layout::new(&viewer),
        id: record.id,
        job_title,
        status: record.status,
        polling: record.status == Status::Submitted,
        assessment: card.as_ref().map(assessment).unwrap_or_default(),
        timeline,
        can_withdraw: record.status.apply(Action::Withdraw).is_some(),
    }))
}

/// The status alone, for htmx to swap in while scoring runs.
pub async fn status_fragment(
    State(state): State<ApiState>,
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
    State(state): State<ApiState>,
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
    Ok(Redirect::to(&format!("/me/applications/{}", record.id)).into_response())
}

/// Everything about the signed-in person, as a JSON download (the same as `GET /api/me/export`).
pub async fn export(State(state): State<ApiState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = viewer.require("/me/applications")?;
    let export = usecase::privacy::export(
        state.store.as_ref(),
        actor,
        crate::api::applications::ApplicationView::json,
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
    State(state): State<ApiState>,
    viewer: Viewer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require("/me/applications")?;
    actor.require_applicant()?;
    let context = (&state.active_users, state.mail_archive.as_ref());
    usecase::privacy::erase(state.store.as_ref(), context, actor, actor.id).await?;
    let cookie = super::session::end(&state, &viewer).await?;
    Ok(([(axum::http::header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}
