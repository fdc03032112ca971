//! Submitting an application: checked as a whole (the page's "Check your answers" step stops
//! there), then stored with its events.

use pvara_domain::ValidationError;
use pvara_domain::application::{ApplicationDraft, Candidate, NewApplication};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::merit::Declaration;
use pvara_storage::error::REFERENCE_TAKEN;
use pvara_storage::model::{CvFile, Submission};
use pvara_storage::{Store, StoreError};

use crate::cv::{self, Upload};
use crate::state::Services;
use crate::usecase::verification::EmailVerification;
use crate::usecase::{Actor, Client, Error, references};
use pvara_storage::outbox::{SOURCE_API, to_messages};

/// An application as a form or a JSON body gives it; `resume_text` may be empty when a CV file
/// comes along, whose text is then extracted. `draft.email` may be empty: the contact address is
/// the account's own.
#[derive(Debug, Clone)]
pub struct SubmitInput<'a> {
    pub job_id: JobId,
    pub draft: ApplicationDraft<'a>,
    pub cv: Option<CvSource>,
    /// The applicant accepted the privacy notice ([`crate::usecase::privacy::NOTICE_VERSION`]).
    pub accepted_privacy_notice: bool,
    /// Answers to the voluntary equality questions, by question key; any may be missing.
    pub equality: std::collections::BTreeMap<String, String>,
    /// Submit even if the CV file gave little text for its pages (the API's clients decide for
    /// themselves; the page first shows the candidate what was read).
    pub accept_short_reading: bool,
    /// What the applicant declares for the job's national-recruitment rules: required when the
    /// job has rules, ignored otherwise.
    pub declaration: Option<Declaration>,
}

/// Where an application's CV file comes from: a file to read now, or one read before. The apply
/// page reads the file when it checks the form and keeps it with the draft until the candidate
/// sends the application, so a file is read once, in the sandbox, whatever the steps between.
#[derive(Debug, Clone)]
pub enum CvSource {
    Upload(Upload),
    Read(cv::Document),
}

/// An application that passed every check, ready to store.
struct Valid {
    candidate: Candidate,
    equality: pvara_domain::equality::Answers,
    cv: Option<CvFile>,
    declaration: Option<Declaration>,
}

/// What [`check`] found: the CV file as read (kept even when the form has other problems, so
/// the candidate need not choose it again) and the verdict on the whole application.
#[derive(Debug)]
pub struct Checked {
    pub document: Option<cv::Document>,
    pub verdict: Result<(), Error>,
}

/// Stores an application and its events; answers once both are committed. The applicant's
/// address must be verified (unless verification is off), and it is where pvara writes to:
/// an application cannot name another.
pub async fn submit(
    services: &Services,
    client: Client,
    actor: Actor,
    input: SubmitInput<'_>,
    request_id: Option<&str>,
) -> Result<NewApplication, Error> {
    actor.require_applicant()?;
    services.backpressure.admit()?;
    services.throttle.apply(client.address).await?;
    let email = standing_address(services, actor).await?;
    let job_id = input.job_id;
    let (_, valid) = validate(services, &email, input).await;
    store_application(services, actor, job_id, valid?, request_id).await
}

/// Checks an application as [`submit`] would, reading its CV file in the sandbox, and stores
/// nothing: the apply page's "Check your answers" step. A file to read counts against the
/// client's limit for applying, as a submission does.
pub async fn check(services: &Services, client: Client, actor: Actor, input: SubmitInput<'_>) -> Checked {
    let refused = |error: Error| Checked {
        document: None,
        verdict: Err(error),
    };
    if let Err(error) = actor.require_applicant() {
        return refused(error.into());
    }
    if matches!(input.cv, Some(CvSource::Upload(_)))
        && let Err(error) = services.throttle.apply(client.address).await
    {
        return refused(error.into());
    }
    let email = match standing_address(services, actor).await {
        Ok(email) => email,
        Err(error) => return refused(error),
    };
    if let Err(error) = open_job(services, input.job_id).await {
        return refused(error);
    }
    let (document, valid) = validate(services, &email, input).await;
    Checked {
        document,
        verdict: valid.map(|_| ()),
    }
}

/// The applicant's address, where pvara writes to; refused while it must still be verified.
async fn standing_address(services: &Services, actor: Actor) -> Result<std::sync::Arc<str>, Error> {
    let standing = services
        .active_users
        .standing(services.store.as_ref(), actor.id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    if services.email_verification == EmailVerification::Required && !standing.email_verified {
        return Err(Error::Unverified);
    }
    Ok(standing.email)
}

/// Every check of an application at once: the address, the CV file (read if it is not yet),
/// the consent, the equality answers and the candidate's fields. Returns the CV as read beside
/// the verdict, whatever the verdict.
async fn validate(
    services: &Services,
    email: &str,
    input: SubmitInput<'_>,
) -> (Option<cv::Document>, Result<Valid, Error>) {
    let given = input.draft.email.trim();
    if !given.is_empty() && !given.eq_ignore_ascii_case(email) {
        let refusal = Error::unprocessable(
            "email_not_yours",
            format!("must be your account's address ({email}), where we will write to you"),
            "email",
        );
        return (None, Err(refusal));
    }
    let declared = match declaration_for(services, input.job_id, input.declaration.clone()).await {
        Ok(declared) => declared,
        Err(other) => return (None, Err(other)),
    };
    let mut draft = input.draft;
    draft.email = email;
    let consent = (input.accepted_privacy_notice, &input.equality);
    let document = match read_cv(services, input.cv).await {
        Ok(document) => document,
        Err(Error::Invalid(refused)) => {
            let mut problems = vec![refused];
            // The file's problem stands for the missing CV text.
            problems.extend(
                form_problems(services, &draft, consent)
                    .into_iter()
                    .filter(|p| p.field != "resumeText"),
            );
            return (None, Err(Error::Problems(problems)));
        }
        Err(other) => return (None, Err(other)),
    };
    let pasted = !draft.resume_text.trim().is_empty();
    let verdict = match &document {
        // What was read goes back into CV text for the candidate to check, with everything
        // else the form lacks.
        Some(read) if read.reads_little() && !(pasted || input.accept_short_reading) => {
            draft.resume_text = &read.text;
            Err(Error::ReadLittle {
                words: read.words(),
                pages: read.pages,
                text: read.text.clone(),
                others: form_problems(services, &draft, consent),
            })
        }
        read => {
            if let Some(read) = read.as_ref().filter(|_| !pasted) {
                draft.resume_text = &read.text;
            }
            valid_application(services, &draft, consent)
        }
    };
    let verdict = with_declaration(verdict, declared).map(|((candidate, equality), declaration)| Valid {
        candidate,
        equality,
        cv: document.as_ref().map(|d| d.file.clone()),
        declaration,
    });
    (document, verdict)
}

/// The applicant's declaration checked against the job's rules, or its problems: required for
/// a job with rules (nothing to judge eligibility by otherwise), dropped for one without.
async fn declaration_for(
    services: &Services,
    job: JobId,
    declaration: Option<Declaration>,
) -> Result<Result<Option<Declaration>, Vec<ValidationError>>, Error> {
    let Some(terms) = services.job_deadlines.terms(services.store.as_ref(), job).await? else {
        return Err(unknown_job());
    };
    let Some(drive) = terms.drive else {
        return Ok(Ok(None));
    };
    let Some(declaration) = declaration else {
        return Ok(Err(vec![ValidationError::new(
            "declaration",
            "must be given: this job's rules need your date of birth and domicile",
        )]));
    };
    let today = crate::now()
        .with_timezone(&services.web.locale.zone())
        .date_naive();
    Ok(declaration.parse(&drive, today).map(Some))
}

/// The form's verdict with the declaration's problems added to its own.
fn with_declaration<T>(
    verdict: Result<T, Error>,
    declared: Result<Option<Declaration>, Vec<ValidationError>>,
) -> Result<(T, Option<Declaration>), Error> {
    match (verdict, declared) {
        (Ok(valid), Ok(declaration)) => Ok((valid, declaration)),
        (Ok(_), Err(problems)) => Err(Error::Problems(problems)),
        (Err(Error::Problems(mut problems)), Err(more)) => {
            problems.extend(more);
            Err(Error::Problems(problems))
        }
        (
            Err(Error::ReadLittle {
                words,
                pages,
                text,
                mut others,
            }),
            Err(more),
        ) => {
            others.extend(more);
            Err(Error::ReadLittle {
                words,
                pages,
                text,
                others,
            })
        }
        (Err(error), _) => Err(error),
    }
}

/// The candidate and their equality answers, or every problem of the form.
fn valid_application(
    services: &Services,
    draft: &ApplicationDraft<'_>,
    consent: (bool, &std::collections::BTreeMap<String, String>),
) -> Result<(Candidate, pvara_domain::equality::Answers), Error> {
    let problems = form_problems(services, draft, consent);
    if !problems.is_empty() {
        return Err(Error::Problems(problems));
    }
    let equality = services.equality.parse_answers(consent.1)?;
    Ok((Candidate::parse(draft)?, equality))
}

/// The job's closing time, refused if it no longer takes applications.
async fn open_job(services: &Services, job: JobId) -> Result<(), Error> {
    let closes_at = services
        .job_deadlines
        .closes_at(services.store.as_ref(), job)
        .await?
        .ok_or_else(unknown_job)?;
    if !pvara_domain::job::open_at(closes_at, crate::now()) {
        return Err(job_closed());
    }
    Ok(())
}

fn unknown_job() -> Error {
    Error::unprocessable("unknown_job", "no such job", "jobId")
}

fn job_closed() -> Error {
    Error::unprocessable("job_closed", "this job no longer takes applications", "jobId")
}

/// Stores a valid application with its events and counts it.
async fn store_application(
    services: &Services,
    actor: Actor,
    job_id: JobId,
    valid: Valid,
    request_id: Option<&str>,
) -> Result<NewApplication, Error> {
    let store = services.store.as_ref();
    open_job(services, job_id).await?;
    let now = crate::now();
    let application = NewApplication {
        id: ApplicationId::new(),
        reference: references::fresh(),
        job_id,
        applicant_id: actor.id,
        candidate: valid.candidate,
        submitted_at: now,
        consent_version: crate::usecase::privacy::NOTICE_VERSION.to_owned(),
    };
    let messages = to_messages(&application.events(), SOURCE_API, request_id, now)?;
    let mut submission = Submission {
        application,
        cv: valid.cv,
        messages,
        equality: valid.equality,
        declaration: valid.declaration,
    };
    // A reference the store already holds is drawn again (rare: see pvara_domain::reference).
    let mut draws = 1;
    loop {
        match store.submit(submission.clone()).await {
            Err(StoreError::Conflict(REFERENCE_TAKEN)) if draws < references::DRAWS => {
                draws += 1;
                submission.application.reference = references::fresh();
            }
            Err(StoreError::Conflict(_)) => {
                return Err(Error::conflict(
                    "duplicate_application",
                    "you have already applied to this job",
                    Some("jobId"),
                ));
            }
            Err(StoreError::NotFound(_)) => return Err(unknown_job()),
            Err(StoreError::Closed(_)) => return Err(job_closed()),
            Err(other) => return Err(other.into()),
            Ok(()) => break,
        }
    }
    metrics::counter!(crate::metrics::APPLICATIONS_SUBMITTED).increment(1);
    Ok(submission.application)
}

/// The applicant's own application to `job`, if they have applied: the job page and the form
/// say so before anyone fills the form in again.
pub async fn own_for_job(
    store: &dyn Store,
    actor: Actor,
    job: JobId,
) -> Result<Option<pvara_storage::model::OwnApplication>, Error> {
    if actor.role != pvara_domain::user::Role::Applicant {
        return Ok(None);
    }
    Ok(store
        .applications_of(actor.id)
        .await?
        .into_iter()
        .find(|own| own.job_id == job))
}

/// Every problem of an application form, in the form's order: the candidate's fields, the
/// privacy notice (`accepted`) and the equality answers. The one list both `submit` and a page
/// that cannot submit yet (a number it could not read) show.
pub fn form_problems(
    services: &Services,
    draft: &ApplicationDraft<'_>,
    (accepted, equality): (bool, &std::collections::BTreeMap<String, String>),
) -> Vec<ValidationError> {
    let mut problems = Candidate::parse_all(draft).err().unwrap_or_default();
    if !accepted {
        problems.push(ValidationError::new(
            "acceptPrivacyNotice",
            "must be accepted to apply: the privacy notice says how your data is used",
        ));
    }
    if let Err(problem) = services.equality.parse_answers(equality) {
        problems.push(problem);
    }
    problems
}

/// The CV file as read: read now in the sandbox, or as read before.
async fn read_cv(services: &Services, source: Option<CvSource>) -> Result<Option<cv::Document>, Error> {
    match source {
        None => Ok(None),
        Some(CvSource::Read(document)) => Ok(Some(document)),
        Some(CvSource::Upload(upload)) => Ok(Some(cv::extract(&services.cv_sandbox, upload).await?)),
    }
}
