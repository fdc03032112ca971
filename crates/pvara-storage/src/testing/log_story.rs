//! What every [`EventLog`](crate::EventLog) and [`Relay`](crate::Relay) must do.

use std::collections::HashSet;
use std::time::Duration;

use pvara_domain::event::{Topic, partition_for};
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::model::Record;

const WAIT: Duration = Duration::from_secs(10);

async fn read_all(engines: &Engines, topic: &str) -> Vec<Record> {
    let partitions = engines
        .log
        .topics()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == topic)
        .unwrap()
        .partitions;
    let mut records = Vec::new();
    for p in partitions {
        records.extend(engines.log.read(topic, p.partition, 0, 100_000).await.unwrap());
    }
    records
}

/// Topics exist once with their partitions; appends get dense offsets on the key's partition.
pub async fn append_story(engines: &Engines) {
    let log = engines.log.as_ref();
    log.ensure_topics(&["t1".to_owned()], 3).await.unwrap();
    log.ensure_topics(&["t1".to_owned()], 5).await.unwrap();
    let topic = log
        .topics()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "t1")
        .unwrap();
    assert_eq!(
        topic.partitions.len(),
        3,
        "an existing topic keeps its partitions"
    );

    let keys: Vec<String> = (0..30).map(|i| format!("key-{i}")).collect();
    let messages: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| a_message("t1", k, &format!("v{i}")))
        .collect();
    log.append(messages).await.unwrap();
    let records = read_all(engines, "t1").await;
    assert_eq!(records.len(), 30);
    for record in &records {
        let key = record.key.as_deref().unwrap();
        assert_eq!(record.partition, partition_for(key.as_bytes(), 3), "{key}");
        assert_eq!(
            record.header("h"),
            Some(std::str::from_utf8(&record.value).unwrap())
        );
    }
    for p in 0..3 {
        let offsets: Vec<u64> = records
            .iter()
            .filter(|r| r.partition == p)
            .map(|r| r.offset)
            .collect();
        assert_eq!(
            offsets,
            (0..offsets.len() as u64).collect::<Vec<_>>(),
            "partition {p} is dense and ordered"
        );
    }
    let ends: u64 = log
        .topics()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "t1")
        .unwrap()
        .partitions
        .iter()
        .map(|p| p.end_offset)
        .sum();
    assert_eq!(ends, 30);
    assert!(
        log.append(vec![a_message("no-such-topic", "k", "v")])
            .await
            .is_err()
    );
    log.ping().await.unwrap();
}

/// Groups resume from committed positions; uncommitted progress is redelivered after a rewind.
pub async fn consumer_story(engines: &Engines) {
    let log = engines.log.as_ref();
    log.ensure_topics(&["t2".to_owned()], 3).await.unwrap();
    log.append(
        (0..10)
            .map(|i| a_message("t2", &format!("k{i}"), &format!("{i}")))
            .collect(),
    )
    .await
    .unwrap();

    let mut consumer = log.subscribe("group-a", "t2").await.unwrap();
    let mut got = Vec::new();
    while got.len() < 10 {
        let batch = consumer.poll(100, WAIT).await.unwrap();
        assert!(!batch.is_empty(), "records are there to read");
        got.extend(batch);
    }
    assert_eq!(
        got.iter().map(|r| r.value.clone()).collect::<HashSet<_>>().len(),
        10
    );
    assert!(
        consumer
            .poll(100, Duration::from_millis(10))
            .await
            .unwrap()
            .is_empty()
    );

    // Nothing committed: a rewind hands everything out again.
    consumer.rewind().await.unwrap();
    let again = consumer.poll(100, WAIT).await.unwrap();
    assert!(!again.is_empty());
    let positions = crate::model::Position {
        topic: "t2".to_owned(),
        partition: again[0].partition,
        next_offset: again[0].offset + 1,
    };
    consumer.commit(std::slice::from_ref(&positions)).await.unwrap();

    // Another member of the group resumes after the commit; another group starts at the beginning.
    let mut resumed = log.subscribe("group-a", "t2").await.unwrap();
    let mut rest = Vec::new();
    loop {
        let batch = resumed.poll(100, Duration::from_millis(50)).await.unwrap();
        if batch.is_empty() {
            break;
        }
        rest.extend(batch);
    }
    assert_eq!(rest.len(), 9);
    assert!(
        !rest
            .iter()
            .any(|r| r.partition == positions.partition && r.offset < positions.next_offset)
    );
    let mut fresh = log.subscribe("group-b", "t2").await.unwrap();
    assert!(!fresh.poll(100, WAIT).await.unwrap().is_empty());

    let lag: u64 = log
        .groups()
        .await
        .unwrap()
        .iter()
        .filter(|g| g.group == "group-a")
        .map(|g| g.lag())
        .sum();
    assert_eq!(lag, 9);
    assert!(log.subscribe("g", "no-such-topic").await.is_err());
}

/// A waiting consumer wakes up for a record appended while it waits.
pub async fn wakeup_story(engines: &Engines) {
    engines.log.ensure_topics(&["t3".to_owned()], 1).await.unwrap();
    let mut consumer = engines.log.subscribe("g", "t3").await.unwrap();
    let waiting = tokio::spawn(async move { consumer.poll(10, WAIT).await.unwrap() });
    engines
        .log
        .append(vec![a_message("t3", "k", "late")])
        .await
        .unwrap();
    let got = tokio::time::timeout(WAIT, waiting).await.unwrap().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].value, b"late");
}

/// The relay moves committed outbox rows to the log once, in commit order.
pub async fn relay_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    let mut submitted = Vec::new();
    for i in 0..25 {
        let applicant = a_user(store, &format!("a{i}@example.org"), Role::Applicant).await;
        let application = an_application(job.id, applicant, "R");
        store
            .submit_application(application.clone(), vec![submitted_message(&application)])
            .await
            .unwrap();
        submitted.push(application.id.to_string());
    }
    assert_eq!(store.counts().await.unwrap().outbox, 25);
    let mut moved = 0;
    while moved < 25 {
        let n = engines.relay.relay_batch(10).await.unwrap();
        assert!(n > 0 && n <= 10);
        moved += n;
    }
    assert_eq!(engines.relay.relay_batch(10).await.unwrap(), 0);
    assert_eq!(store.counts().await.unwrap().outbox, 0);

    let records = read_all(engines, Topic::ApplicationSubmitted.name()).await;
    assert_eq!(records.len(), 25, "each outbox row reaches the log exactly once");
    for p in 0..3 {
        // Within a partition, log order is submission order.
        let keys: Vec<&str> = records
            .iter()
            .filter(|r| r.partition == p)
            .filter_map(|r| r.key.as_deref())
            .collect();
        let expected: Vec<&str> = submitted
            .iter()
            .map(String::as_str)
            .filter(|k| partition_for(k.as_bytes(), 3) == p)
            .collect();
        assert_eq!(keys, expected);
    }
}
