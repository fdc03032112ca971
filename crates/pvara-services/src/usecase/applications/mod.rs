//! Applications: submit ([`submission`]), act on, withdraw, annotate.

use pvara_domain::application::{Candidate, NoteText};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::pipeline::Step;
use pvara_domain::stages::Stages;
use pvara_domain::status::{ActionBy, Status};
use pvara_storage::model::{ApplicationRecord, ApplicationSummary, CvFile, NewNote, Transition};
use pvara_storage::{Store, StoreError};

use super::{Actor, Error, audit};
use pvara_storage::outbox::{SOURCE_API, to_messages};

mod submission;
pub use submission::{Checked, CvSource, SubmitInput, check, form_problems, own_for_job, submit};

/// What a step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepOutcome {
    pub id: ApplicationId,
    pub job_id: JobId,
    pub previous_status: Status,
    pub status: Status,
}

/// Takes one step on an application: staff for the pipeline, the applicant themselves for a
/// withdrawal or an answer to an offer ([`pvara_domain::status::Action::actor`] says who). Checked against the
/// lifecycle, applied with its history entry and events in one transaction conditional on the
/// status it was checked against.
///
/// If the scorer moved the application out of Submitted meanwhile, the step is checked again
/// against the new status: scoring is not a decision the person acting should have seen first.
/// Any other concurrent change (another person's step, the offer expiring) refuses, so two
/// people acting at once cannot both succeed.
pub async fn step(
    store: &dyn Store,
    actor: Actor,
    id: ApplicationId,
    step: &Step,
    request_id: Option<&str>,
) -> Result<StepOutcome, Error> {
    let by_applicant = match step.action().actor() {
        ActionBy::Staff => {
            actor.require_works_here()?;
            false
        }
        ActionBy::Applicant if actor.role.works_here() => {
            return Err(Error::Forbidden(
                "only the applicant may withdraw an application or answer its offer",
            ));
        }
        ActionBy::Applicant => true,
        ActionBy::System => return Err(Error::Forbidden("only pvara itself takes this step")),
    };
    let (owner, job_id, from) = store
        .application_owner(id)
        .await?
        .ok_or(Error::NotFound("application"))?;
    if by_applicant && owner != actor.id {
        // Someone else's application is as good as missing.
        return Err(Error::NotFound("application"));
    }
    let job = store.job(job_id).await?;
    if !by_applicant && !job.as_ref().is_some_and(|j| super::panel::decides_on(&actor, j)) {
        return Err(Error::Forbidden(
            "only recruiters, admins and the job's hiring manager may decide on its candidates",
        ));
    }
    super::offers::check_answerable(store, id, step, crate::now()).await?;
    let stages = job.map(|job| job.requirements.stages).unwrap_or_default();
    let rounds = match step {
        Step::ScheduleInterview(interview) => {
            (super::panel::current_round(store, id).await?, interview.round)
        }
        Step::ExtendOffer(_) => (super::panel::current_round(store, id).await?, 1),
        _ => (None, 1),
    };
    let who = actor.id.to_string();
    let path = (who.as_str(), stages, rounds);
    let attempt = match try_step(store, path, (id, job_id, from), step, request_id).await {
        Err(Attempt::Stale) if from == Status::Submitted => {
            let (_, _, now_in) = store
                .application_owner(id)
                .await?
                .ok_or(Error::NotFound("application"))?;
            try_step(store, path, (id, job_id, now_in), step, request_id).await
        }
        other => other,
    };
    let done = attempt.map_err(|refused| match refused {
        Attempt::Stale => Error::conflict(
            "invalid_transition",
            "the application's status changed meanwhile; reload it",
            None,
        ),
        Attempt::Refused(error) => error,
    })?;
    let action = format!(
        "application.{}",
        done.status.as_str().to_lowercase().replace(' ', "_")
    );
    audit::record(store, &actor.audit_name(), &action, format!("application:{id}")).await;
    Ok(done)
}

/// Why one attempt of a step did not happen.
pub(super) enum Attempt {
    /// The application was no longer in the status the step was checked against.
    Stale,
    Refused(Error),
}

impl From<Error> for Attempt {
    fn from(error: Error) -> Self {
        Attempt::Refused(error)
    }
}

/// One attempt of [`step`] from the status `from`, by `actor` (a user id, or `system:<worker>`),
/// on a job with `stages`, with the interview rounds (the latest so far, the one asked for; see
/// [`Stages::check`]).
pub(super) async fn try_step(
    store: &dyn Store,
    (actor, stages, rounds): (&str, Stages, (Option<u8>, u8)),
    (id, job_id, from): (ApplicationId, JobId, Status),
    step: &Step,
    request_id: Option<&str>,
) -> Result<StepOutcome, Attempt> {
    let to = stages
        .check(from, step.action(), rounds)
        .map_err(|refused| Error::conflict("invalid_transition", refused.to_string(), None))?;
    let now = crate::now();
    let messages =
        to_messages(&step.events(id, job_id, to), SOURCE_API, request_id, now).map_err(Error::from)?;
    store
        .transition(Transition {
            application_id: id,
            job_id,
            from,
            to,
            actor: actor.to_owned(),
            reason: step.reason(),
            details: Some(step.details()),
            at: now,
            score: None,
            messages,
        })
        .await
        .map_err(|e| match e {
            StoreError::StaleStatus => Attempt::Stale,
            StoreError::NotFound(_) => Attempt::Refused(Error::NotFound("application")),
            other => Attempt::Refused(other.into()),
        })?;
    Ok(StepOutcome {
        id,
        job_id,
        previous_status: from,
        status: to,
    })
}

/// What a bulk action did: each application is its own transaction, so one that cannot take the
/// step is skipped with its reason and the others go ahead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkReport {
    pub done: usize,
    pub skipped: Vec<(ApplicationId, String)>,
}

pub async fn bulk(
    store: &dyn Store,
    actor: Actor,
    ids: &[ApplicationId],
    action: &Step,
    request_id: Option<&str>,
) -> Result<BulkReport, Error> {
    actor.require_works_here()?;
    let mut report = BulkReport::default();
    for &id in ids {
        match step(store, actor, id, action, request_id).await {
            Ok(_) => report.done += 1,
            Err(error @ (Error::Conflict { .. } | Error::NotFound(_))) => {
                report.skipped.push((id, error.to_string()));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(report)
}

pub async fn add_note(store: &dyn Store, actor: Actor, id: ApplicationId, text: &str) -> Result<(), Error> {
    actor.require_staff()?;
    let body = NoteText::parse(text)?;
    store
        .add_note(NewNote {
            application_id: id,
            author: actor.id,
            body: body.as_str().to_owned(),
            at: crate::now(),
        })
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => Error::NotFound("application"),
            other => other.into(),
        })?;
    audit::record(
        store,
        &actor.audit_name(),
        "application.note",
        format!("application:{id}"),
    )
    .await;
    Ok(())
}

/// An application as its applicant, or someone who works here and has a part in it (see
/// [`super::panel::access`]), sees it. A staff read is recorded in the audit trail before the
/// data is returned; anyone else gets not-found.
pub async fn view(store: &dyn Store, actor: Actor, id: ApplicationId) -> Result<ApplicationDetail, Error> {
    let mut record = store
        .application(id)
        .await?
        .ok_or(Error::NotFound("application"))?;
    let mut identity_hidden = false;
    let mut job = None;
    let mut access = None;
    if actor.role.works_here() {
        job = store.job(record.job_id).await?;
        access = match &job {
            Some(j) => super::panel::access(store, &actor, j, id).await?,
            None => None,
        };
        if access.is_none() {
            return Err(Error::NotFound("application"));
        }
        audit::record_read(store, actor, "application.read", format!("application:{id}")).await?;
        identity_hidden = job
            .as_ref()
            .is_some_and(|j| j.requirements.hides_identity(record.status));
        if identity_hidden {
            // The card quotes the CV (the passages the model read): withheld there too.
            if let Some(score) = record.score.as_mut() {
                withhold_in_json(&mut score.breakdown, &record.candidate);
            }
            record.candidate = record.candidate.name_blind(&pseudonym(id));
            record.cv_file_name = None;
            // No id that links this application to the person's others (or to their account).
            let person = record.applicant_id.to_string();
            record.applicant_id = pseudonymous_applicant(id);
            for entry in &mut record.history {
                if entry.actor == person {
                    entry.actor = "applicant".to_owned();
                }
            }
        }
    }
    if !actor.role.works_here() && record.applicant_id != actor.id {
        return Err(Error::NotFound("application"));
    }
    let mut mail = store.deliveries(id).await?;
    if access.is_none() {
        // The panel's invitations are theirs, not the candidate's.
        mail.retain(|d| d.template != pvara_domain::event::MailTemplate::PanelInvitation.as_str());
    }
    Ok(ApplicationDetail {
        record,
        mail,
        identity_hidden,
        job,
        access,
    })
}

/// Every string in `value` with the candidate's identity withheld.
fn withhold_in_json(value: &mut serde_json::Value, candidate: &Candidate) {
    match value {
        serde_json::Value::String(text) => *text = candidate.withhold_identity_in(text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| withhold_in_json(v, candidate)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| withhold_in_json(v, candidate)),
        _ => {}
    }
}

/// What staff call a candidate whose name is withheld: the random end of the application id.
pub fn pseudonym(id: ApplicationId) -> String {
    let id = id.to_string();
    format!("Candidate {}", id[id.len().saturating_sub(6)..].to_uppercase())
}

/// The applicant's id as staff see it under name-blind sifting: derived from the application
/// alone (a UUIDv5 of its id), so the same person's applications do not share it.
pub fn pseudonymous_applicant(id: ApplicationId) -> UserId {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x7076_6172_612d_626c_696e_642d_6170_706c);
    UserId(uuid::Uuid::new_v5(&NAMESPACE, id.0.as_bytes()))
}

/// Whether staff see an application of `job` in `status` without the candidate's identity.
async fn hides_identity(store: &dyn Store, job: JobId, status: Status) -> Result<bool, Error> {
    Ok(store
        .job(job)
        .await?
        .is_some_and(|j| j.requirements.hides_identity(status)))
}

/// A page of applications matching `query`, as `actor` may list them: recruiters and admins any
/// job's, a hiring manager their own job's (the query must name it); names withheld under
/// name-blind sifting.
pub async fn list(
    store: &dyn Store,
    actor: Actor,
    query: &pvara_storage::model::ApplicationQuery,
) -> Result<Vec<ApplicationSummary>, Error> {
    actor.require_works_here()?;
    if !actor.role.is_staff() {
        let job = match query.job_id {
            Some(job) => store.job(job).await?,
            None => None,
        };
        if !job.is_some_and(|j| super::panel::decides_on(&actor, &j)) {
            return Err(Error::Forbidden(
                "recruiters and admins list every application; a hiring manager lists their own job's (give jobId)",
            ));
        }
    }
    let mut page = store.list_applications(query).await?;
    blind_page(store, &mut page).await?;
    Ok(page)
}

/// A page of applications as staff see it: under name-blind sifting, pseudonyms for the names.
pub async fn blind_page(store: &dyn Store, page: &mut [ApplicationSummary]) -> Result<(), Error> {
    let mut jobs: std::collections::HashMap<JobId, Option<pvara_domain::job::Requirements>> =
        std::collections::HashMap::new();
    for summary in page.iter_mut() {
        if let std::collections::hash_map::Entry::Vacant(entry) = jobs.entry(summary.job_id) {
            entry.insert(store.job(summary.job_id).await?.map(|j| j.requirements));
        }
        let hidden = jobs
            .get(&summary.job_id)
            .and_then(Option::as_ref)
            .is_some_and(|r| r.hides_identity(summary.status));
        if hidden {
            summary.full_name = pseudonym(summary.id);
        }
    }
    Ok(())
}

/// An application with the mail sent about it: what the relay accepted, and what it refused
/// for good, with its reply.
#[derive(Debug, Clone)]
pub struct ApplicationDetail {
    pub record: ApplicationRecord,
    pub mail: Vec<pvara_storage::model::Delivery>,
    /// Name-blind sifting withheld the candidate's identity from this staff reader.
    pub identity_hidden: bool,
    /// The application's job, read for a staff reader (whose pages show it).
    pub job: Option<pvara_domain::job::Job>,
    /// What a reader who works here may do with it (none for the applicant).
    pub access: Option<super::panel::Access>,
}

/// The original CV file, for staff and for the applicant who sent it.
pub async fn cv_file(store: &dyn Store, actor: Actor, id: ApplicationId) -> Result<CvFile, Error> {
    let (owner, job, status) = store
        .application_owner(id)
        .await?
        .ok_or(Error::NotFound("application"))?;
    let staff_read = actor.role.works_here();
    if staff_read {
        let part = match store.job(job).await? {
            Some(j) => super::panel::access(store, &actor, &j, id).await?,
            None => None,
        };
        if part.is_none() {
            return Err(Error::NotFound("application"));
        }
    } else if owner != actor.id {
        return Err(Error::NotFound("application"));
    }
    if staff_read && hides_identity(store, job, status).await? {
        return Err(Error::Forbidden(
            "name-blind sifting: the CV file is shown once an interview is scheduled",
        ));
    }
    let file = store.cv_file(id).await?.ok_or(Error::NotFound("CV file"))?;
    if staff_read {
        audit::record_read(store, actor, "application.cv.read", format!("application:{id}")).await?;
    }
    Ok(file)
}
