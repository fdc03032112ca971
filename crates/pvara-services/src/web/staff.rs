//! The recruiter's workspace: jobs with their counts, and the ranked pipeline with bulk
//! actions.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::{Job, JobDraft};
use pvara_domain::scoring::education::Education;
use pvara_domain::status::Status;
use pvara_storage::model::{ApplicationQuery, SortOrder};
use serde::Deserialize;

use super::forms::{CsrfForm, FormErrors, parse_datetime_local, parse_number, parse_whole, split_list};
use super::session::Viewer;
use super::steps::{invitation, rejection};
use super::{Layout, PageError, find_job, render, urlencode};
use crate::front::cursor::{decode_cursor, next_cursor};
use crate::front::request::RequestId;
use crate::state::AppState;
use crate::usecase;

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
    errors: FormErrors,
    /// The reference typed into the search, kept when it found nothing.
    reference: String,
    columns: Vec<&'static str>,
    rows: Vec<JobCounts>,
}

/// The jobs table's count columns: statuses grouped by stage, so that thirteen statuses fit a
/// laptop's screen (the pipeline page filters by each status).
const COUNT_COLUMNS: [(&str, &[Status]); 6] = [
    (
        "Being sifted",
        &[Status::Submitted, Status::UnderReview, Status::ScoringFailed],
    ),
    ("Test", &[Status::TestInvited]),
    ("Interview", &[Status::InterviewScheduled]),
    ("Offer", &[Status::OfferExtended, Status::OfferAccepted]),
    ("Hired", &[Status::Hired]),
    (
        "Closed",
        &[
            Status::Rejected,
            Status::Withdrawn,
            Status::OfferDeclined,
            Status::OfferWithdrawn,
            Status::OfferExpired,
        ],
    ),
];

pub async fn jobs(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    jobs_page(&state, &viewer, FormErrors::default(), String::new()).await
}

#[derive(Debug, serde::Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    reference: String,
}

/// A helpdesk's way in: the reference a candidate reads out leads to their application (whose
/// page checks, as ever, that this reader may see it).
pub async fn find(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<FindQuery>,
) -> Result<Response, PageError> {
    viewer.require_works_here("/staff/jobs")?;
    let reference = query.reference.trim().to_owned();
    let mut errors = FormErrors::default();
    if reference.is_empty() {
        errors.add("reference", "Enter the application's reference");
    } else {
        match usecase::references::resolve(state.store.as_ref(), &reference).await {
            Ok(id) => return Ok(super::see_other(&format!("/staff/applications/{id}"))),
            Err(usecase::Error::Invalid(invalid)) => errors.add("reference", invalid.message),
            Err(usecase::Error::NotFound(_)) => errors.add(
                "reference",
                format!("No application has the reference {reference}"),
            ),
            Err(other) => return Err(other.into()),
        }
    }
    jobs_page(&state, &viewer, errors, reference).await
}

async fn jobs_page(
    state: &AppState,
    viewer: &Viewer,
    errors: FormErrors,
    reference: String,
) -> Result<Response, PageError> {
    let actor = viewer.require_works_here("/staff/jobs")?;
    if actor.role == pvara_domain::user::Role::Interviewer {
        return Ok(super::see_other("/staff/interviews"));
    }
    // A hiring manager sees the jobs they manage.
    let jobs: Vec<_> = state
        .store
        .all_jobs(1_000)
        .await?
        .into_iter()
        .filter(|job| usecase::panel::decides_on(&actor, job))
        .collect();
    let mut counts: HashMap<(JobId, Status), u64> = HashMap::new();
    for c in state.store.status_counts(&[]).await? {
        counts.insert((c.job_id, c.status), c.count);
    }
    let now = crate::now();
    let rows = jobs
        .into_iter()
        .map(|job| JobCounts {
            counts: COUNT_COLUMNS
                .iter()
                .map(|(_, statuses)| {
                    statuses
                        .iter()
                        .map(|s| counts.get(&(job.id, *s)).copied().unwrap_or(0))
                        .sum()
                })
                .collect(),
            open: job.is_open(now),
            closes: job
                .closes_at
                .map(|at| state.web.locale.day_of(at))
                .unwrap_or_else(|| "Open".to_owned()),
            id: job.id,
            title: job.title,
        })
        .collect();
    Ok(render(&JobsPage {
        layout: Layout::new(viewer),
        errors,
        reference,
        columns: COUNT_COLUMNS.iter().map(|(label, _)| *label).collect(),
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
    #[serde(default, rename = "nameBlind")]
    name_blind: String,
    #[serde(default)]
    vacancies: String,
    /// "no" when the job has no online test (the box is ticked by default).
    #[serde(default, rename = "onlineTest")]
    online_test: String,
    /// How many interview rounds (one by default).
    #[serde(default, rename = "interviewRounds")]
    interview_rounds: String,
    /// The hiring manager's user id; empty for none.
    #[serde(default, rename = "hiringManager")]
    hiring_manager: String,
    #[serde(flatten)]
    rubric: super::rubric::RubricFields,
}

#[derive(Template)]
#[template(path = "staff_job_new.html")]
struct NewJobPage {
    layout: Layout,
    errors: FormErrors,
    rubric: super::rubric::RubricFields,
    form: JobForm,
    education: Vec<(&'static str, &'static str)>,
    /// What the closing date is typed in.
    zone: String,
    /// (user id, name): none, then the active hiring managers.
    managers: Vec<(String, String)>,
}

async fn new_job_page(
    state: &AppState,
    viewer: &Viewer,
    form: JobForm,
    errors: FormErrors,
) -> Result<Response, PageError> {
    Ok(render(&NewJobPage {
        layout: Layout::new(viewer),
        zone: format!("Optional; in {}", state.web.locale.zone_label()),
        errors,
        rubric: form.rubric.clone(),
        form,
        education: Education::ALL.iter().map(|e| (e.as_str(), e.label())).collect(),
        managers: super::job_edit::hiring_manager_options(state, viewer).await?,
    }))
}

pub async fn new_job(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_staff("/staff/jobs/new")?;
    let form = JobForm {
        education: Education::None.as_str().to_owned(),
        rubric: super::rubric::RubricFields::of(&pvara_domain::scoring::Rubric::default()),
        ..JobForm::default()
    };
    new_job_page(&state, &viewer, form, FormErrors::default()).await
}

const JOB_FIELDS: [(&str, &str, &str); 11] = [
    ("title", "title", "Title"),
    ("vacancies", "vacancies", "Number of vacancies"),
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
    super::rubric::RUBRIC_FIELDS[0],
    ("hiringManagerId", "hiring-manager", "Hiring manager"),
];

/// The form field (HTML id) of a job draft's field.
fn anchor_of(field: &str) -> &str {
    JOB_FIELDS
        .iter()
        .find(|(api, _, _)| *api == field)
        .map_or("title", |(_, anchor, _)| anchor)
}

pub async fn create_job(
    State(state): State<AppState>,
    viewer: Viewer,
    super::date_input::DateForm(form): super::date_input::DateForm<JobForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_staff("/staff/jobs/new")?;
    let mut errors = FormErrors::default();
    let closes_at = if form.closes_at.trim().is_empty() {
        None
    } else {
        parse_datetime_local(
            &mut errors,
            &state.web.locale,
            ("closes-at", "Closing date"),
            &form.closes_at,
        )
    };
    let years = parse_number(
        &mut errors,
        "min-years",
        "Minimum years of experience",
        &form.min_years,
    );
    let rubric = form.rubric.draft(&mut errors, None);
    let vacancies = match form.vacancies.trim() {
        "" => None,
        given => parse_whole(&mut errors, "vacancies", "Number of vacancies", given),
    };
    let rounds = form.interview_rounds.trim().parse().unwrap_or(1);
    let stages = pvara_domain::stages::Stages::parse(form.online_test != "no", rounds)
        .map_err(|_| errors.add("interview-rounds", "Choose one, two or three interview rounds"))
        .unwrap_or_default();
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
    if !errors.is_empty() {
        // The page could not post the job; the rest of it is still checked, so that every
        // problem shows at once (the numbers and date the page read are reported already).
        let now = crate::now();
        let rest: Vec<_> = JobDraft::check(&draft, now)
            .into_iter()
            .filter(|p| errors.for_field(anchor_of(p.field)).is_none())
            .collect();
        if !rest.is_empty() {
            errors.extend(FormErrors::from_use_case(
                usecase::Error::Problems(rest),
                &JOB_FIELDS,
            )?);
        }
        return new_job_page(&state, &viewer, form, errors).await;
    }
    let options = usecase::jobs::JobOptions {
        rubric,
        name_blind: form.name_blind == "yes",
        vacancies,
        stages,
        hiring_manager: form.hiring_manager.trim().parse().ok(),
    };
    match usecase::jobs::create(state.store.as_ref(), actor, &draft, options).await {
        Ok(job) => Ok(super::see_other(&format!("/staff/jobs/{}", job.id))),
        Err(error) => {
            let errors = FormErrors::from_use_case(error, &JOB_FIELDS)?;
            new_job_page(&state, &viewer, form, errors).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ScoringForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    paused: String,
}

/// "Pause automatic scoring" / "Resume automatic scoring" on the pipeline page.
pub async fn scoring(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    Form(form): Form<ScoringForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let here = format!("/staff/jobs/{id}");
    let actor = viewer.require_staff(&here)?;
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    let paused = form.paused == "true";
    usecase::jobs::set_scoring_paused(state.store.as_ref(), actor, id, paused, request_id).await?;
    Ok(super::see_other(&here))
}

pub async fn close_job(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_staff("/staff/jobs")?;
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    usecase::jobs::close(state.store.as_ref(), actor, id).await?;
    Ok(super::see_other("/staff/jobs"))
}

#[derive(Debug)]
pub struct CandidateRow {
    pub id: ApplicationId,
    pub name: String,
    pub score: String,
    pub status: Status,
    pub submitted: String,
    /// Ticked for a bulk action that came back refused: a refusal keeps the selection.
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "staff_pipeline.html")]
struct PipelinePage {
    layout: Layout,
    errors: FormErrors,
    report: Option<String>,
    job_id: JobId,
    job_title: String,
    statuses: [Status; 13],
    status: String,
    min_score: String,
    rows: Vec<CandidateRow>,
    next_page: Option<String>,
    scoring_paused: bool,
    /// What the bulk invitation's deadline is typed in.
    zone: String,
    /// The job has an online test: the bulk invitation is offered.
    online_test: bool,
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

async fn pipeline_page(
    state: &AppState,
    viewer: &Viewer,
    job: Job,
    query: PipelineQuery,
    (errors, selected): (FormErrors, &[ApplicationId]),
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
    let actor = viewer.require_works_here(&format!("/staff/jobs/{}", job.id))?;
    let page = usecase::applications::list(state.store.as_ref(), actor, &filter).await?;
    let next_page = next_cursor(&page, PAGE).map(|cursor| {
        format!(
            "/staff/jobs/{}?status={}&minScore={}&cursor={cursor}",
            job.id,
            urlencode(&query.status),
            urlencode(&query.min_score)
        )
    });
    let paused = job.requirements.scoring_paused;
    let rows = page
        .into_iter()
        .map(|s| CandidateRow {
            selected: selected.contains(&s.id),
            id: s.id,
            name: s.full_name,
            score: match (
                s.ai_score,
                super::score::refinement(s.scorer_version.as_deref(), state.web.semantic),
            ) {
                (None, _) if paused && s.status == Status::Submitted => {
                    "awaiting manual assessment".to_owned()
                }
                (None, _) => "–".to_owned(),
                (Some(n), None) => n.to_string(),
                (Some(n), Some(state)) => format!("{n} ({state})"),
            },
            status: s.status,
            submitted: state.web.locale.day_of(s.submitted_at),
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
        scoring_paused: paused,
        zone: format!("In {}", state.web.locale.zone_label()),
        online_test: job.requirements.stages.online_test,
    }))
}

pub async fn pipeline(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<PipelineQuery>,
) -> Result<Response, PageError> {
    viewer.require_works_here(&format!("/staff/jobs/{id}"))?;
    let job = find_job(&state, &id).await?;
    pipeline_page(&state, &viewer, job, query, (FormErrors::default(), &[]), None).await
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

pub async fn bulk(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    super::date_input::DateForm(form): super::date_input::DateForm<BulkForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_works_here(&format!("/staff/jobs/{id}"))?;
    let job = find_job(&state, &id).await?;
    if !usecase::panel::decides_on(&actor, &job) {
        return Err(PageError::Forbidden);
    }
    let mut errors = FormErrors::default();
    let step = match form.action.as_str() {
        "invite" => invitation(
            &mut errors,
            &state.web.locale,
            ("bulk-test-url", "bulk-deadline"),
            (&form.test_url, &form.deadline),
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
    // Refused: the selection stays ticked for the next try.
    let keep: &[ApplicationId] = if errors.is_empty() { &[] } else { &ids };
    pipeline_page(
        &state,
        &viewer,
        job,
        PipelineQuery::default(),
        (errors, keep),
        report,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jobs_table_counts_every_status_once() {
        let mut counted: Vec<Status> = COUNT_COLUMNS
            .iter()
            .flat_map(|(_, s)| s.iter().copied())
            .collect();
        counted.sort_by_key(|s| Status::ALL.iter().position(|a| a == s));
        assert_eq!(counted, Status::ALL);
    }
}
