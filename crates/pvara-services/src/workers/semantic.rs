//! Refinement by the language model: `ai-scoring-complete` -> the model refines the rules score ->
//! a new score version + `score-refined`, the status left as it is. A [`Strategy`] of the
//! score-version worker.
//!
//! The rules scorer ranks every application within milliseconds; the model reads about ten CVs a
//! second per process, so this group runs behind and catches up, and more copies of it
//! (`pvara worker semantic`) split the partitions. A refinement applies only while the stored
//! score is still the one it refines, so a redelivered event, or a member racing another during
//! a rebalance, changes nothing.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use pvara_domain::event::{Event, Group, ScoreRefined};
use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::ScoreCard;
use pvara_storage::model::{ScoreRecord, ScoringInput};

use super::score_versions::Strategy;
use super::{Because, WorkerConfig, with_retries};
use crate::semantic::{ModelError, Refiner};

pub const GROUP: Group = pvara_domain::event::SEMANTIC_GROUP;
/// Records per batch at most: a batch is seconds of model time, and a crash or a rebalance
/// repeats the batch in hand.
pub const BATCH: usize = 16;

/// Refines a rules score with the model.
pub struct Refine {
    refiner: Arc<Refiner>,
    config: WorkerConfig,
}

impl std::fmt::Debug for Refine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refine")
            .field("model", &self.refiner.model())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Refine {
    pub fn new(refiner: Arc<Refiner>, config: WorkerConfig) -> Self {
        Self { refiner, config }
    }

    /// The worker configuration this group runs with: the shared one, in smaller batches.
    pub fn config(shared: WorkerConfig) -> WorkerConfig {
        WorkerConfig {
            batch_size: shared.batch_size.min(BATCH),
            ..shared
        }
    }
}

#[async_trait]
impl Strategy for Refine {
    fn group(&self) -> Group {
        GROUP
    }

    fn wanted(&self, event: Event) -> Option<ApplicationId> {
        match event {
            Event::ScoringComplete(data) => Some(data.application_id),
            _ => None,
        }
    }

    /// A score by the rules alone, whose card this build reads.
    fn improves_on(&self, _input: &ScoringInput, stored: &ScoreRecord) -> bool {
        !stored.version().is_refined() && stored.card().is_some()
    }

    /// Runs the model off the async runtime, retrying failures; one outcome each.
    async fn cards(&self, work: &[(ScoringInput, ScoreRecord)]) -> Vec<(Result<ScoreCard, String>, u32)> {
        let work: Vec<(ScoringInput, ScoreCard)> = work
            .iter()
            .filter_map(|(input, stored)| Some((input.clone(), stored.card()?)))
            .collect();
        let refiner = &self.refiner;
        let outcomes = with_retries(&work, &self.config, ("refining", no_result), |batch| async move {
            let refiner = refiner.clone();
            let started = Instant::now();
            let n = batch.len();
            let results = tokio::task::spawn_blocking(move || refiner.refine_many(&batch))
                .await
                .unwrap_or_else(|e| {
                    (0..n)
                        .map(|_| Err(ModelError::Inference(format!("the model's task failed: {e}"))))
                        .collect()
                });
            if n > 0 {
                let each = started.elapsed().as_secs_f64() / n as f64;
                metrics::histogram!(crate::metrics::REFINE_DURATION).record_many(each, n);
            }
            results
        })
        .await;
        outcomes
            .into_iter()
            .map(|(card, attempts)| {
                // The rules score stands; the application stays "pending" for the model.
                if card.is_err() {
                    metrics::counter!(crate::metrics::REFINE_FAILURES).increment(1);
                }
                (card.map_err(|e| crate::ErrorChain(&e).to_string()), attempts)
            })
            .collect()
    }

    fn describe(
        &self,
        input: &ScoringInput,
        stored: &ScoreRecord,
        card: &ScoreCard,
    ) -> (Event, Because<'static>) {
        let event = Event::ScoreRefined(ScoreRefined {
            application_id: input.application_id,
            job_id: input.job.id,
            ai_score: card.total,
            previous_score: stored.total,
            scorer_version: card.scorer_version.clone(),
        });
        let because = Because {
            actor: "system:semantic",
            reason: format!(
                "score refined from {} to {} by {}",
                stored.total, card.total, card.scorer_version
            ),
            source: pvara_storage::outbox::SOURCE_SEMANTIC,
            request_id: None,
        };
        (event, because)
    }

    fn applied(&self, count: usize) {
        metrics::counter!(crate::metrics::REFINED).increment(count as u64);
    }
}

fn no_result() -> ModelError {
    ModelError::Inference("the model gave no result for this application".to_owned())
}
