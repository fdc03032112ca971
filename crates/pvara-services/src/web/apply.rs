//! Applying for a job: the form (with the voluntary equality questions), checked as a whole and
//! kept as a draft with its CV file as read, then "Check your answers" ([`super::check_answers`])
//! before the application is sent.

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
use crate::cv::{Document, Upload};
use crate::front::upload::ApplicationForm;
use crate::state::AppState;
use crate::usecase;
use crate::usecase::applications::{CvSource, SubmitInput};
use crate::usecase::verification::EmailVerification;

/// The apply form's fields as typed, to show them again next to their errors; kept in the draft
/// as JSON between the form and "Check your answers".
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
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
    /// What the applicant declares for the job's national-recruitment rules.
    pub declaration: super::declaration::DeclarationFields,
    /// The whole form passed every check when it was kept: only such a draft is shown for
    /// checking and sent (one kept with problems, for its file, goes back to the form).
    pub ready: bool,
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
    /// The CV file kept in the draft, by name.
    kept_cv: Option<String>,
    /// The declaration's choices, for a job with national-recruitment rules.
    drive: Option<super::declaration::Choices>,
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
            education: Education::ALL.iter().map(|e| (e.as_str(), e.label())).collect(),
            kept_cv: None,
            drive: super::declaration::Choices::of(job, &form.declaration),
            form,
        }
    }

    fn keeping(mut self, cv: Option<&Document>) -> Self {
        self.kept_cv = cv.map(|d| d.file.file_name.clone());
        self
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
    let email = user.map(|u| u.email.clone()).unwrap_or_default();
    // Back from "Check your answers" (or signed in again): the form as it was left.
    let draft = usecase::drafts::load(&state, actor, job.id).await?;
    let fields = match draft
        .as_ref()
        .and_then(|d| serde_json::from_str::<ApplyFields>(&d.form).ok())
    {
        Some(kept) => ApplyFields { email, ..kept },
        None => ApplyFields {
            full_name: user.map(|u| u.full_name.clone()).unwrap_or_default(),
            email,
            education: Education::Bachelor.as_str().to_owned(),
            ..ApplyFields::default()
        },
    };
    let page = ApplyPage::new(&state, &viewer, &job, fields, FormErrors::default());
    Ok(render(&page.keeping(draft.and_then(|d| d.cv).as_ref())))
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
        declaration: super::declaration::DeclarationFields::read(&form),
        ready: false,
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

pub(super) const APPLY_FIELDS: [(&str, &str, &str); 17] = [
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
    ("declaration", "date-of-birth", "field-date-of-birth"),
    ("declaration.dateOfBirth", "date-of-birth", "field-date-of-birth"),
    ("declaration.domicile", "domicile", "field-domicile"),
    ("declaration.claims", "claims", "field-claims"),
    ("declaration.subject", "subject", "field-subject"),
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

/// The form's answers as the use cases take them; `years` is the number read from the form.
pub(super) fn submit_input<'a>(
    job: JobId,
    fields: &'a ApplyFields,
    skills: &'a [String],
    years: f64,
    cv: Option<CvSource>,
) -> SubmitInput<'a> {
    SubmitInput {
        job_id: job,
        draft: ApplicationDraft {
            full_name: &fields.full_name,
            email: &fields.email,
            phone: Some(fields.phone.as_str()),
            skills,
            years_experience: years,
            education: &fields.education,
            resume_text: &fields.resume_text,
            cover_letter: Some(fields.cover_letter.as_str()),
        },
        cv,
        accepted_privacy_notice: fields.accept_privacy_notice,
        equality: fields.equality.clone(),
        // Little text from the file: the form comes back with it in CV text first.
        accept_short_reading: false,
        // A date that is not a date is the page's own problem (see `apply`).
        declaration: fields.declaration.declaration().ok().flatten(),
    }
}

/// The form, checked as a whole: with no problem it becomes the draft and the candidate checks
/// their answers; with problems it comes back with every one of them. A chosen file is read
/// once, in the sandbox, and kept in the draft either way, so it is never chosen twice.
pub async fn apply(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
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
    let chose_file = upload.is_some();
    let cv = match upload {
        Some(upload) => Some(CvSource::Upload(upload)),
        None => usecase::drafts::load(&state, actor, job.id)
            .await?
            .and_then(|d| d.cv)
            .map(CvSource::Read),
    };
    let bad_date = fields.declaration.declaration().err();
    if let Some(message) = &bad_date {
        errors.add("date-of-birth", message.clone());
    }
    let no_cv = fields.resume_text.trim().is_empty() && cv.is_none();
    if no_cv {
        errors.add("cv", crate::i18n::t("problem-cv-missing"));
    }
    let skills = super::forms::split_list(&fields.skills);
    let input = submit_input(job.id, &fields, &skills, years.unwrap_or_default(), cv);
    let checked = usecase::applications::check(&state, client, actor, input).await;
    let read_little = match &checked.verdict {
        Err(usecase::Error::ReadLittle { text, .. }) => Some(text.clone()),
        _ => None,
    };
    fields.ready = checked.verdict.is_ok() && errors.is_empty();
    let draft = usecase::drafts::Draft {
        form: serde_json::to_string(&fields).map_err(|e| PageError::Internal(e.to_string()))?,
        cv: checked.document.clone(),
    };
    let kept = draft.cv.is_some();
    if kept || chose_file || checked.verdict.is_ok() {
        usecase::drafts::save(&state, actor, job.id, draft).await?;
    }
    match checked.verdict {
        Ok(()) if errors.is_empty() => return Ok(super::see_other(&format!("/jobs/{id}/apply/check"))),
        Ok(()) => {}
        Err(error) => {
            let from_use_case = FormErrors::from_use_case(error, &APPLY_FIELDS)?;
            // The page's own reading of the number, and of a missing CV, stand for the use case's.
            errors.extend(from_use_case.without(|anchor| {
                (years.is_none() && anchor == "years-experience")
                    || (no_cv && anchor == "resume-text")
                    || (bad_date.is_some() && anchor == "date-of-birth")
            }));
        }
    }
    if let Some(text) = read_little {
        fields.resume_text = text;
    }
    if !kept {
        errors.file_not_kept(chose_file);
    }
    let page = ApplyPage::new(&state, &viewer, &job, fields, errors);
    Ok(render(&page.keeping(checked.document.as_ref())))
}
