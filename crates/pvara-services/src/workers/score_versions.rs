//! The score-version worker: one loop for every worker that puts a new version of a score in
//! place of the stored one while the application's status stays as it is, with a [`Strategy`]
//! for what makes the new score. Two strategies run today: re-scoring by the rules after a
//! rubric change ([`super::rescore`]) and refinement by the language model
//! ([`super::semantic`]).
//!
//! What the loop does for every strategy, once: decode the batch (dead-lettering what does not
//! decode), read each application once, keep only the scores a worker may replace (one rule:
//! not erased, not final, not a person's; [`pvara_storage::model::ScoringInput::replaceable_score`])
//! that the strategy improves on, make the new cards, and write each as a conditional score
//! version (applied only while the stored score is still the one it replaces, so a redelivery or
//! a racing member changes nothing) with its history row and event, in one transaction with the
//! group's positions.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use pvara_domain::event::{Event, Group};
use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::ScoreCard;
use pvara_storage::Store;
use pvara_storage::model::{Checkpoint, Record, ScoreRecord, ScoringInput, WorkBatch};

use super::{BatchHandler, Because, WorkerError, decode_batch, new_score_version};

/// What makes a new score version.
#[async_trait]
pub trait Strategy: Send + Sync + 'static {
    /// The consumer group it runs as, and the topic that group reads.
    fn group(&self) -> Group;
    /// The application an event of that topic asks about.
    fn wanted(&self, event: Event) -> Option<ApplicationId>;
    /// Whether it has something better than `stored` (a score a worker may replace).
    fn improves_on(&self, input: &ScoringInput, stored: &ScoreRecord) -> bool;
    /// A new card for each of `work`, in order, and the attempts each took.
    async fn cards(&self, work: &[(ScoringInput, ScoreRecord)]) -> Vec<(Result<ScoreCard, String>, u32)>;
    /// The new version's event, and who made it and why, for its history.
    fn describe(
        &self,
        input: &ScoringInput,
        stored: &ScoreRecord,
        card: &ScoreCard,
    ) -> (Event, Because<'static>);
    /// After the batch committed: how many new versions were applied.
    fn applied(&self, _count: usize) {}
}

pub struct ScoreVersionWorker<S> {
    store: Arc<dyn Store>,
    strategy: S,
}

impl<S> std::fmt::Debug for ScoreVersionWorker<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoreVersionWorker").finish_non_exhaustive()
    }
}

impl<S: Strategy> ScoreVersionWorker<S> {
    pub fn new(store: Arc<dyn Store>, strategy: S) -> Self {
        Self { store, strategy }
    }
}

#[async_trait]
impl<S: Strategy> BatchHandler for ScoreVersionWorker<S> {
    fn group(&self) -> &'static str {
        self.strategy.group().name
    }

    fn topic(&self) -> &'static str {
        self.strategy.group().topic.name()
    }

    #[tracing::instrument(name = "score_version_batch", skip_all, fields(group = self.group(), records = records.len()))]
    async fn handle(&self, records: &[Record], checkpoint: Option<Checkpoint>) -> Result<(), WorkerError> {
        let mut dead_letters = Vec::new();
        let decoded = decode_batch(records, |event| self.strategy.wanted(event), &mut dead_letters);
        let mut seen = HashSet::new();
        let mut wanted: Vec<(ApplicationId, Option<String>)> = Vec::new();
        for (_, envelope, id) in decoded {
            if seen.insert(id) {
                wanted.push((id, envelope.request_id));
            }
        }
        let ids: Vec<ApplicationId> = wanted.iter().map(|(id, _)| *id).collect();
        let mut inputs = super::inputs_by_id(self.store.as_ref(), &ids).await?;
        let mut work: Vec<(ScoringInput, ScoreRecord)> = Vec::new();
        let mut request_ids: Vec<Option<String>> = Vec::new();
        for (id, request_id) in wanted {
            let Some(input) = inputs.remove(&id) else { continue };
            let Some(stored) = input.replaceable_score().cloned() else {
                continue;
            };
            if self.strategy.improves_on(&input, &stored) {
                work.push((input, stored));
                request_ids.push(request_id);
            }
        }
        let cards = self.strategy.cards(&work).await;
        let mut rescores = Vec::with_capacity(work.len());
        for (((input, stored), request_id), (card, attempts)) in work.iter().zip(&request_ids).zip(cards) {
            match card {
                Ok(card) => {
                    let (event, because) = self.strategy.describe(input, stored, &card);
                    let because = Because {
                        request_id: request_id.as_deref(),
                        ..because
                    };
                    rescores.push(new_score_version((input, stored, &card), because, event)?);
                }
                // The stored score stands, and says which scorer made it.
                Err(error) => tracing::error!(group = self.group(), application = %input.application_id,
                    attempts, %error, "no new score version; the stored score stands"),
            }
        }
        let applied = self
            .store
            .apply_batch(WorkBatch {
                rescores,
                messages: dead_letters,
                checkpoint,
                ..Default::default()
            })
            .await?;
        self.strategy
            .applied(applied.rescores.iter().filter(|a| **a).count());
        Ok(())
    }
}
