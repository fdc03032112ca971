//! Closing dates (and national-recruitment rules) of jobs, remembered for a few seconds after a read, so that a burst of
//! submissions does not read its job from the database each time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pvara_domain::ids::JobId;
use pvara_storage::{Store, StoreError};

/// Jobs remembered before the memory starts over (a few MB at most).
const MAX_JOBS: usize = 100_000;

/// How long a closing date read here is believed. A job can be closed (and, with staff editing
/// jobs, reopened or given a new closing date) by any process; this is an early answer only: the
/// store checks the job is open in the submission's own transaction, so a stale "open" costs a
/// refused write, and a stale "closed" at most this long.
const REMEMBERED_FOR: Duration = Duration::from_secs(5);

/// Jobs' closing dates, remembered for [`REMEMBERED_FOR`]. Unknown jobs are not remembered: one
/// may be posted the next moment.
#[derive(Clone, Default)]
pub struct JobDeadlines {
    known: Arc<RwLock<HashMap<JobId, Remembered>>>,
}

/// A job's closing date (if it has one), its national-recruitment rules (if any) and when they
/// were read.
type Remembered = (JobTerms, Instant);

/// What a submission needs to know of its job before writing: until when it takes
/// applications, and the rules an applicant declares facts for.
#[derive(Debug, Clone, Default)]
pub struct JobTerms {
    pub closes_at: Option<DateTime<Utc>>,
    pub drive: Option<Arc<pvara_domain::merit::Drive>>,
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
        Ok(self.terms(store, id).await?.map(|terms| terms.closes_at))
    }

    /// `None` when there is no such job; otherwise its terms.
    pub async fn terms(&self, store: &dyn Store, id: JobId) -> Result<Option<JobTerms>, StoreError> {
        let remembered = self.known.read().ok().and_then(|known| known.get(&id).cloned());
        if let Some((terms, read_at)) = remembered
            && read_at.elapsed() < REMEMBERED_FOR
        {
            return Ok(Some(terms));
        }
        let Some(job) = store.job(id).await? else {
            return Ok(None);
        };
        let terms = JobTerms {
            closes_at: job.closes_at,
            drive: job.requirements.drive.map(Arc::new),
        };
        if let Ok(mut known) = self.known.write() {
            if known.len() >= MAX_JOBS {
                known.clear();
            }
            known.insert(id, (terms.clone(), Instant::now()));
        }
        Ok(Some(terms))
    }
}
