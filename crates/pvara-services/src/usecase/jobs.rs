//! Posting, closing and finding jobs.

use chrono::{DateTime, Utc};
use pvara_domain::ids::JobId;
use pvara_domain::job::{Job, JobDraft};
use pvara_storage::{Store, StoreError};

use super::{Actor, Error};

pub async fn create(store: &dyn Store, actor: Actor, draft: &JobDraft<'_>) -> Result<Job, Error> {
    actor.require_staff()?;
    let job = Job::parse(draft, JobId::new(), actor.id, crate::now())?;
    store.create_job(job.clone()).await?;
    super::audit::record(
        store,
        &actor.audit_name(),
        "job.create",
        format!("job:{}", job.id),
    )
    .await;
    Ok(job)
}

/// Closes a job at once: it takes no more applications, in every API process (the store checks
/// the closing date in the submission's own transaction).
pub async fn close(store: &dyn Store, actor: Actor, id: JobId) -> Result<(), Error> {
    actor.require_staff()?;
    store.close_job(id, crate::now()).await.map_err(|e| match e {
        StoreError::NotFound(_) => Error::NotFound("job"),
        other => other.into(),
    })?;
    super::audit::record(store, &actor.audit_name(), "job.close", format!("job:{id}")).await;
    Ok(())
}

/// Open jobs matching a keyword search and a location, newest first. The board holds hundreds of
/// jobs, not millions, so filtering the open ones in memory is simpler than a query per engine.
pub async fn search(
    store: &dyn Store,
    text: &str,
    location: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Job>, Error> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let location = location.trim().to_lowercase();
    let jobs = store.open_jobs(now, 5_000).await?;
    Ok(jobs
        .into_iter()
        .filter(|job| {
            let haystack = format!(
                "{} {} {}",
                job.title,
                job.description,
                job.requirements.required_skills.join(" ")
            )
            .to_lowercase();
            let place = job.location.as_deref().unwrap_or_default().to_lowercase();
            words.iter().all(|w| haystack.contains(w.as_str())) && place.contains(location.as_str())
        })
        .collect())
}
