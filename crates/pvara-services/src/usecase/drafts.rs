//! The apply page's draft: what the candidate typed and the CV file as read, kept between the
//! form and "Check your answers" (and across a form that came back with problems), so a chosen
//! file is read once and never chosen twice. The JSON API has no drafts: a client sends the
//! whole application in one request.

use chrono::Duration;
use pvara_domain::ids::JobId;
use pvara_storage::drafts::{ApplicationDraftRecord, DraftCv};

use super::{Actor, Error};
use crate::cv::Document;
use crate::state::Services;

/// How long a draft is kept after its last save: a working day, for a candidate who signs in
/// again; then it is swept with its file ([`crate::retention::sweep_drafts`]).
pub const KEPT_FOR_HOURS: i64 = 24;

/// A draft as the page keeps it.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The form as typed, in the page's JSON.
    pub form: String,
    pub cv: Option<Document>,
}

fn expired() -> chrono::DateTime<chrono::Utc> {
    crate::now() - Duration::hours(KEPT_FOR_HOURS)
}

/// The applicant's draft for `job`, if one was saved within [`KEPT_FOR_HOURS`].
pub async fn load(services: &Services, actor: Actor, job: JobId) -> Result<Option<Draft>, Error> {
    actor.require_applicant()?;
    let found = services.store.draft(actor.id, job, expired()).await?;
    Ok(found.map(|record| Draft {
        form: record.form,
        cv: record.cv.map(|cv| Document {
            text: cv.text,
            file: cv.file,
            pages: cv.pages,
        }),
    }))
}

/// Keeps the applicant's draft for `job` in place of any before.
pub async fn save(services: &Services, actor: Actor, job: JobId, draft: Draft) -> Result<(), Error> {
    actor.require_applicant()?;
    let record = ApplicationDraftRecord {
        user_id: actor.id,
        job_id: job,
        saved_at: pvara_domain::time::to_stored_precision(crate::now()),
        form: draft.form,
        cv: draft.cv.map(|document| DraftCv {
            file: document.file,
            text: document.text,
            pages: document.pages,
        }),
    };
    services.store.save_draft(record).await?;
    Ok(())
}

/// Forgets the draft, once its application is sent.
pub async fn discard(services: &Services, actor: Actor, job: JobId) -> Result<(), Error> {
    services.store.delete_draft(actor.id, job).await?;
    Ok(())
}

/// Removes every draft past [`KEPT_FOR_HOURS`], with its file; returns how many.
pub async fn sweep(store: &dyn pvara_storage::Store) -> Result<u64, Error> {
    Ok(store.delete_drafts_before(expired()).await?)
}
