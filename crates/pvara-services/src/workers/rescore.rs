//! The re-scoring worker: `rescore-requested` (a job's rubric changed) -> the application scored
//! again by the same [`Scorer`] under the job's current rubric -> a new score version, its
//! history row ("62 -> 55") and `ai-scoring-complete`, so the semantic group refines it again.
//!
//! Idempotent per application and rubric version: an application whose score is already by the
//! job's current rubric is left alone, and the new score applies only while the stored one is
//! the one it replaces.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use pvara_domain::event::{Event, RESCORE_GROUP, Scored};
use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::ScoreCard;
use pvara_storage::Store;
use pvara_storage::model::{Checkpoint, Record, Rescore, ScoreRecord, ScoringInput, WorkBatch};

use super::{BatchHandler, WorkerConfig, WorkerError, decode_batch, with_retries};
use crate::scorer::{Scorer, scorer_view};
use pvara_storage::outbox::SOURCE_SCORING;

const ACTOR: &str = "system:rescore";

pub struct RescoreWorker {
    store: Arc<dyn Store>,
    scorer: Arc<dyn Scorer>,
    config: WorkerConfig,
}

impl std::fmt::Debug for RescoreWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RescoreWorker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl RescoreWorker {
    pub fn new(store: Arc<dyn Store>, scorer: Arc<dyn Scorer>, config: WorkerConfig) -> Self {
        Self {
            store,
            scorer,
            config,
        }
    }
}

/// A scored application whose score is not yet by its job's current rubric, with that score,
/// if a worker may replace it (one rule for every worker: not erased, not final, not a
/// person's).
fn stale(input: ScoringInput) -> Option<(ScoringInput, ScoreRecord)> {
    let score = input.replaceable_score()?.clone();
    let current = input.job.requirements.rubric.version;
    (!score.version().is_current_for(current)).then_some((input, score))
}

fn rescore(
    input: &ScoringInput,
    stored: &ScoreRecord,
    card: &ScoreCard,
    request_id: Option<&str>,
) -> Result<Rescore, WorkerError> {
    let event = Event::ScoringComplete(Scored {
        application_id: input.application_id,
        job_id: input.job.id,
        status: input.status,
        ai_score: card.total,
        scorer_version: card.scorer_version.clone(),
    });
    let because = super::Because {
        actor: ACTOR,
        reason: format!(
            "re-scored from {} to {} under rubric {}",
            stored.total, card.total, card.rubric_version
        ),
        source: SOURCE_SCORING,
        request_id,
    };
    super::new_score_version((input, stored, card), because, event)
}

#[async_trait]
impl BatchHandler for RescoreWorker {
    fn group(&self) -> &'static str {
        RESCORE_GROUP.name
    }

    fn topic(&self) -> &'static str {
        RESCORE_GROUP.topic.name()
    }

    #[tracing::instrument(name = "rescore_batch", skip_all, fields(records = records.len()))]
    async fn handle(&self, records: &[Record], checkpoint: Option<Checkpoint>) -> Result<(), WorkerError> {
        let mut dead_letters = Vec::new();
        let requested = decode_batch(
            records,
            |event| match event {
                Event::RescoreRequested(data) => Some(data),
                _ => None,
            },
            &mut dead_letters,
        );
        let mut wanted: HashMap<ApplicationId, Option<String>> = HashMap::new();
        for (_, envelope, data) in requested {
            wanted.entry(data.application_id).or_insert(envelope.request_id);
        }
        let ids: Vec<ApplicationId> = wanted.keys().copied().collect();
        let pending: Vec<(ScoringInput, ScoreRecord)> = super::inputs_by_id(self.store.as_ref(), &ids)
            .await?
            .into_values()
            .filter_map(stale)
            .collect();
        let inputs: Vec<ScoringInput> = pending.iter().map(|(input, _)| scorer_view(input)).collect();
        let scorer = &self.scorer;
        let outcomes = with_retries(
            &inputs,
            &self.config,
            ("rescoring", crate::scorer::no_score),
            |batch| async move { scorer.score_batch(&batch).await },
        )
        .await;
        let mut rescores = Vec::with_capacity(pending.len());
        for ((input, stored), (outcome, attempts)) in pending.iter().zip(outcomes) {
            match outcome {
                Ok(card) => {
                    let request_id = wanted.get(&input.application_id).cloned().flatten();
                    rescores.push(rescore(input, stored, &card, request_id.as_deref())?);
                }
                // The old score stands, and says which rubric made it.
                Err(error) => tracing::error!(application = %input.application_id, attempts, %error,
                    "re-scoring failed; the previous score stands"),
            }
        }
        self.store
            .apply_batch(WorkBatch {
                rescores,
                messages: dead_letters,
                checkpoint,
                ..Default::default()
            })
            .await?;
        Ok(())
    }
}
