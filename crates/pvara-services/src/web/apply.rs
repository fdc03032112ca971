//! Applying for a job: the form (with the voluntary equality questions) and its submission.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use pvara_domain::application::ApplicationDraft;
use pvara_domain::equality::{Dimension, PREFER_NOT_TO_SAY};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::job::Job;
use pvara_domain::scoring::education::Education;

use super::forms::FormErrors;
use super::session::Viewer;
use super::{Layout, PageError, find_job, render};
use crate::cv::Upload;
use crate::front::request::RequestId;
use crate::front::upload::ApplicationForm;
use crate::state::AppState;
use crate::usecase::verification::EmailVerification;
use crate::usecase::{self, applications::SubmitInput};

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
    /// Equality answers by question key.
    pub equality: BTreeMap<String, String>,
}

/// One equality question on the form: radios, "Prefer not to say" last, none required.
#[derive(Debug)]
pub struct Question {
    pub key: String,
    pub text: String,
    /// (value, label, HTML id, checked)
    pub options: Vec<(String, String, String, bool)>,
}

impl Question {
    fn new(dimension: &Dimension, chosen: Option<&String>) -> Self {
        let prefer_not = crate::i18n::t("apply-prefer-not");
        let choices = dimension
            .categories
            .iter()
            .map(|c| (c.key.as_str(), c.label.as_str()))
            .chain([(PREFER_NOT_TO_SAY, prefer_not.as_str())]);
        Question {
            key: dimension.key.clone(),
            text: dimension.question.clone(),
            options: choices
                .map(|(value, label)| {
                    let id = format!("equality-{}-{value}", dimension.key);
                    let checked = chosen.is_some_and(|c| c == value);
                    (value.to_owned(), label.to_owned(), id, checked)
                })
                .collect(),
        }
    }
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
    questions: Vec<Question>,
}

impl ApplyPage {
    fn new(state: &AppState, viewer: &Viewer, job: &Job, form: ApplyFields, errors: FormErrors) -> Self {
        let questions = state
            .equality
            .dimensions
            .iter()
            .map(|d| Question::new(d, form.equality.get(&d.key)))
            .collect();
        ApplyPage {
            questions,
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
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let here = format!("/jobs/{id}/apply");
    let actor = viewer.require(&here)?;
    actor.require_applicant()?;
    let job = find_job(&state, &id).await?;
    // Applied already: the application, not a blank form that ends in "already applied".
    if let Some(own) = usecase::applications::own_for_job(state.store.as_ref(), actor, job.id).await? {
        return Ok(super::see_other(&format!("/me/applications/{}", own.id)));
    }
    let user = viewer.user.as_ref();
    let unverified = user.is_some_and(|u| !u.email_verified);
    if unverified && state.email_verification == EmailVerification::Required {
        let next = super::urlencode(&here);
        return Ok(super::see_other(&format!("/account/email?next={next}")));
    }
    let fields = ApplyFields {
        full_name: user.map(|u| u.full_name.clone()).unwrap_or_default(),
        email: user.map(|u| u.email.clone()).unwrap_or_default(),
        education: Education::Bachelor.as_str().to_owned(),
        ..ApplyFields::default()
    };
    Ok(render(&ApplyPage::new(
        &state,
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
        equality: form.equality_answers(),
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

const APPLY_FIELDS: [(&str, &str, &str); 12] = [
    ("fullName", "full-name", "field-full-name"),
    ("email", "full-name", "field-email"),
    (
        "acceptPrivacyNotice",
        "accept-privacy-notice",
        "field-privacy-notice",
    ),
    ("phone", "phone", "field-phone"),
    ("skills", "skills", "field-skills"),
    ("yearsExperience", "years-experience", "field-years"),
    ("education", "education", "field-education"),
    ("cv", "cv", "field-cv"),
    ("resumeText", "resume-text", "field-cv-text"),
    ("coverLetter", "cover-letter", "field-cover-letter"),
    ("jobId", "full-name", "field-job"),
    ("equality", "equality", "field-equality"),
];

/// The confirmation after applying: the reference and what happens next. A page of its own, so
/// that a reload or the back button never posts the form again.
pub async fn applied(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = super::candidate::own(&state, &viewer, &id).await?;
    let job_title = super::job_title(&state, record.job_id).await?;
    Ok(render(&AppliedPage {
        layout: Layout::new(&viewer),
        id: record.id,
        reference: record.reference.to_string(),
        email: record.candidate.email.as_str().to_owned(),
        job_title,
    }))
}

pub async fn apply(
    State(state): State<AppState>,
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
    let years = super::forms::parse_required_number(
        &mut errors,
        ("years-experience", "field-years"),
        &crate::i18n::t("problem-years-blank"),
        &fields.years_experience,
    );
    let skills = super::forms::split_list(&fields.skills);
    let no_cv = fields.resume_text.trim().is_empty() && upload.is_none();
    if no_cv {
        errors.add("cv", crate::i18n::t("problem-cv-missing"));
    }
    let draft = ApplicationDraft {
        full_name: &fields.full_name,
        email: &fields.email,
        phone: Some(fields.phone.as_str()),
        skills: &skills,
        years_experience: years.unwrap_or_default(),
        education: &fields.education,
        resume_text: if no_cv { "-" } else { &fields.resume_text },
        cover_letter: Some(fields.cover_letter.as_str()),
    };
    if !errors.is_empty() {
        // The page could not submit; the rest of the form is still checked, so that every
        // problem shows at once.
        let consent = (fields.accept_privacy_notice, &fields.equality);
        let rest = usecase::applications::form_problems(&state, &draft, consent)
            .into_iter()
            .filter(|p| !matches!(p.field, "yearsExperience" | "resumeText"))
            .collect::<Vec<_>>();
        if !rest.is_empty() {
            let more = FormErrors::from_use_case(usecase::Error::Problems(rest), &APPLY_FIELDS)?;
            errors.extend(more);
        }
    }
    let chose_file = upload.is_some();
    let outcome = match years.filter(|_| errors.is_empty()) {
        None => None,
        Some(_) => {
            let input = SubmitInput {
                job_id: job.id,
                draft: ApplicationDraft {
                    resume_text: &fields.resume_text,
                    ..draft
                },
                cv: upload,
                accepted_privacy_notice: fields.accept_privacy_notice,
                equality: fields.equality.clone(),
                // Little text from the file: the form comes back with it in CV text first.
                accept_short_reading: false,
            };
            Some(usecase::applications::submit(&state, client, actor, input, request_id.as_deref()).await)
        }
    };
    match outcome {
        // Post/redirect/get: reloading the confirmation shows it again, it does not apply again.
        Some(Ok(application)) => Ok(super::see_other(&format!(
            "/me/applications/{}/applied",
            application.id
        ))),
        Some(Err(error)) => {
            if let usecase::Error::ReadLittle { text, .. } = &error {
                fields.resume_text = text.clone();
            }
            let mut errors = FormErrors::from_use_case(error, &APPLY_FIELDS)?;
            errors.file_not_kept(chose_file);
            Ok(render(&ApplyPage::new(&state, &viewer, &job, fields, errors)))
        }
        None => {
            errors.file_not_kept(chose_file);
            Ok(render(&ApplyPage::new(&state, &viewer, &job, fields, errors)))
        }
    }
}
