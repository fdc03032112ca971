//! The semantic worker: `ai-scoring-complete` -> the model refines the rules score -> a new
//! score version + `score-refined`, the status left as it is.
//!
//! The rules scorer ranks every application within milliseconds; the model reads about ten CVs a
//! second per process, so this group runs behind and catches up, and more copies of it
//! (`pvara worker semantic`) split the partitions. A refinement applies only while the stored
//! score is still the one it refines, so a redelivered event, or a member racing another during
//! a rebalance, changes nothing.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use pvara_domain::event::{Event, ScoreRefined};
use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::ScoreCard;
use pvara_storage::Store;
use pvara_storage::model::{Checkpoint, Record, Rescore, ScoreRecord, ScoringInput, WorkBatch};

use super::{BatchHandler, WorkerConfig, WorkerError, decode_batch, with_retries};
use crate::semantic::{ModelError, Refiner};
use pvara_storage::outbox::SOURCE_SEMANTIC;

pub const GROUP: pvara_domain::event::Group = pvara_domain::event::SEMANTIC_GROUP;
const ACTOR: &str = "system:semantic";
/// Records per batch at most: a batch is seconds of model time, and a crash or a rebalance
/// repeats the batch in hand.
pub const BATCH: usize = 16;

pub struct SemanticWorker {
    store: Arc<dyn Store>,
    refiner: Arc<Refiner>,
    config: WorkerConfig,
}

impl std::fmt::Debug for SemanticWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SemanticWorker")
            .field("model", &self.refiner.model())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SemanticWorker {
    /// Runs the model over `work` off the async runtime, retrying failures; one outcome each.
    async fn refine_all(
        &self,
        work: &[(ScoringInput, ScoreCard)],
    ) -> Vec<(Result<ScoreCard, ModelError>, u32)> {
        let refiner = &self.refiner;
        with_retries(work, &self.config, ("refining", no_result), |batch| async move {
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
        .await
    }

    pub fn new(store: Arc<dyn Store>, refiner: Arc<Refiner>, config: WorkerConfig) -> Self {
        Self {
            store,
            refiner,
            config,
        }
    }

    /// The worker configuration this group runs with: the shared one, in smaller batches.
    pub fn config(shared: WorkerConfig) -> WorkerConfig {
        WorkerConfig {
            batch_size: shared.batch_size.min(BATCH),
            ..shared
        }
    }
}

/// An application still scored by the rules alone, with its card: what there is to refine.
/// Whatever no worker may replace (erased, final, a person's: one rule for every worker) and
/// refined ones are left alone.
fn refinable(input: ScoringInput) -> Option<(ScoringInput, ScoreRecord, ScoreCard)> {
    let score = input.replaceable_score()?.clone();
    if score.version().is_refined() {
        return None;
    }
    let card = score.card()?;
    Some((input, score, card))
}

fn rescore(
    input: &ScoringInput,
    stored: &ScoreRecord,
    card: &ScoreCard,
    request_id: Option<&str>,
) -> Result<Rescore, WorkerError> {
    let event = Event::ScoreRefined(ScoreRefined {
        application_id: input.application_id,
        job_id: input.job.id,
        ai_score: card.total,
        previous_score: stored.total,
        scorer_version: card.scorer_version.clone(),
    });
    let because = super::Because {
        actor: ACTOR,
        reason: format!(
            "score refined from {} to {} by {}",
            stored.total, card.total, card.scorer_version
        ),
        source: SOURCE_SEMANTIC,
        request_id,
    };
    super::new_score_version((input, stored, card), because, event)
}

#[async_trait]
impl BatchHandler for SemanticWorker {
    fn group(&self) -> &'static str {
        GROUP.name
    }

    fn topic(&self) -> &'static str {
        GROUP.topic.name()
    }

    #[tracing::instrument(name = "semantic_batch", skip_all, fields(records = records.len()))]
    async fn handle(&self, records: &[Record], checkpoint: Option<Checkpoint>) -> Result<(), WorkerError> {
        let mut dead_letters = Vec::new();
        let scored = decode_batch(
            records,
            |event| match event {
                Event::ScoringComplete(data) => Some(data),
                _ => None,
            },
            &mut dead_letters,
        );
        let mut seen = HashSet::new();
        let mut wanted: Vec<(ApplicationId, Option<String>)> = Vec::new();
        for (_, envelope, data) in scored {
            if seen.insert(data.application_id) {
                wanted.push((data.application_id, envelope.request_id));
            }
        }
        let ids: Vec<ApplicationId> = wanted.iter().map(|(id, _)| *id).collect();
        let mut inputs = super::inputs_by_id(self.store.as_ref(), &ids).await?;
        let pending: Vec<(ScoringInput, ScoreRecord, ScoreCard, Option<String>)> = wanted
            .into_iter()
            .filter_map(|(id, request_id)| {
                let (input, score, card) = refinable(inputs.remove(&id)?)?;
                Some((input, score, card, request_id))
            })
            .collect();
        let work: Vec<(ScoringInput, ScoreCard)> = pending
            .iter()
            .map(|(i, _, c, _)| (i.clone(), c.clone()))
            .collect();
        let outcomes = self.refine_all(&work).await;
        let mut rescores = Vec::with_capacity(pending.len());
        for ((input, stored, _, request_id), (outcome, attempts)) in pending.iter().zip(outcomes) {
            match outcome {
                Ok(card) => rescores.push(rescore(input, stored, &card, request_id.as_deref())?),
                Err(error) => {
                    // The rules score stands; the application stays "pending" for the model.
                    metrics::counter!(crate::metrics::REFINE_FAILURES).increment(1);
                    tracing::error!(application = %input.application_id, attempts, error = %crate::ErrorChain(&error),
                        "the model could not refine this score; the rules score stands");
                }
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
        let refined = applied.rescores.iter().filter(|a| **a).count();
        metrics::counter!(crate::metrics::REFINED).increment(refined as u64);
        Ok(())
    }
}

fn no_result() -> ModelError {
    ModelError::Inference("the model gave no result for this application".to_owned())
}
