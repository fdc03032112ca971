//! Reports on a job for its recruiters and auditors, computed from the applications' histories.

use pvara_domain::ids::JobId;
use pvara_domain::job::Job;
use pvara_domain::report::{Funnel, funnel as funnel_of};
use pvara_storage::Store;

use super::{Actor, Error};

/// The job's funnel: how many applications reached each stage, the conversion between stages,
/// and the median time spent in each, exactly as the histories say.
pub async fn funnel(store: &dyn Store, actor: Actor, job: JobId) -> Result<(Job, Funnel), Error> {
    actor.require_staff()?;
    let found = store.job(job).await?.ok_or(Error::NotFound("job"))?;
    let histories = store.job_histories(job).await?;
    Ok((found, funnel_of(&histories)))
}
