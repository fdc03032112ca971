//! What the storage layer reports to the process's metrics recorder (a no-op without one).

use std::collections::HashMap;

use crate::model::OutboxMessage;

/// Records moved from the outbox onto the log, counted once the move is committed.
pub const RECORDS_PRODUCED: &str = "pvara_records_produced_total";

pub(crate) fn count_produced(messages: &[OutboxMessage]) {
    let mut per_topic: HashMap<&str, u64> = HashMap::new();
    for message in messages {
        *per_topic.entry(message.topic.as_str()).or_default() += 1;
    }
    for (topic, n) in per_topic {
        metrics::counter!(RECORDS_PRODUCED, "topic" => topic.to_owned()).increment(n);
    }
}
