//! "Check your answers": the application as the candidate will send it, each answer with a link
//! back to its field, then one button that sends it. The answers and the CV file come from the
//! draft the form saved ([`super::apply`]); sending removes the draft, and a reload or the back
//! button after sending finds the application, never a second one.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use pvara_domain::scoring::education::Education;
use serde::Deserialize;

use super::apply::{APPLY_FIELDS, ApplyFields, submit_input};
use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, find_job, render};
use crate::front::request::RequestId;
use crate::i18n::{self, Arg};
use crate::state::AppState;
use crate::usecase::applications::CvSource;
use crate::usecase::{self, Actor};

/// One answer: what was asked, what was answered, and the field to change it at.
#[derive(Debug)]
struct Row {
    key: String,
    value: String,
    anchor: &'static str,
}

#[derive(Template)]
#[template(path = "check_answers.html")]
struct CheckPage {
    layout: Layout,
    errors: FormErrors,
    job_id: pvara_domain::ids::JobId,
    job_title: String,
    rows: Vec<Row>,
    equality: Vec<Row>,
    /// For a job with national-recruitment rules: the declared facts.
    declaration: Vec<Row>,
    /// The rules the applicant falls short of on the closing date, as sentences: they may
    /// still send the application.
    shortfalls: Vec<String>,
}

impl CheckPage {
    fn new(
        state: &AppState,
        viewer: &Viewer,
        job: &pvara_domain::job::Job,
        (fields, cv): (&ApplyFields, Option<&crate::cv::Document>),
        errors: FormErrors,
    ) -> Self {
        CheckPage {
            layout: Layout::new(viewer),
            errors,
            job_id: job.id,
            job_title: job.title.clone(),
            rows: rows(fields, cv),
            equality: equality_rows(state, fields),
            declaration: declaration_rows(&state.web.locale, job, fields),
            shortfalls: shortfalls(state, job, fields),
        }
    }
}

/// The declared facts, for a job with rules.
fn declaration_rows(
    locale: &crate::mail::Locale,
    job: &pvara_domain::job::Job,
    fields: &ApplyFields,
) -> Vec<Row> {
    if job.requirements.drive.is_none() {
        return Vec::new();
    }
    let d = &fields.declaration;
    let given = |value: &str| {
        if value.is_empty() {
            i18n::t("check-not-given")
        } else {
            value.to_owned()
        }
    };
    let born = chrono::NaiveDate::parse_from_str(&d.date_of_birth, "%Y-%m-%d")
        .map_or_else(|_| given(&d.date_of_birth), |day| locale.date(day));
    let row = |id: &str, value: String, anchor| Row {
        key: i18n::t(id),
        value,
        anchor,
    };
    let mut rows = vec![
        row("field-date-of-birth", born, "date-of-birth"),
        row("field-domicile", given(&d.domicile), "domicile"),
        row("field-claims", given(&d.claims.join(", ")), "claims"),
    ];
    if !d.subject.is_empty() {
        rows.push(row("field-subject", d.subject.clone(), "subject"));
    }
    rows
}

/// What the job's rules say of these answers on its closing date.
fn shortfalls(state: &AppState, job: &pvara_domain::job::Job, fields: &ApplyFields) -> Vec<String> {
    let Ok(declaration) = fields.declaration.declaration() else {
        return Vec::new();
    };
    let education = Education::parse("education", &fields.education).unwrap_or(Education::None);
    let years = fields.years_experience.trim().parse().unwrap_or(0.0);
    usecase::merit::shortfalls_on_closing_date(
        job,
        declaration.as_ref(),
        (education, years),
        state.web.locale.zone(),
    )
    .iter()
    .map(i18n::shortfall)
    .collect()
}

fn words(text: &str) -> f64 {
    text.split_whitespace().count() as f64
}

/// The answers as the candidate reads them, in the form's order.
fn rows(fields: &ApplyFields, cv: Option<&crate::cv::Document>) -> Vec<Row> {
    let not_given = || i18n::t("check-not-given");
    let given = |value: &str| {
        Some(value.trim())
            .filter(|v| !v.is_empty())
            .map_or_else(not_given, str::to_owned)
    };
    let education = Education::parse("education", &fields.education)
        .map_or_else(|_| fields.education.clone(), i18n::education);
    let cv_value = match cv {
        Some(document) => i18n::t_with(
            "check-cv-file",
            &[
                ("file", Arg::Text(document.file.file_name.clone())),
                ("words", Arg::Number(words(&document.text))),
            ],
        ),
        None => not_given(),
    };
    let pasted = match words(&fields.resume_text) {
        0.0 => not_given(),
        n => i18n::t_with("check-cv-pasted", &[("words", Arg::Number(n))]),
    };
    let row = |id: &str, value: String, anchor| Row {
        key: i18n::t(id),
        value,
        anchor,
    };
    vec![
        row("field-full-name", given(&fields.full_name), "full-name"),
        row("field-phone", given(&fields.phone), "phone"),
        row("field-skills", given(&fields.skills), "skills"),
        row("field-years", given(&fields.years_experience), "years-experience"),
        row("field-education", education, "education"),
        row("field-cv", cv_value, "cv"),
        row("field-cv-text", pasted, "resume-text"),
        row("field-cover-letter", given(&fields.cover_letter), "cover-letter"),
        row(
            "apply-your-data",
            i18n::t("check-privacy-accepted"),
            "accept-privacy-notice",
        ),
    ]
}

/// The equality answers, each question with the answer's words ("Prefer not to say" when the
/// candidate chose it or left it).
fn equality_rows(state: &AppState, fields: &ApplyFields) -> Vec<Row> {
    state
        .equality
        .dimensions
        .iter()
        .map(|dimension| {
            let chosen = fields.equality.get(&dimension.key);
            let value = dimension
                .categories
                .iter()
                .find(|c| Some(&c.key) == chosen)
                .map_or_else(|| i18n::t("apply-prefer-not"), |c| c.label.clone());
            Row {
                key: dimension.question.clone(),
                value,
                anchor: "equality",
            }
        })
        .collect()
}

/// The draft's answers and file, or `None` when there is none ready to check (sent already,
/// kept too long, or kept with problems for its file).
async fn draft(
    state: &AppState,
    actor: Actor,
    job: pvara_domain::ids::JobId,
) -> Result<Option<(ApplyFields, Option<crate::cv::Document>)>, PageError> {
    let Some(draft) = usecase::drafts::load(state, actor, job).await? else {
        return Ok(None);
    };
    let fields = serde_json::from_str::<ApplyFields>(&draft.form).ok();
    Ok(fields.filter(|f| f.ready).map(|f| (f, draft.cv)))
}

/// Where a person with no draft to check belongs: their application if they sent it, else the form.
async fn elsewhere(
    state: &AppState,
    actor: Actor,
    job: pvara_domain::ids::JobId,
) -> Result<Response, PageError> {
    match usecase::applications::own_for_job(state.store.as_ref(), actor, job).await? {
        Some(own) => Ok(super::see_other(&format!("/me/applications/{}", own.id))),
        None => Ok(super::see_other(&format!("/jobs/{job}/apply"))),
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = viewer.require(&format!("/jobs/{id}/apply/check"))?;
    actor.require_applicant()?;
    let job = find_job(&state, &id).await?;
    let Some((fields, cv)) = draft(&state, actor, job.id).await? else {
        return elsewhere(&state, actor, job.id).await;
    };
    let page = CheckPage::new(
        &state,
        &viewer,
        &job,
        (&fields, cv.as_ref()),
        FormErrors::default(),
    );
    Ok(render(&page))
}

#[derive(Debug, Deserialize)]
pub struct SendForm {
    #[serde(default)]
    csrf: String,
}

/// Sends the checked application: the same use case as the API's, with the file as read.
pub async fn send(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    RequestId(request_id): RequestId,
    client: usecase::Client,
    Form(form): Form<SendForm>,
) -> Result<Response, PageError> {
    let actor = viewer.require(&format!("/jobs/{id}/apply/check"))?;
    viewer.check_csrf(&form.csrf)?;
    let job = find_job(&state, &id).await?;
    let Some((mut fields, cv)) = draft(&state, actor, job.id).await? else {
        return elsewhere(&state, actor, job.id).await;
    };
    fields.email = viewer.user.as_ref().map(|u| u.email.clone()).unwrap_or_default();
    let skills = super::forms::split_list(&fields.skills);
    // Read as the form read it; a draft only exists once it could be.
    let years = super::forms::parse_required_number(
        &mut FormErrors::default(),
        ("years-experience", "field-years"),
        "",
        &fields.years_experience,
    )
    .unwrap_or_default();
    let input = submit_input(job.id, &fields, &skills, years, cv.clone().map(CvSource::Read));
    match usecase::applications::submit(&state, client, actor, input, request_id.as_deref()).await {
        Ok(application) => {
            // Sent is sent: a draft that could not be removed now goes with the next sweep.
            if let Err(error) = usecase::drafts::discard(&state, actor, job.id).await {
                tracing::warn!(error = %crate::ErrorChain(&error), "a sent application's draft is left for the sweep");
            }
            Ok(super::see_other(&format!(
                "/me/applications/{}/applied",
                application.id
            )))
        }
        // Refused now (the job closed meanwhile, too many at once): the answers again, with why.
        Err(error) => {
            let errors = FormErrors::from_use_case(error, &APPLY_FIELDS)?;
            Ok(render(&CheckPage::new(
                &state,
                &viewer,
                &job,
                (&fields, cv.as_ref()),
                errors,
            )))
        }
    }
}
