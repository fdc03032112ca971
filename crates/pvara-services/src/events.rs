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

/// One event as one message, for the stores' per-application event builders (a rubric change,
/// a stale-rubric guard), whose errors are strings.
pub fn one_message(
    event: Event,
    source: &str,
    request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, String> {
    to_messages(&[event], source, request_id, now)
        .map_err(|e| e.to_string())?
        .pop()
        .ok_or_else(|| "no message for the event".to_owned())
}

/// The re-score event of an application scored under a rubric its job replaced meanwhile: the
/// scoring worker's [`pvara_storage::model::StaleRubricEvent`].
pub fn stale_rubric_event(
    application: pvara_domain::ids::ApplicationId,
    job: pvara_domain::ids::JobId,
    rubric_version: u32,
) -> Result<OutboxMessage, String> {
    let event = Event::RescoreRequested(pvara_domain::event::RescoreRequested {
        application_id: application,
        job_id: job,
        rubric_version,
    });
    one_message(event, SOURCE_SCORING, None, crate::now())
}
