//! Dead letters: records a worker set aside, listed and put back on their topic by an operator
//! (the admin page and `pvara dlq`).

use pvara_domain::event::all_topic_names;
use pvara_storage::EventLog;
use pvara_storage::model::{OutboxMessage, Record};

use super::Error;

/// Most records listed per dead-letter partition.
const LIST_LIMIT: usize = 200;

/// Dead-letter records, optionally of one dead-letter topic.
pub async fn list(log: &dyn EventLog, topic: Option<&str>) -> Result<Vec<Record>, Error> {
    let mut records = Vec::new();
    let topics = log.topics().await.map_err(pvara_storage::StoreError::from)?;
    for info in topics
        .iter()
        .filter(|t| t.name.ends_with(".dlq") && topic.is_none_or(|wanted| t.name == wanted))
    {
        for partition in &info.partitions {
            let from = partition.end_offset.saturating_sub(LIST_LIMIT as u64);
            let read = log
                .read(&info.name, partition.partition, from, LIST_LIMIT)
                .await
                .map_err(pvara_storage::StoreError::from)?;
            records.extend(read);
        }
    }
    Ok(records)
}

/// Puts one dead letter back on the topic it came from, without its `dlq_*` headers and with
/// `replayed_by` naming who did it. The record stays in the dead-letter topic as a trace.
pub async fn replay(
    store: &dyn pvara_storage::Store,
    log: &dyn EventLog,
    (topic, partition, offset): (&str, u32, u64),
    by: &str,
) -> Result<String, Error> {
    if !topic.ends_with(".dlq") || !all_topic_names().iter().any(|t| t == topic) {
        return Err(pvara_domain::ValidationError::new("topic", "must be a dead-letter topic").into());
    }
    let record = log
        .read(topic, partition, offset, 1)
        .await
        .map_err(pvara_storage::StoreError::from)?
        .into_iter()
        .find(|r| r.offset == offset)
        .ok_or(Error::NotFound("dead letter"))?;
    let original = record
        .header("dlq_original_topic")
        .map(str::to_owned)
        .unwrap_or_else(|| topic.trim_end_matches(".dlq").to_owned());
    let mut headers: Vec<(String, String)> = record
        .headers
        .iter()
        .filter(|(k, _)| !k.starts_with("dlq_"))
        .cloned()
        .collect();
    headers.push(("replayed_by".to_owned(), by.to_owned()));
    headers.push(("replayed_at".to_owned(), crate::now().to_rfc3339()));
    log.append(vec![OutboxMessage {
        topic: original.clone(),
        key: record.key.clone(),
        value: record.value.clone(),
        headers,
    }])
    .await
    .map_err(pvara_storage::StoreError::from)?;
    tracing::info!(topic, partition, offset, to = %original, by, "dead letter replayed");
    super::audit::record(
        store,
        by,
        "dlq.replay",
        format!("dlq:{topic}/{partition}/{offset}"),
    )
    .await;
    Ok(original)
}
