//! Workers: consumer-group members that process the log in batches.
//!
//! [`run`] is the loop every worker shares: poll a batch, hand it to a [`BatchHandler`] which
//! commits the batch's effects together with the group's positions in one store transaction, then
//! commit the positions on the log. A crash anywhere in between redelivers the batch, and the
//! handlers' effects are conditional, so nothing happens twice.

pub mod notify;
pub mod rescore;
pub mod score_versions;
pub mod scoring;
pub mod semantic;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use pvara_domain::event::{CloudEvent, Event, dead_letter_topic};
use pvara_domain::scoring::ScoreCard;
use pvara_storage::model::{Checkpoint, OutboxMessage, Position, Record, Rescore, ScoreRecord};
use pvara_storage::{EventLog, StoreError};
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot encode event: {0}")]
    Encode(#[from] serde_json::Error),
    /// Mail the relay could not take for now (a 4xx reply, no connection): the batch is tried
    /// again from the first message not yet delivered, until the relay is back.
    #[error("{count} mails could not be delivered for now; retrying: {last}")]
    MailDeferred { count: usize, last: String },
}

/// Tuning shared by all workers.
#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Records per batch (and per transaction).
    pub batch_size: usize,
    /// Attempts per record before it is recorded as failed.
    pub max_attempts: u32,
    /// Delay before the second attempt; doubles with each further attempt (with jitter).
    pub retry_delay: Duration,
}

/// Records per worker batch, unless told otherwise (`--worker-batch`).
pub const DEFAULT_BATCH: u32 = 500;

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            batch_size: DEFAULT_BATCH as usize,
            max_attempts: 3,
            retry_delay: Duration::from_millis(100),
        }
    }
}

/// Runs `attempt` over `items`, then again over the ones that failed, with exponential backoff,
/// until each succeeds or has had `config.max_attempts`. Returns each item's last result and the
/// attempts it took, in the order of `items`: one per item, always. An attempt that answers
/// fewer results than it was given fails the items left without one (`missing()`), so they are
/// retried and then recorded as failed, never silently dropped while the batch commits.
pub async fn with_retries<I, T, E, F, Fut>(
    items: &[I],
    config: &WorkerConfig,
    (what, missing): (&str, fn() -> E),
    mut attempt: F,
) -> Vec<(Result<T, E>, u32)>
where
    I: Clone,
    F: FnMut(Vec<I>) -> Fut,
    Fut: std::future::Future<Output = Vec<Result<T, E>>>,
{
    let mut results: Vec<Option<(Result<T, E>, u32)>> = items.iter().map(|_| None).collect();
    let mut todo: Vec<usize> = (0..items.len()).collect();
    let mut round = 1;
    let mut delays = crate::retry::attempt_delays(config.retry_delay, config.max_attempts);
    while !todo.is_empty() {
        let mut outcomes = attempt(todo.iter().map(|&i| items[i].clone()).collect())
            .await
            .into_iter();
        let mut retry = Vec::new();
        for &index in &todo {
            let outcome = outcomes.next().unwrap_or_else(|| Err(missing()));
            if outcome.is_err() && round < config.max_attempts {
                retry.push(index);
            } else {
                results[index] = Some((outcome, round));
            }
        }
        if !retry.is_empty() {
            metrics::counter!(crate::metrics::RETRIES, "operation" => what.to_owned())
                .increment(retry.len() as u64);
            tracing::warn!(failed = retry.len(), attempt = round, "{what} failed; retrying");
            tokio::time::sleep(delays.next().unwrap_or(config.retry_delay)).await;
        }
        todo = retry;
        round += 1;
    }
    // Every index got a result: the last round keeps failures instead of retrying them.
    results.into_iter().flatten().collect()
}

/// The scoring inputs of `ids` that still exist, by application.
pub(crate) async fn inputs_by_id(
    store: &dyn pvara_storage::Store,
    ids: &[pvara_domain::ids::ApplicationId],
) -> Result<
    std::collections::HashMap<pvara_domain::ids::ApplicationId, pvara_storage::model::ScoringInput>,
    WorkerError,
> {
    Ok(store
        .scoring_inputs(ids)
        .await?
        .into_iter()
        .map(|i| (i.application_id, i))
        .collect())
}

/// Who or what changes a score, and why, as its history shows it.
#[derive(Debug)]
pub struct Because<'a> {
    pub actor: &'a str,
    pub reason: String,
    /// The CloudEvents source of the event, and the request that started it all, if any.
    pub source: &'a str,
    pub request_id: Option<&'a str>,
}

/// A new score version `card` for `input`, replacing the `stored` score, with `event`: the one
/// shape of a score change that keeps the status, for every worker that makes one.
pub(crate) fn new_score_version(
    (input, stored, card): (&pvara_storage::model::ScoringInput, &ScoreRecord, &ScoreCard),
    because: Because<'_>,
    event: Event,
) -> Result<Rescore, WorkerError> {
    let at = crate::now();
    Ok(Rescore {
        application_id: input.application_id,
        replaces: stored.scorer_version.clone(),
        previous_total: stored.total,
        score: ScoreRecord {
            total: card.total,
            breakdown: serde_json::to_value(card)?,
            scorer_version: card.scorer_version.clone(),
        },
        actor: because.actor.to_owned(),
        reason: because.reason,
        at,
        messages: pvara_storage::outbox::to_messages(&[event], because.source, because.request_id, at)?,
    })
}

/// What a worker does with one batch.
#[async_trait]
pub trait BatchHandler: Send + Sync + 'static {
    fn group(&self) -> &'static str;
    fn topic(&self) -> &'static str;
    /// Applies the batch's effects and, when given, `checkpoint` in one transaction.
    async fn handle(&self, records: &[Record], checkpoint: Option<Checkpoint>) -> Result<(), WorkerError>;
}

/// A poison record, copied to `<topic>.dlq` with where it came from and why it was set aside.
pub fn dead_letter(record: &Record, error: &str, attempts: u32) -> OutboxMessage {
    metrics::counter!(crate::metrics::DEAD_LETTERS, "topic" => record.topic.clone()).increment(1);
    let mut headers = record.headers.clone();
    headers.extend([
        ("dlq_original_topic".to_owned(), record.topic.clone()),
        ("dlq_original_partition".to_owned(), record.partition.to_string()),
        ("dlq_original_offset".to_owned(), record.offset.to_string()),
        ("dlq_error".to_owned(), error.to_owned()),
        ("dlq_attempts".to_owned(), attempts.to_string()),
        ("dlq_failed_at".to_owned(), crate::now().to_rfc3339()),
    ]);
    OutboxMessage {
        topic: dead_letter_topic(&record.topic),
        key: record.key.clone(),
        value: record.value.clone(),
        headers,
    }
}

/// Decodes a record into its envelope and typed event.
pub fn decode(record: &Record) -> Result<(CloudEvent, Event), String> {
    let envelope = CloudEvent::from_record(&record.headers, &record.value).map_err(|e| e.to_string())?;
    let event = Event::decode(&envelope).map_err(|e| e.to_string())?;
    Ok((envelope, event))
}

/// Decodes a batch. The events `pick` accepts come back with their record and envelope; records
/// that do not decode, or carry another event type than the topic should, become dead letters.
pub fn decode_batch<'r, T>(
    records: &'r [Record],
    pick: impl Fn(Event) -> Option<T>,
    dead_letters: &mut Vec<OutboxMessage>,
) -> Vec<(&'r Record, CloudEvent, T)> {
    let mut picked = Vec::with_capacity(records.len());
    for record in records {
        match decode(record) {
            Ok((envelope, event)) => {
                let event_type = envelope.event_type.clone();
                match pick(event) {
                    Some(data) => picked.push((record, envelope, data)),
                    None => dead_letters.push(dead_letter(
                        record,
                        &format!("unexpected event type {event_type} on this topic"),
                        1,
                    )),
                }
            }
            Err(reason) => {
                tracing::warn!(topic = %record.topic, partition = record.partition, offset = record.offset,
                    %reason, "dead-lettering an undecodable record");
                dead_letters.push(dead_letter(record, &reason, 1));
            }
        }
    }
    picked
}

/// Runs `handler` as a member of its group until `shutdown`; the batch in hand is finished and
/// committed first.
pub async fn run(
    log: Arc<dyn EventLog>,
    handler: Arc<dyn BatchHandler>,
    config: WorkerConfig,
    shutdown: CancellationToken,
) {
    let (group, topic) = (handler.group(), handler.topic());
    let _running = crate::metrics::RunningWorker::start(group);
    let consumed = metrics::counter!(crate::metrics::RECORDS_CONSUMED, "group" => group, "topic" => topic);
    let mut backoff = crate::retry::Backoff::new(Duration::from_millis(100), Duration::from_secs(10));
    'subscribe: while !shutdown.is_cancelled() {
        let mut consumer = match log.subscribe(group, topic).await {
            Ok(consumer) => consumer,
            Err(error) => {
                tracing::error!(group, topic, error = %crate::ErrorChain(&error), "cannot join the consumer group");
                if backoff.sleep_or_shutdown(&shutdown).await {
                    break;
                }
                continue;
            }
        };
        tracing::info!(group, topic, "worker started");
        let mut assignment: Vec<u32> = Vec::new();
        loop {
            let polled = tokio::select! {
                biased;
                _ = shutdown.cancelled() => {
                    if let Err(error) = consumer.close().await {
                        tracing::warn!(group, topic, error = %crate::ErrorChain(&error), "could not leave the group cleanly");
                    }
                    break 'subscribe;
                }
                polled = consumer.poll(config.batch_size, Duration::from_secs(1)) => polled,
            };
            // Rebalances happen inside poll; say which partitions this member now owns.
            let now_assigned = consumer.assignment();
            if now_assigned != assignment {
                tracing::info!(group, topic, assignment = ?now_assigned, "partition assignment");
                assignment = now_assigned;
            }
            let records = match polled {
                Ok(records) if records.is_empty() => continue,
                Ok(records) => {
                    consumed.increment(records.len() as u64);
                    records
                }
                Err(error) => {
                    tracing::error!(group, topic, error = %crate::ErrorChain(&error), "poll failed; rejoining");
                    if let Err(error) = consumer.close().await {
                        tracing::warn!(group, topic, error = %crate::ErrorChain(&error), "could not leave the group cleanly");
                    }
                    if backoff.sleep_or_shutdown(&shutdown).await {
                        break 'subscribe;
                    }
                    continue 'subscribe;
                }
            };
            let positions = Position::after(&records);
            // One checkpoint per batch: in the effects' transaction when the positions live in
            // the same database, else committed to the log once the effects are.
            let in_transaction = consumer.offsets_in_database();
            let checkpoint = in_transaction.then(|| Checkpoint {
                group: group.to_owned(),
                positions: positions.clone(),
            });
            let outcome = match handler.handle(&records, checkpoint).await {
                Ok(()) if in_transaction => Ok(()),
                Ok(()) => consumer
                    .commit(&positions)
                    .await
                    .map_err(|e| crate::ErrorChain(&e).to_string()),
                Err(error) => Err(crate::ErrorChain(&error).to_string()),
            };
            match outcome {
                Ok(()) => {
                    backoff.reset();
                    tracing::debug!(group, topic, records = records.len(), "batch committed");
                }
                Err(error) => {
                    tracing::error!(group, topic, %error, records = records.len(), "batch failed; will retry it");
                    if backoff.sleep_or_shutdown(&shutdown).await {
                        break 'subscribe;
                    }
                    if let Err(error) = consumer.rewind().await {
                        tracing::error!(group, topic, error = %crate::ErrorChain(&error), "cannot rewind; rejoining");
                        continue 'subscribe;
                    }
                }
            }
        }
    }
    tracing::info!(group, topic, "worker stopped");
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    /// Nothing is ever rejected without a person's action: no worker names the Rejected status
    /// or the reject action (the state machine would let a worker through otherwise).
    #[test]
    fn no_worker_rejects_an_application() {
        let sources = [
            ("scoring", include_str!("scoring.rs")),
            ("rescore", include_str!("rescore.rs")),
            ("semantic", include_str!("semantic.rs")),
            ("notify", include_str!("notify.rs")),
            ("retention", include_str!("../retention.rs")),
        ];
        let (status, action) = (concat!("Status::", "Rejected"), concat!("Action::", "Reject"));
        for (worker, source) in sources {
            assert!(
                !source.contains(status) && !source.contains(action),
                "the {worker} worker must not reject applications"
            );
        }
    }

    #[tokio::test]
    async fn failures_are_retried_up_to_the_limit_and_results_keep_their_order() {
        let config = WorkerConfig {
            batch_size: 10,
            max_attempts: 3,
            retry_delay: Duration::from_millis(1),
        };
        let calls: Mutex<HashMap<&str, u32>> = Mutex::new(HashMap::new());
        let items = ["ok", "flaky", "broken"];
        let results = with_retries(&items, &config, ("test", || "no result".to_owned()), |batch| {
            let calls = &calls;
            async move {
                batch
                    .into_iter()
                    .map(|item| {
                        let mut calls = calls.lock().unwrap();
                        let n = calls.entry(item).or_default();
                        *n += 1;
                        match (item, *n) {
                            ("ok", _) | ("flaky", 2..) => Ok(item),
                            _ => Err(format!("{item} failed")),
                        }
                    })
                    .collect()
            }
        })
        .await;
        assert_eq!(results[0], (Ok("ok"), 1));
        assert_eq!(results[1], (Ok("flaky"), 2));
        assert_eq!(results[2], (Err("broken failed".to_owned()), 3));
        assert_eq!(calls.lock().unwrap()["broken"], 3);
    }

    #[tokio::test]
    async fn an_attempt_that_answers_too_few_results_fails_the_rest() {
        let config = WorkerConfig {
            batch_size: 10,
            max_attempts: 2,
            retry_delay: Duration::from_millis(1),
        };
        let results = with_retries(
            &[1, 2, 3],
            &config,
            ("test", || "no result".to_owned()),
            |batch| async move { batch.into_iter().take(1).map(Ok::<i32, String>).collect() },
        )
        .await;
        assert_eq!(results.len(), 3);
        assert_eq!(results[0], (Ok(1), 1));
        assert_eq!(results[1], (Ok(2), 2), "retried alone, it is answered");
        assert_eq!(results[2], (Err("no result".to_owned()), 2));
    }
}
