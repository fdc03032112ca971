//! Representations: a candidate's one objection to a published merit list, filed within the
//! job's window, and a committee member's written decision, mailed to the candidate. A decision
//! that changes marks is followed by new marks and a new list version, approved by two people
//! as every version is.

use pvara_domain::ValidationError;
use pvara_domain::event::{EmailRequested, Event, MailTemplate};
use pvara_domain::ids::{ApplicationId, JobId};
use pvara_domain::validation::required_text;
use pvara_storage::merit::{RepresentationDecision, RepresentationRecord, RepresentationsOf};
use pvara_storage::outbox::{SOURCE_API, to_messages};
use pvara_storage::{Store, StoreError};
use uuid::Uuid;

use super::super::{Actor, Error, audit};
use super::lists::own_result;

/// The longest representation and the longest reason.
const MAX_TEXT: usize = 5_000;

/// Files the applicant's representation against the newest published list of their job.
pub async fn file(
    store: &dyn Store,
    actor: Actor,
    application: ApplicationId,
    text: &str,
) -> Result<RepresentationRecord, Error> {
    actor.require_applicant()?;
    let text = required_text("text", text, MAX_TEXT)?;
    let result = own_result(store, actor, application).await?.ok_or_else(|| {
        Error::conflict(
            "no_result",
            "there is no published result to make a representation about",
            None,
        )
    })?;
    let now = crate::now();
    if now > result.representations_until {
        return Err(Error::conflict(
            "window_closed",
            "the time for representations against this list has passed",
            None,
        ));
    }
    let representation = RepresentationRecord {
        id: Uuid::now_v7(),
        application,
        job: result.head.job,
        list_version: result.head.version,
        text,
        filed_at: now,
        decision: None,
    };
    store
        .file_representation(representation.clone())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => Error::conflict(
                "duplicate_representation",
                "you have already made a representation about this list",
                Some("text"),
            ),
            other => other.into(),
        })?;
    let subject = format!("application:{application}/representation:{}", representation.id);
    audit::record(store, &actor.audit_name(), "merit.representation", subject).await;
    Ok(representation)
}

/// Decides a representation with a written reason (staff: the committee), and mails the
/// candidate in the same transaction.
pub async fn decide(
    store: &dyn Store,
    actor: Actor,
    id: Uuid,
    upheld: bool,
    reason: &str,
    request_id: Option<&str>,
) -> Result<RepresentationRecord, Error> {
    actor.require_staff()?;
    let reason = required_text("reason", reason, MAX_TEXT)
        .map_err(|_| ValidationError::new("reason", "must give the reason for the decision, in writing"))?;
    let mut representation = store
        .representation(id)
        .await?
        .ok_or(Error::NotFound("representation"))?;
    let now = crate::now();
    let event = Event::EmailRequested(EmailRequested {
        application_id: representation.application,
        job_id: representation.job,
        template: MailTemplate::RepresentationDecided,
        panelist: None,
    });
    let messages = to_messages(&[event], SOURCE_API, request_id, now)?;
    let decision = RepresentationDecision {
        by: actor.id,
        at: now,
        upheld,
        reason,
    };
    store
        .decide_representation(id, decision.clone(), messages)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                Error::conflict("decided", "this representation is decided already", None)
            }
            other => other.into(),
        })?;
    let action = if upheld {
        "merit.representation_upheld"
    } else {
        "merit.representation_rejected"
    };
    audit::record(store, &actor.audit_name(), action, format!("representation:{id}")).await;
    representation.decision = Some(decision);
    Ok(representation)
}

/// A job's representations, oldest first (staff).
pub async fn of_job(store: &dyn Store, actor: Actor, job: JobId) -> Result<Vec<RepresentationRecord>, Error> {
    actor.require_staff()?;
    Ok(store.representations(RepresentationsOf::Job(job)).await?)
}

/// An application's representations: its applicant's own, or any for staff.
pub async fn of_application(
    store: &dyn Store,
    actor: Actor,
    application: ApplicationId,
) -> Result<Vec<RepresentationRecord>, Error> {
    let (owner, _, _) = store
        .application_owner(application)
        .await?
        .ok_or(Error::NotFound("application"))?;
    if owner != actor.id && !actor.role.works_here() {
        return Err(Error::NotFound("application"));
    }
    Ok(store
        .representations(RepresentationsOf::Application(application))
        .await?)
}
