//! From domain events to outbox messages: CloudEvents envelopes (binary mode), keyed by their
//! subject. Everything that writes events, the use cases and the stores themselves (a stale
//! rubric's re-score, a rubric change's per-application events), encodes them here.

use crate::model::OutboxMessage;
use chrono::{DateTime, Utc};
use pvara_domain::event::Event;
use pvara_domain::ids::EventId;

/// `source` attribute of events emitted by the API.
pub const SOURCE_API: &str = "/pvara/api";
/// `source` attribute of events emitted by the scoring worker.
pub const SOURCE_SCORING: &str = "/pvara/worker/scoring";
/// `source` attribute of events emitted by the semantic worker.
pub const SOURCE_SEMANTIC: &str = "/pvara/worker/semantic";

/// Wraps `events` in CloudEvents envelopes (binary mode), keyed by their subject
/// (the application, or the user of an account mail).
pub fn to_messages(
    events: &[Event],
    source: &str,
    request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxMessage>, serde_json::Error> {
    events
        .iter()
        .map(|event| {
            let envelope = event.envelope(EventId::new(), now, source, request_id)?;
            let headers = envelope.headers();
            Ok(OutboxMessage {
                topic: event.topic().name().to_owned(),
                key: Some(event.subject()),
                value: envelope.data,
                headers,
            })
        })
        .collect()
}

/// One event as one message, for the events a store writes itself.
pub(crate) fn one_message(
    event: Event,
    source: &str,
    request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, crate::StoreError> {
    to_messages(&[event], source, request_id, now)
        .map_err(|e| crate::StoreError::Corrupt(format!("cannot encode an event: {e}")))?
        .pop()
        .ok_or_else(|| crate::StoreError::Corrupt("no message for the event".to_owned()))
}
