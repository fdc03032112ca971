//! The scoring worker: `application-submitted` -> score -> "Under Review" + `ai-scoring-complete`
//! (or, after bounded retries, "Scoring Failed" + `ai-scoring-failed`).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pvara_domain::event::{Event, Scored, ScoringFailed, Topic};
use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::ScoreCard;
use pvara_domain::status::{Action, Status};
use pvara_storage::Store;
use pvara_storage::model::{Checkpoint, Record, ScoreRecord, ScoringInput, Transition, WorkBatch};

use super::{BatchHandler, WorkerConfig, WorkerError, decode_batch, with_retries};
use crate::scorer::{Scorer, scorer_view};
use pvara_storage::outbox::{SOURCE_SCORING, to_messages};

pub const GROUP: &str = pvara_domain::event::SCORING_GROUP.name;

const ACTOR: &str = "system:scoring";

pub struct ScoringWorker {
    store: Arc<dyn Store>,
    scorer: Arc<dyn Scorer>,
    config: WorkerConfig,
}

impl std::fmt::Debug for ScoringWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoringWorker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ScoringWorker {
    pub fn new(store: Arc<dyn Store>, scorer: Arc<dyn Scorer>, config: WorkerConfig) -> Self {
        Self {
            store,
            scorer,
            config,
        }
    }
}

fn transition(
    input: &ScoringInput,
    outcome: Result<ScoreCard, crate::scorer::ScoringError>,
    attempts: u32,
    request_id: Option<&str>,
) -> Result<Transition, WorkerError> {
    let (application_id, job_id) = (input.application_id, input.job.id);
    let now = crate::now();
    let (to, reason, score, events) = match outcome {
        Ok(card) => {
            let to = Status::Submitted
                .apply(Action::Score)
                .unwrap_or(Status::UnderReview);
            let events = pvara_domain::pipeline::scored_events(Scored {
                application_id,
                job_id,
                status: to,
                ai_score: card.total,
                scorer_version: card.scorer_version.clone(),
            });
            let reason = format!("scored {} by {}", card.total, card.scorer_version);
            let score = ScoreRecord {
                total: card.total,
                scorer_version: card.scorer_version.clone(),
                breakdown: serde_json::to_value(&card)?,
            };
            (to, reason, Some(score), events)
        }
        Err(error) => {
            let to = Status::Submitted
                .apply(Action::FailScoring)
                .unwrap_or(Status::ScoringFailed);
            let reason = format!("scoring failed after {attempts} attempts: {error}");
            let events = vec![Event::ScoringFailed(ScoringFailed {
                application_id,
                job_id,
                status: to,
                attempts,
                reason: error.0,
            })];
            (to, reason, None, events)
        }
    };
    Ok(Transition {
        application_id,
        job_id,
        from: Status::Submitted,
        to,
        actor: ACTOR.to_owned(),
        reason,
        details: None,
        at: now,
        score,
        messages: to_messages(&events, SOURCE_SCORING, request_id, now)?,
    })
}

/// Counts what the committed batch did; `scored` and `applied` run parallel to `pending`.
fn record_outcomes(
    pending: &[(ScoringInput, Option<String>, DateTime<Utc>)],
    scored: &[bool],
    applied: &[bool],
) {
    let now = chrono::Utc::now();
    let latency = metrics::histogram!(crate::metrics::SUBMIT_TO_SCORED);
    let (mut ok, mut failed) = (0, 0);
    for (((_, _, submitted), scored), applied) in pending.iter().zip(scored).zip(applied) {
        match (applied, scored) {
            (false, _) => {}
            (true, true) => {
                ok += 1;
                latency.record((now - *submitted).num_microseconds().unwrap_or(i64::MAX).max(0) as f64 / 1e6);
            }
            (true, false) => failed += 1,
        }
    }
    metrics::counter!(crate::metrics::SCORED).increment(ok);
    metrics::counter!(crate::metrics::SCORING_FAILURES).increment(failed);
}

#[async_trait]
impl BatchHandler for ScoringWorker {
    fn group(&self) -> &'static str {
        GROUP
    }

    fn topic(&self) -> &'static str {
        Topic::ApplicationSubmitted.name()
    }

    #[tracing::instrument(name = "scoring_batch", skip_all, fields(records = records.len()))]
    async fn handle(&self, records: &[Record], checkpoint: Option<Checkpoint>) -> Result<(), WorkerError> {
        let mut dead_letters = Vec::new();
        let mut wanted: Vec<(ApplicationId, Option<String>, DateTime<Utc>)> = Vec::new();
        let mut seen = HashSet::new();
        let submitted = decode_batch(
            records,
            |event| match event {
                Event::ApplicationSubmitted(data) => Some(data),
                _ => None,
            },
            &mut dead_letters,
        );
        for (_, envelope, data) in submitted {
            if seen.insert(data.application_id) {
                wanted.push((data.application_id, envelope.request_id, envelope.time));
            }
        }
        let ids: Vec<ApplicationId> = wanted.iter().map(|(id, _, _)| *id).collect();
        let mut inputs = super::inputs_by_id(self.store.as_ref(), &ids).await?;
        // Already scored (a redelivery) or rejected before scoring: nothing to do.
        let pending: Vec<(ScoringInput, Option<String>, DateTime<Utc>)> = wanted
            .into_iter()
            .filter_map(|(id, request_id, submitted)| {
                inputs.remove(&id).map(|input| (input, request_id, submitted))
            })
            // A job whose scoring is paused keeps its applications for a person; resuming
            // hands them to the scorer again.
            .filter(|(input, _, _)| {
                input.status == Status::Submitted && !input.job.requirements.scoring_paused
            })
            .collect();
        let scoring_inputs: Vec<ScoringInput> =
            pending.iter().map(|(input, _, _)| scorer_view(input)).collect();
        let scorer = &self.scorer;
        let outcomes = with_retries(
            &scoring_inputs,
            &self.config,
            ("scoring", crate::scorer::no_score),
            |batch| async move {
                let started = Instant::now();
                let results = scorer.score_batch(&batch).await;
                if !batch.is_empty() {
                    let each = started.elapsed().as_secs_f64() / batch.len() as f64;
                    metrics::histogram!(crate::metrics::SCORING_DURATION).record_many(each, batch.len());
                }
                results
            },
        )
        .await;
        let scored: Vec<bool> = outcomes.iter().map(|(outcome, _)| outcome.is_ok()).collect();
        let transitions = pending
            .iter()
            .zip(outcomes)
            .map(|((input, request_id, _), (outcome, attempts))| {
                tracing::debug!(application = %input.application_id, request_id = request_id.as_deref().unwrap_or("-"),
                    ok = outcome.is_ok(), attempts, "scored");
                transition(input, outcome, attempts, request_id.as_deref())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let applied = self
            .store
            .apply_batch(WorkBatch {
                transitions,
                messages: dead_letters,
                checkpoint,
                // The job was read before scoring: a rubric change since then is caught at commit.
                stale_rubric: true,
                ..Default::default()
            })
            .await?
            .transitions;
        record_outcomes(&pending, &scored, &applied);
        let skipped = applied.iter().filter(|a| !**a).count();
        if skipped > 0 {
            tracing::debug!(
                skipped,
                "applications changed status while being scored; left as they are"
            );
        }
        Ok(())
    }
}
