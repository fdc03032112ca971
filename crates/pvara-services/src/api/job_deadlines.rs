//! Closing dates of jobs, remembered after the first read, so that a submission does not read
//! its job from the database again.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use pvara_domain::ids::JobId;
use pvara_storage::{Store, StoreError};

/// Jobs remembered before the memory starts over (a few MB at most).
const MAX_JOBS: usize = 100_000;

/// A job's closing date is fixed when the job is posted: there is no route that edits or deletes
/// a job. So what one read returned stays true in every process, and a cached answer is never
/// stale. Unknown jobs are not remembered: one may be posted the next moment.
#[derive(Clone, Default)]
pub struct JobDeadlines {
    known: Arc<RwLock<HashMap<JobId, Option<DateTime<Utc>>>>>,
}

impl std::fmt::Debug for JobDeadlines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobDeadlines").finish_non_exhaustive()
    }
}

impl JobDeadlines {
    /// `None` when there is no such job; otherwise the job's closing date, if it has one.
    pub async fn closes_at(
        &self,
        store: &dyn Store,
        id: JobId,
    ) -> Result<Option<Option<DateTime<Utc>>>, StoreError> {
        let remembered = self.known.read().ok().and_then(|known| known.get(&id).copied());
        if let Some(closes_at) = remembered {
            return Ok(Some(closes_at));
        }
        let Some(job) = store.job(id).await? else {
            return Ok(None);
        };
        if let Ok(mut known) = self.known.write() {
            if known.len() >= MAX_JOBS {
                known.clear();
            }
            known.insert(id, job.closes_at);
        }
        Ok(Some(job.closes_at))
    }
}
