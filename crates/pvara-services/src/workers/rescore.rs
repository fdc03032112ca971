//! Re-scoring after a rubric change: `rescore-requested` (a job's rubric changed) -> the
//! application scored again by the same [`Scorer`] under the job's current rubric -> a new score
//! version, its history row ("62 -> 55") and `ai-scoring-complete`, so the semantic group refines
//! it again. A [`Strategy`] of the score-version worker.
//!
//! Idempotent per application and rubric version: a score already by the job's current rubric is
//! left alone, and the new one applies only while the stored one is the one it replaces.

use std::sync::Arc;

use async_trait::async_trait;
use pvara_domain::event::{Event, Group, RESCORE_GROUP, Scored};
use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::ScoreCard;
use pvara_storage::model::{ScoreRecord, ScoringInput};

use super::score_versions::Strategy;
use super::{Because, WorkerConfig, with_retries};
use crate::scorer::{Scorer, scorer_view};

/// Scores again by the rules, under the job's current rubric.
pub struct Rescore {
    scorer: Arc<dyn Scorer>,
    config: WorkerConfig,
}

impl std::fmt::Debug for Rescore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rescore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Rescore {
    pub fn new(scorer: Arc<dyn Scorer>, config: WorkerConfig) -> Self {
        Self { scorer, config }
    }
}

#[async_trait]
impl Strategy for Rescore {
    fn group(&self) -> Group {
        RESCORE_GROUP
    }

    fn wanted(&self, event: Event) -> Option<ApplicationId> {
        match event {
            Event::RescoreRequested(data) => Some(data.application_id),
            _ => None,
        }
    }

    /// A score not yet by the job's current rubric.
    fn improves_on(&self, input: &ScoringInput, stored: &ScoreRecord) -> bool {
        !stored
            .version()
            .is_current_for(input.job.requirements.rubric.version)
    }

    async fn cards(&self, work: &[(ScoringInput, ScoreRecord)]) -> Vec<(Result<ScoreCard, String>, u32)> {
        let inputs: Vec<ScoringInput> = work.iter().map(|(input, _)| scorer_view(input)).collect();
        let scorer = &self.scorer;
        with_retries(
            &inputs,
            &self.config,
            ("rescoring", crate::scorer::no_score),
            |batch| async move { scorer.score_batch(&batch).await },
        )
        .await
        .into_iter()
        .map(|(card, attempts)| (card.map_err(|e| e.to_string()), attempts))
        .collect()
    }

    fn describe(
        &self,
        input: &ScoringInput,
        stored: &ScoreRecord,
        card: &ScoreCard,
    ) -> (Event, Because<'static>) {
        let event = Event::ScoringComplete(Scored {
            application_id: input.application_id,
            job_id: input.job.id,
            status: input.status,
            ai_score: card.total,
            scorer_version: card.scorer_version.clone(),
        });
        let because = Because {
            actor: "system:rescore",
            reason: format!(
                "re-scored from {} to {} under rubric {}",
                stored.total, card.total, card.rubric_version
            ),
            source: pvara_storage::outbox::SOURCE_SCORING,
            request_id: None,
        };
        (event, because)
    }
}
