//! The recruiter's workspace: jobs with their counts, the ranked pipeline with bulk actions, and
//! the candidate page with the actions the lifecycle allows now.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::{Job, JobDraft};
use pvara_domain::pipeline::{Interview, Offer, Rejection, Step, TestInvitation};
use pvara_domain::scoring::ScoreCard;
use pvara_domain::scoring::education::Education;
use pvara_domain::status::{Action, Status};
use pvara_storage::model::{ApplicationQuery, ApplicationRecord, SortOrder};
use serde::Deserialize;

use super::forms::{FormErrors, day, parse_date, parse_datetime_local, parse_number, split_list, when};
use super::session::Viewer;
use super::{Layout, PageError, render, urlencode};
use crate::api::ApiState;
use crate::api::applications::{decode_cursor, next_cursor};
use crate::api::extract::RequestId;
use crate::usecase::{self, Actor};

#[derive(Debug)]
pub struct JobCounts {
    pub id: JobId,
    pub title: String,
    pub counts: Vec<u64>,
    pub open: bool,
    pub closes: String,
}

#[derive(Template)]
#[template(path = "staff_jobs.html")]
struct JobsPage {
    layout: Layout,
    statuses: [Status; 8],
    rows: Vec<JobCounts>,
}

pub async fn jobs(State(state): State<ApiState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_staff("/staff/jobs")?;
    let jobs = state.store.all_jobs(1_000).await?;
    let mut counts: HashMap<(JobId, Status), u64> = HashMap::new();
    for c in state.store.status_counts(&[]).await? {
        counts.insert((c.job_id, c.status), c.count);
    }
    let now = crate::now();
    let rows = jobs
        .into_iter()
        .map(|job| JobCounts {
            counts: Status::ALL
                .iter()
                .map(|s| counts.get(&(job.id, *s)).copied().unwrap_or(0))
                .collect(),
            open: job.is_open(now),
            closes: job.closes_at.map(day).unwrap_or_else(|| "Open".to_owned()),
            id: job.id,
            title: job.title,
        })
        .collect();
    Ok(render(&JobsPage {
        layout: Layout::new(&viewer),
        statuses: Status::ALL,
        rows,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    location: String,
    #[serde(default, rename = "closesAt")]
    closes_at: String,
    #[serde(default)]
    required_skills: String,
    #[serde(default)]
    preferred_skills: String,
    #[serde(default, rename = "minYearsExperience")]
    min_years: String,
    #[serde(default)]
    education: String,
}

#[derive(Template)]
#[template(path = "staff_job_new.html")]
struct NewJobPage {
    layout: Layout,
    errors: FormErrors,
    form: JobForm,
    education: Vec<(&'static str, &'static str)>,
}

fn new_job_page(viewer: &Viewer, form: JobForm, errors: FormErrors) -> Response {
    render(&NewJobPage {
        layout: Layout::new(viewer),
        errors,
        form,
        education: Education::ALL.iter().map(|e| (e.as_str(), e.label())).collect(),
    })
}

pub async fn new_job(viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_staff("/staff/jobs/new")?;
    let form = JobForm {
        education: Education::None.as_str().to_owned(),
        ..JobForm::default()
    };
    Ok(new_job_page(&viewer, form, FormErrors::default()))
}

const JOB_FIELDS: [(&str, &str, &str); 8] = [
    ("title", "title", "Title"),
    ("description", "description", "Description"),
    ("location", "location", "Location"),
    ("closesAt", "closes-at", "Closing date"),
    (
        "requirements.requiredSkills",
        "required-skills",
        "Required skills",
    ),
    (
        "requirements.preferredSkills",
        "preferred-skills",
        "Preferred skills",
    ),
    (
        "requirements.minYearsExperience",
        "min-years",
        "Minimum years of experience",
    ),
    ("requirements.education", "education", "Education"),
];

pub async fn create_job(
    State(state): State<ApiState>,
    viewer: Viewer,
    Form(form): Form<JobForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_staff("/staff/jobs/new")?;
    let mut errors = FormErrors::default();
    let closes_at = if form.closes_at.trim().is_empty() {
        None
    } else {
        parse_datetime_local(&mut errors, "closes-at", "Closing date", &form.closes_at)
    };
    let years = parse_number(
        &mut errors,
        "min-years",
        "Minimum years of experience",
        &form.min_years,
    );
    if !errors.is_empty() {
        return Ok(new_job_page(&viewer, form, errors));
    }
    let (required, preferred) = (
        split_list(&form.required_skills),
        split_list(&form.preferred_skills),
    );
    let draft = JobDraft {
        title: &form.title,
        description: &form.description,
        location: Some(form.location.as_str()),
        closes_at,
        required_skills: &required,
        preferred_skills: &preferred,
        min_years_experience: years.unwrap_or_default(),
        education: &form.education,
    };
    match usecase::jobs::create(state.store.as_ref(), actor, &draft).await {
        Ok(job) => Ok(Redirect::to(&format!("/staff/jobs/{}", job.id)).into_response()),
        Err(error) => {
            let errors = FormErrors::from_use_case(error, &JOB_FIELDS)?;
            Ok(new_job_page(&viewer, form, errors))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn close_job(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_staff("/staff/jobs")?;
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    usecase::jobs::close(state.store.as_ref(), actor, id).await?;
    Ok(Redirect::to("/staff/jobs").into_response())
}

#[derive(Debug)]
pub struct CandidateRow {
    pub id: ApplicationId,
    pub name: String,
    pub score: String,
    pub status: Status,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "staff_pipeline.html")]
struct PipelinePage {
    layout: Layout,
    errors: FormErrors,
    report: Option<String>,
    job_id: JobId,
    job_title: String,
    statuses: [Status; 8],
    status: String,
    min_score: String,
    rows: Vec<CandidateRow>,
    next_page: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    min_score: String,
    cursor: Option<String>,
}

const PAGE: u32 = 50;

async fn find_job(state: &ApiState, id: &str) -> Result<Job, PageError> {
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    state.store.job(id).await?.ok_or(PageError::NotFound)
}

async fn pipeline_page(
    state: &ApiState,
    viewer: &Viewer,
    job: Job,
    query: PipelineQuery,
    errors: FormErrors,
    report: Option<String>,
) -> Result<Response, PageError> {
    let status = Status::parse(&query.status);
    let min_score = query.min_score.trim().parse::<u8>().ok().filter(|s| *s <= 100);
    let filter = ApplicationQuery {
        job_id: Some(job.id),
        status,
        min_score,
        sort: SortOrder::ScoreDesc,
        limit: PAGE,
        after: query.cursor.as_deref().and_then(decode_cursor),
    };
    let page = state.store.list_applications(&filter).await?;
    let next_page = next_cursor(&page, PAGE).map(|cursor| {
        format!(
            "/staff/jobs/{}?status={}&minScore={}&cursor={cursor}",
            job.id,
            urlencode(&query.status),
            urlencode(&query.min_score)
        )
    });
    let rows = page
        .into_iter()
        .map(|s| CandidateRow {
            id: s.id,
            name: s.full_name,
            score: s.ai_score.map_or_else(|| "–".to_owned(), |n| n.to_string()),
            status: s.status,
            submitted: day(s.submitted_at),
        })
        .collect();
    Ok(render(&PipelinePage {
        layout: Layout::new(viewer),
        errors,
        report,
        job_id: job.id,
        job_title: job.title,
        statuses: Status::ALL,
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        min_score: min_score.map(|n| n.to_string()).unwrap_or_default(),
        rows,
        next_page,
    }))
}

pub async fn pipeline(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<PipelineQuery>,
) -> Result<Response, PageError> {
    viewer.require_staff(&format!("/staff/jobs/{id}"))?;
    let job = find_job(&state, &id).await?;
    pipeline_page(&state, &viewer, job, query, FormErrors::default(), None).await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    action: String,
    #[serde(default)]
    test_url: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    reason: String,
}

/// The step a form asks for, or the messages that say why it cannot be taken.
fn invitation(
    errors: &mut FormErrors,
    anchors: (&str, &str),
    test_url: &str,
    deadline: &str,
) -> Option<Step> {
    let deadline = parse_datetime_local(errors, anchors.1, "Deadline", deadline)?;
    match TestInvitation::parse(test_url, deadline, crate::now()) {
        Ok(invite) => Some(Step::InviteToTest(invite)),
        Err(e) => {
            let (anchor, label) = if e.field == "testUrl" {
                (anchors.0, "Test URL")
            } else {
                (anchors.1, "Deadline")
            };
            errors.add(anchor, format!("{label} {}", e.message));
            None
        }
    }
}

fn rejection(errors: &mut FormErrors, anchor: &str, reason: &str) -> Option<Step> {
    match Rejection::parse(reason) {
        Ok(r) => Some(Step::Reject(r)),
        Err(e) => {
            errors.add(anchor, format!("Reason {}", e.message));
            None
        }
    }
}

pub async fn bulk(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    axum_extra::extract::Form(form): axum_extra::extract::Form<BulkForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{id}"))?;
    let job = find_job(&state, &id).await?;
    let mut errors = FormErrors::default();
    let step = match form.action.as_str() {
        "invite" => invitation(
            &mut errors,
            ("bulk-test-url", "bulk-deadline"),
            &form.test_url,
            &form.deadline,
        ),
        "reject" => rejection(&mut errors, "bulk-reason", &form.reason),
        _ => None,
    };
    let ids: Vec<ApplicationId> = form.ids.iter().filter_map(|i| i.parse().ok()).collect();
    if ids.is_empty() {
        errors.add("candidates", "Select at least one candidate");
    }
    let report = match step.filter(|_| errors.is_empty()) {
        Some(step) => {
            let done =
                usecase::applications::bulk(state.store.as_ref(), actor, &ids, &step, request_id.as_deref())
                    .await?;
            let mut text = format!("{} done, {} skipped", done.done, done.skipped.len());
            if !done.skipped.is_empty() {
                let reasons: Vec<&str> = done.skipped.iter().map(|(_, why)| why.as_str()).collect();
                text.push_str(&format!(" ({})", reasons.join("; ")));
            }
            Some(text)
        }
        None => None,
    };
    pipeline_page(&state, &viewer, job, PipelineQuery::default(), errors, report).await
}

#[derive(Debug)]
pub struct BreakdownRow {
    pub name: &'static str,
    pub points: String,
    pub detail: String,
}

#[derive(Debug)]
pub struct HistoryRow {
    pub status: Status,
    pub at: String,
    pub actor: String,
    pub reason: String,
}

#[derive(Debug)]
pub struct NoteRow {
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "staff_application.html")]
struct ApplicationPage {
    layout: Layout,
    errors: FormErrors,
    id: ApplicationId,
    job_id: JobId,
    job_title: String,
    name: String,
    status: Status,
    score: Option<u8>,
    details: Vec<(&'static str, String)>,
    breakdown: Vec<BreakdownRow>,
    scorer_version: String,
    knockouts: String,
    has_file: bool,
    resume_text: String,
    cover_letter: String,
    actions: Allowed,
    history: Vec<HistoryRow>,
    notes: Vec<NoteRow>,
}

fn breakdown(card: &ScoreCard) -> Vec<BreakdownRow> {
    let pts = |p: f64, max: f64| format!("{p} / {max}");
    let skills = |matched: &[String], missing: &[String]| {
        format!("matched: {}; missing: {}", or_dash(matched), or_dash(missing))
    };
    vec![
        BreakdownRow {
            name: "Required skills",
            points: pts(card.required_skills.points, card.required_skills.max_points),
            detail: skills(&card.required_skills.matched, &card.required_skills.missing),
        },
        BreakdownRow {
            name: "Preferred skills",
            points: pts(card.preferred_skills.points, card.preferred_skills.max_points),
            detail: skills(&card.preferred_skills.matched, &card.preferred_skills.missing),
        },
        BreakdownRow {
            name: "Experience",
            points: pts(card.experience.points, card.experience.max_points),
            detail: format!(
                "{} years against a minimum of {}",
                card.experience.years, card.experience.minimum
            ),
        },
        BreakdownRow {
            name: "Education",
            points: pts(card.education.points, card.education.max_points),
            detail: format!(
                "{}; required {}",
                card.education.level.label(),
                card.education.required.label()
            ),
        },
        BreakdownRow {
            name: "Relevance",
            points: pts(card.relevance.points, card.relevance.max_points),
            detail: format!("terms found: {}", or_dash(&card.relevance.matched_terms)),
        },
    ]
}

fn or_dash(list: &[String]) -> String {
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}

/// The forms shown: only the steps the lifecycle allows now.
#[derive(Debug)]
pub struct Allowed {
    pub invite: bool,
    pub interview: bool,
    pub offer: bool,
    pub reject: bool,
}

impl Allowed {
    fn from(status: Status) -> Self {
        let can = |action| status.apply(action).is_some();
        Allowed {
            invite: can(Action::InviteToTest),
            interview: can(Action::ScheduleInterview),
            offer: can(Action::ExtendOffer),
            reject: can(Action::Reject),
        }
    }

    pub fn is_empty(&self) -> bool {
        !(self.invite || self.interview || self.offer || self.reject)
    }
}

async fn actor_names(
    state: &ApiState,
    record: &ApplicationRecord,
) -> Result<HashMap<String, String>, PageError> {
    let mut names = HashMap::new();
    for entry in &record.history {
        if names.contains_key(&entry.actor) {
            continue;
        }
        let name = match entry.actor.parse() {
            Ok(id) => match state.store.user(id).await? {
                Some(user) if user.id == record.applicant_id => "the candidate".to_owned(),
                Some(user) => user.full_name,
                None => "a deleted user".to_owned(),
            },
            Err(_) => entry.actor.trim_start_matches("system:").to_owned() + " (automatic)",
        };
        names.insert(entry.actor.clone(), name);
    }
    Ok(names)
}

async fn application_page(
    state: &ApiState,
    viewer: &Viewer,
    id: ApplicationId,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let record = state.store.application(id).await?.ok_or(PageError::NotFound)?;
    let job_title = state
        .store
        .job(record.job_id)
        .await?
        .map(|j| j.title)
        .unwrap_or_default();
    let has_file = state.store.cv_file(id).await?.is_some();
    let notes = state.store.notes(id).await?;
    let names = actor_names(state, &record).await?;
    let card = record
        .score
        .as_ref()
        .and_then(|s| serde_json::from_value::<ScoreCard>(s.breakdown.clone()).ok());
    let c = &record.candidate;
    let details = vec![
        ("Email", c.email.as_str().to_owned()),
        ("Phone", c.phone.clone().unwrap_or_else(|| "–".to_owned())),
        ("Skills", c.skills.join(", ")),
        ("Years of experience", c.years_experience.to_string()),
        ("Education", c.education.label().to_owned()),
        ("Submitted", when(record.submitted_at)),
    ];
    let history = record
        .history
        .iter()
        .map(|h| HistoryRow {
            status: h.to,
            at: when(h.at),
            actor: names.get(&h.actor).cloned().unwrap_or_default(),
            reason: h.reason.clone(),
        })
        .collect();
    Ok(render(&ApplicationPage {
        layout: Layout::new(viewer),
        errors,
        id,
        job_id: record.job_id,
        job_title,
        name: c.full_name.as_str().to_owned(),
        status: record.status,
        score: record.score.as_ref().map(|s| s.total),
        details,
        breakdown: card.as_ref().map(breakdown).unwrap_or_default(),
        scorer_version: record
            .score
            .as_ref()
            .map(|s| s.scorer_version.clone())
            .unwrap_or_default(),
        knockouts: card
            .as_ref()
            .map(|c| {
                c.knockouts
                    .iter()
                    .map(|k| k.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default(),
        has_file,
        resume_text: c.resume_text.clone(),
        cover_letter: c.cover_letter.clone().unwrap_or_else(|| "None".to_owned()),
        actions: Allowed::from(record.status),
        history,
        notes: notes
            .into_iter()
            .map(|n| NoteRow {
                author: n.author_name,
                at: when(n.at),
                body: n.body,
            })
            .collect(),
    }))
}

pub async fn application(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    viewer.require_staff(&format!("/staff/applications/{id}"))?;
    let id: ApplicationId = id.parse().map_err(|_| PageError::NotFound)?;
    application_page(&state, &viewer, id, FormErrors::default()).await
}

pub async fn cv(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = viewer.require_staff(&format!("/staff/applications/{id}"))?;
    let id: ApplicationId = id.parse().map_err(|_| PageError::NotFound)?;
    let file = usecase::applications::cv_file(state.store.as_ref(), actor, id).await?;
    let disposition = format!("attachment; filename=\"{}\"", file.file_name.replace('"', ""));
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        file.content,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    test_url: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    scheduled_at: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    interviewers: String,
    #[serde(default)]
    salary: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    expires_at: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

fn interview(errors: &mut FormErrors, form: &ActionForm) -> Option<Step> {
    let at = parse_datetime_local(errors, "scheduled-at", "Date and time", &form.scheduled_at)?;
    match Interview::parse(at, &form.location, &split_list(&form.interviewers), crate::now()) {
        Ok(i) => Some(Step::ScheduleInterview(i)),
        Err(e) => {
            let (anchor, label) = match e.field {
                "scheduledAt" => ("scheduled-at", "Date and time"),
                "location" => ("location", "Location"),
                _ => ("interviewers", "Interviewers"),
            };
            errors.add(anchor, format!("{label} {}", e.message));
            None
        }
    }
}

fn offer(errors: &mut FormErrors, form: &ActionForm) -> Option<Step> {
    let salary = parse_number(errors, "salary", "Salary", &form.salary);
    let start = parse_date(errors, "start-date", "Start date", &form.start_date);
    let expires: Option<DateTime<Utc>> =
        parse_datetime_local(errors, "expires-at", "Offer expiry", &form.expires_at);
    match Offer::parse(salary?, start?, expires?, crate::now()) {
        Ok(o) => Some(Step::ExtendOffer(o)),
        Err(e) => {
            let (anchor, label) = match e.field {
                "salary" => ("salary", "Salary"),
                "startDate" => ("start-date", "Start date"),
                _ => ("expires-at", "Offer expiry"),
            };
            errors.add(anchor, format!("{label} {}", e.message));
            None
        }
    }
}

async fn take_step(
    state: &ApiState,
    actor: Actor,
    id: ApplicationId,
    step: &Step,
    request_id: Option<&str>,
) -> Result<FormErrors, PageError> {
    match usecase::applications::step(state.store.as_ref(), actor, id, step, request_id).await {
        Ok(_) => Ok(FormErrors::default()),
        Err(error) => FormErrors::from_use_case(error, &[("reason", "reason", "Reason")]),
    }
}

pub async fn act(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path((id, action)): Path<(String, String)>,
    RequestId(request_id): RequestId,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let here = format!("/staff/applications/{id}");
    let actor = viewer.require_staff(&here)?;
    let id: ApplicationId = id.parse().map_err(|_| PageError::NotFound)?;
    let mut errors = FormErrors::default();
    if action == "note" {
        if let Err(error) = usecase::applications::add_note(state.store.as_ref(), actor, id, &form.note).await
        {
            errors = FormErrors::from_use_case(error, &[("note", "note", "Note")])?;
        }
    } else {
        let step = match action.as_str() {
            "invite" => invitation(
                &mut errors,
                ("test-url", "deadline"),
                &form.test_url,
                &form.deadline,
            ),
            "interview" => interview(&mut errors, &form),
            "offer" => offer(&mut errors, &form),
            "reject" => rejection(&mut errors, "reason", &form.reason),
            _ => return Err(PageError::NotFound),
        };
        if let Some(step) = step {
            errors = take_step(&state, actor, id, &step, request_id.as_deref()).await?;
        }
    }
    if errors.is_empty() {
        return Ok(Redirect::to(&here).into_response());
    }
    application_page(&state, &viewer, id, errors).await
}
