//! What the storage layer reports to the process's metrics recorder (a no-op without one).

use std::collections::HashMap;

use crate::model::OutboxMessage;

/// Records put on the log (by the relay, or in place on the embedded log), counted once the
/// write is committed.
pub const RECORDS_PRODUCED: &str = "pvara_records_produced_total";

pub(crate) fn count_produced<'a>(messages: impl IntoIterator<Item = &'a OutboxMessage>) {
    let mut per_topic: HashMap<&str, u64> = HashMap::new();
    for message in messages {
        *per_topic.entry(message.topic.as_str()).or_default() += 1;
    }
    for (topic, n) in per_topic {
        metrics::counter!(RECORDS_PRODUCED, "topic" => topic.to_owned()).increment(n);
    }
}
