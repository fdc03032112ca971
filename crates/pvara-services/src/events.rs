//! From domain events to outbox messages.

use chrono::{DateTime, Utc};
use pvara_domain::event::Event;
use pvara_domain::ids::EventId;
use pvara_storage::model::OutboxMessage;

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
