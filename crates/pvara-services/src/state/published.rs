//! Published merit lists, kept in memory once read: a published list never changes, and on
//! results day every candidate of a drive reads the same one. Reading 100,000 lines from the
//! database for each visit to the public results page would cost a third of a second of CPU
//! each; from here it costs a lookup.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use pvara_domain::ids::JobId;
use pvara_domain::merit::allocation::Outcome;
use pvara_domain::reference::Reference;

/// One line of the public results: a reference and what it got, never a name.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicLine {
    pub reference: Reference,
    pub position: Option<u32>,
    pub outcome: Outcome,
}

/// The newest published list of a job, as anyone may read it.
#[derive(Debug, Clone)]
pub struct PublicResults {
    pub job_title: String,
    pub version: u32,
    pub fingerprint: String,
    pub published_at: DateTime<Utc>,
    pub lines: Vec<PublicLine>,
    /// The canonical text the fingerprint is of, for anyone to check with `sha256sum`.
    pub canonical: String,
}

/// Lists kept before the memory starts over: a few drives' results days at once.
const MAX_LISTS: usize = 16;

/// A job's list, by job and version.
type Lists = HashMap<(JobId, u32), Arc<PublicResults>>;

/// Published lists by job and version.
#[derive(Clone, Default)]
pub struct PublishedLists {
    known: Arc<RwLock<Lists>>,
}

impl std::fmt::Debug for PublishedLists {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublishedLists").finish_non_exhaustive()
    }
}

impl PublishedLists {
    pub fn get(&self, job: JobId, version: u32) -> Option<Arc<PublicResults>> {
        self.known.read().ok()?.get(&(job, version)).cloned()
    }

    pub fn keep(&self, job: JobId, version: u32, results: Arc<PublicResults>) {
        if let Ok(mut known) = self.known.write() {
            if known.len() >= MAX_LISTS {
                known.clear();
            }
            known.insert((job, version), results);
        }
    }
}
