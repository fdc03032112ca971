//! The scorer behind the scoring worker.
//!
//! The built-in [`RuleScorer`] is the deterministic scorer of the domain layer. The trait exists so
//! that a remote model (a paid LLM API) can be plugged in; such a scorer fails transiently, which
//! is what the worker's retries and the "Scoring Failed" status are for.

use async_trait::async_trait;
use pvara_domain::scoring::{self, ScoreCard};
use pvara_storage::model::ScoringInput;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct ScoringError(pub String);

/// The failure of an item a scorer answered nothing for: it is retried, then recorded.
pub fn no_score() -> ScoringError {
    ScoringError("the scorer gave no result for this application".to_owned())
}

/// What a scorer is given: the application without the candidate's name, address or phone
/// number. No scorer sees who a candidate is, whichever scorer it is.
pub fn scorer_view(input: &ScoringInput) -> ScoringInput {
    ScoringInput {
        application_id: input.application_id,
        status: input.status,
        score: input.score.clone(),
        job: std::sync::Arc::clone(&input.job),
        candidate: input.candidate.without_identity(),
        erased: input.erased,
    }
}

#[async_trait]
pub trait Scorer: Send + Sync + 'static {
    /// Scores each input; one result per input, in order.
    async fn score_batch(&self, inputs: &[ScoringInput]) -> Vec<Result<ScoreCard, ScoringError>>;
}

/// The domain's rule-based scorer, run on the blocking pool because a batch of long CVs is
/// milliseconds of CPU that should not stall the async runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleScorer;

#[async_trait]
impl Scorer for RuleScorer {
    async fn score_batch(&self, inputs: &[ScoringInput]) -> Vec<Result<ScoreCard, ScoringError>> {
        let owned = inputs.to_vec();
        let n = owned.len();
        match tokio::task::spawn_blocking(move || {
            owned
                .iter()
                .map(|input| Ok(scoring::score(&input.job, &input.candidate)))
                .collect::<Vec<_>>()
        })
        .await
        {
            Ok(results) => results,
            Err(e) => vec![Err(ScoringError(format!("scoring task failed: {e}"))); n],
        }
    }
}
