//! Editing a posted job (its wording, place, closing date and vacancies; a later closing date
//! reopens it) and copying it to advertise the post again. Every problem with the form is
//! reported at once, and the form keeps what was typed.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::ids::JobId;
use pvara_domain::job::JobEdit;
use serde::Deserialize;

use super::forms::{CsrfForm, FormErrors, parse_datetime_local, parse_whole};
use super::session::Viewer;
use super::{Layout, PageError, find_job, render};
use crate::state::AppState;
use crate::usecase;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    closes_at: String,
    #[serde(default)]
    vacancies: String,
    /// The hiring manager's user id; empty for none.
    #[serde(default)]
    hiring_manager: String,
    #[serde(default)]
    interview_rounds: String,
    /// Kept as the job has it: the test is chosen when the job is posted.
    #[serde(default)]
    online_test: String,
}

#[derive(Template)]
#[template(path = "staff_job_edit.html")]
struct EditPage {
    layout: Layout,
    errors: FormErrors,
    id: JobId,
    form: EditForm,
    zone: String,
    /// (user id, name) of the active hiring managers, after "None".
    managers: Vec<(String, String)>,
    rounds: Vec<(String, String)>,
}

/// Where each field of [`JobEdit`] is on the page, and what it is called there.
const FIELDS: [(&str, &str, &str); 7] = [
    ("title", "title", "Title"),
    ("description", "description", "Description"),
    ("location", "location", "Location"),
    ("closesAt", "closes-at", "Closing date"),
    ("vacancies", "vacancies", "Number of vacancies"),
    ("hiringManagerId", "hiring-manager", "Hiring manager"),
    ("stages", "interview-rounds", "Interview rounds"),
];

/// The hiring manager select's options: none, then the active hiring managers.
pub(super) async fn hiring_manager_options(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Vec<(String, String)>, PageError> {
    let actor = viewer.require_staff("/staff/jobs")?;
    let mut options = vec![(String::new(), "None: recruiters decide".to_owned())];
    options.extend(
        usecase::jobs::hiring_managers(state.store.as_ref(), actor)
            .await?
            .into_iter()
            .map(|u| (u.id.to_string(), u.full_name)),
    );
    Ok(options)
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: JobId,
    form: EditForm,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let managers = hiring_manager_options(state, viewer).await?;
    let rounds = ["1", "2", "3"]
        .into_iter()
        .map(|n| (n.to_owned(), n.to_owned()))
        .collect();
    Ok(render(&EditPage {
        layout: Layout::new(viewer),
        errors,
        id,
        form,
        managers,
        rounds,
        zone: format!(
            "Leave empty to keep it open until filled; a later date reopens a closed job. In {}",
            state.web.locale.zone_label()
        ),
    }))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    viewer.require_staff(&format!("/staff/jobs/{id}/edit"))?;
    let job = find_job(&state, &id).await?;
    let form = EditForm {
        csrf: String::new(),
        title: job.title,
        description: job.description,
        location: job.location.unwrap_or_default(),
        closes_at: job
            .closes_at
            .map(|at| state.web.locale.to_local_input(at))
            .unwrap_or_default(),
        vacancies: job.vacancies.to_string(),
        hiring_manager: job.hiring_manager.map(|m| m.to_string()).unwrap_or_default(),
        interview_rounds: job.requirements.stages.interview_rounds.to_string(),
        online_test: if job.requirements.stages.online_test {
            "yes"
        } else {
            "no"
        }
        .to_owned(),
    };
    page(&state, &viewer, job.id, form, FormErrors::default()).await
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    super::date_input::DateForm(form): super::date_input::DateForm<EditForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{id}/edit"))?;
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    let mut errors = FormErrors::default();
    let closes_at = if form.closes_at.trim().is_empty() {
        Some(None)
    } else {
        parse_datetime_local(
            &mut errors,
            &state.web.locale,
            ("closes-at", "Closing date"),
            &form.closes_at,
        )
        .map(Some)
    };
    let vacancies = parse_whole(&mut errors, "vacancies", "Number of vacancies", &form.vacancies);
    let location = Some(form.location.as_str());
    let parsed = JobEdit::parse(
        (&form.title, &form.description, location),
        closes_at.flatten(),
        vacancies.unwrap_or(1),
        crate::now(),
    );
    let stages = pvara_domain::stages::Stages::parse(
        form.online_test != "no",
        form.interview_rounds.trim().parse().unwrap_or(1),
    )
    .map_err(|_| errors.add("interview-rounds", "Choose one, two or three interview rounds"))
    .ok();
    let parsed = parsed.map(|edit| JobEdit {
        hiring_manager: form.hiring_manager.trim().parse().ok(),
        stages,
        ..edit
    });
    match parsed {
        Ok(edit) if errors.is_empty() && closes_at.is_some() => {
            match usecase::jobs::edit(state.store.as_ref(), actor, id, edit).await {
                Ok(_) => return Ok(super::see_other(&format!("/staff/jobs/{id}"))),
                Err(error) => errors = FormErrors::from_use_case(error, &FIELDS)?,
            }
        }
        Ok(_) => {}
        Err(problems) => {
            for problem in problems {
                if let Some((_, anchor, label)) = FIELDS.iter().find(|(f, _, _)| *f == problem.field) {
                    errors.add(anchor, format!("{label} {}", problem.message));
                }
            }
        }
    }
    page(&state, &viewer, id, form, errors).await
}

/// Posts a copy of the job and opens it for editing.
pub async fn copy(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let actor = viewer.require_staff(&format!("/staff/jobs/{id}"))?;
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    let copy = usecase::jobs::copy(state.store.as_ref(), actor, id).await?;
    Ok(super::see_other(&format!("/staff/jobs/{}/edit", copy.id)))
}
