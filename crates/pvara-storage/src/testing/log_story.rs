//! What every [`EventLog`](crate::EventLog) and [`Relay`](crate::Relay) must do.

use std::collections::HashSet;
use std::time::Duration;

use pvara_domain::event::Topic;
use pvara_domain::user::Role;

use super::fixtures::*;
use crate::Engines;
use crate::model::Record;
use crate::partition::partition_for;

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
    // Reading from the middle of a partition starts exactly there.
    let first = records.iter().find(|r| r.partition == 0).unwrap().clone();
    let count0 = records.iter().filter(|r| r.partition == 0).count() as u64;
    let tail = log.read("t1", 0, 2, 100).await.unwrap();
    assert_eq!(
        tail.len() as u64,
        count0.saturating_sub(2),
        "read from offset 2 of {count0}"
    );
    assert!(tail.iter().all(|r| r.offset >= 2) && first.offset == 0);
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
    consumer.close().await.unwrap();

    // Another member of the group resumes after the commit; another group starts at the beginning.
    let mut resumed = log.subscribe("group-a", "t2").await.unwrap();
    let mut rest = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while rest.len() < 9 && tokio::time::Instant::now() < deadline {
        rest.extend(resumed.poll(100, Duration::from_millis(200)).await.unwrap());
    }
    assert!(
        resumed
            .poll(100, Duration::from_millis(300))
            .await
            .unwrap()
            .is_empty(),
        "nothing past the end"
    );
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

/// Two live members of one group split the partitions: every record goes to exactly one of them.
/// For engines whose groups span processes (not the single-process SQLite log).
pub async fn group_sharing_story(engines: &Engines) {
    let log = engines.log.as_ref();
    log.ensure_topics(&["t4".to_owned()], 4).await.unwrap();
    let mut first = log.subscribe("shared", "t4").await.unwrap();
    let mut second = log.subscribe("shared", "t4").await.unwrap();
    // Both join; the group settles into two disjoint shares covering every partition.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        assert!(first.poll(1, Duration::from_millis(20)).await.unwrap().is_empty());
        assert!(
            second
                .poll(1, Duration::from_millis(20))
                .await
                .unwrap()
                .is_empty()
        );
        let (a, b) = (first.assignment(), second.assignment());
        let mut all: Vec<u32> = a.iter().chain(&b).copied().collect();
        all.sort_unstable();
        if !a.is_empty() && !b.is_empty() && all == [0, 1, 2, 3] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "group never settled: {a:?} {b:?}"
        );
    }
    log.append(
        (0..40)
            .map(|i| a_message("t4", &format!("k{i}"), &format!("{i}")))
            .collect(),
    )
    .await
    .unwrap();
    let mut seen: Vec<(u32, u64, usize)> = Vec::new();
    while seen.len() < 40 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of 40 records delivered",
            seen.len()
        );
        for (member, consumer) in [(0, &mut first), (1, &mut second)] {
            let batch = consumer.poll(100, Duration::from_millis(200)).await.unwrap();
            consumer
                .commit(&crate::model::Position::after(&batch))
                .await
                .unwrap();
            seen.extend(batch.iter().map(|r| (r.partition, r.offset, member)));
        }
    }
    let distinct: HashSet<(u32, u64)> = seen.iter().map(|(p, o, _)| (*p, *o)).collect();
    assert_eq!(distinct.len(), seen.len(), "a record went to both members");
    for member in [0, 1] {
        let partitions: HashSet<u32> = seen.iter().filter(|s| s.2 == member).map(|s| s.0).collect();
        assert!(!partitions.is_empty(), "member {member} got no partition");
        let other: HashSet<u32> = seen.iter().filter(|s| s.2 != member).map(|s| s.0).collect();
        assert!(
            partitions.is_disjoint(&other),
            "a partition served by both members"
        );
    }
    first.close().await.unwrap();
    second.close().await.unwrap();
}

/// An operator moves a group's positions: to the start (replay), the end (skip), an offset.
pub async fn reset_story(engines: &Engines) {
    let log = engines.log.as_ref();
    log.ensure_topics(&["t5".to_owned()], 3).await.unwrap();
    log.append(
        (0..12)
            .map(|i| a_message("t5", &format!("k{i}"), &format!("{i}")))
            .collect(),
    )
    .await
    .unwrap();
    let mut consumer = log.subscribe("ops", "t5").await.unwrap();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while seen.len() < 12 && tokio::time::Instant::now() < deadline {
        seen.extend(consumer.poll(100, Duration::from_millis(200)).await.unwrap());
    }
    assert_eq!(seen.len(), 12);
    consumer
        .commit(&crate::model::Position::after(&seen))
        .await
        .unwrap();
    consumer.close().await.unwrap();

    let reset = log
        .reset_offsets("ops", "t5", crate::model::OffsetReset::Earliest)
        .await
        .unwrap();
    assert_eq!(reset.len(), 3);
    assert!(reset.iter().all(|g| g.committed == 0));
    let mut again = log.subscribe("ops", "t5").await.unwrap();
    let mut replayed = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while replayed.len() < 12 && tokio::time::Instant::now() < deadline {
        replayed.extend(again.poll(100, Duration::from_millis(200)).await.unwrap());
    }
    assert_eq!(replayed.len(), 12, "a reset to earliest replays everything");
    again.close().await.unwrap();

    let latest = log
        .reset_offsets("ops", "t5", crate::model::OffsetReset::Latest)
        .await
        .unwrap();
    assert!(latest.iter().all(|g| g.committed == g.end_offset && g.lag() == 0));
    let capped = log
        .reset_offsets("ops", "t5", crate::model::OffsetReset::Offset(1_000))
        .await
        .unwrap();
    assert_eq!(capped, latest, "an offset past the end stops at the end");
    let one = log
        .reset_offsets("ops", "t5", crate::model::OffsetReset::Offset(1))
        .await
        .unwrap();
    assert!(one.iter().all(|g| g.committed == 1.min(g.end_offset)));
}

/// A group with a live member refuses a reset. For engines that see members of other processes.
pub async fn reset_refused_while_active_story(engines: &Engines) {
    let log = engines.log.as_ref();
    log.ensure_topics(&["t6".to_owned()], 1).await.unwrap();
    log.append(vec![a_message("t6", "k", "v")]).await.unwrap();
    let mut member = log.subscribe("busy", "t6").await.unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    while member.assignment().is_empty() {
        member.poll(10, Duration::from_millis(100)).await.unwrap();
        assert!(
            tokio::time::Instant::now() < deadline,
            "member never got its partition"
        );
    }
    let refused = log
        .reset_offsets("busy", "t6", crate::model::OffsetReset::Earliest)
        .await;
    assert!(
        matches!(refused, Err(crate::error::LogError::GroupActive(_))),
        "{refused:?}"
    );
    member.close().await.unwrap();
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

/// The relay moves committed outbox rows to the log once, keeping each key's events in order
/// (Kafka's guarantee; the order of different keys within a partition is not promised).
pub async fn relay_story(engines: &Engines) {
    let store = engines.store.as_ref();
    let staff = a_user(store, "staff@example.org", Role::Recruiter).await;
    let job = a_job(staff);
    store.create_job(job.clone()).await.unwrap();
    for i in 0..25 {
        let applicant = a_user(store, &format!("a{i}@example.org"), Role::Applicant).await;
        let application = an_application(job.id, applicant, "R");
        let key = application.id.to_string();
        let first = a_message(Topic::ApplicationSubmitted.name(), &key, "first");
        store
            .submit_application(application.clone(), vec![first])
            .await
            .unwrap();
        let second = a_message(Topic::ApplicationSubmitted.name(), &key, "second");
        let batch = crate::model::WorkBatch {
            account_mails: Vec::new(),
            messages: vec![second],
            ..Default::default()
        };
        store.apply_batch(batch).await.unwrap();
    }
    assert_eq!(store.counts().await.unwrap().outbox, 50);
    let mut moved = 0;
    while moved < 50 {
        let n = engines.relay.relay_batch(10).await.unwrap();
        assert!(n > 0 && n <= 10);
        moved += n;
    }
    assert_eq!(engines.relay.relay_batch(10).await.unwrap(), 0);
    assert_eq!(store.counts().await.unwrap().outbox, 0);

    let records = read_all(engines, Topic::ApplicationSubmitted.name()).await;
    assert_eq!(records.len(), 50, "each outbox row reaches the log exactly once");
    let mut by_key: std::collections::HashMap<&str, Vec<&Record>> = std::collections::HashMap::new();
    for record in &records {
        by_key
            .entry(record.key.as_deref().unwrap())
            .or_default()
            .push(record);
    }
    assert_eq!(by_key.len(), 25);
    for (key, mut events) in by_key {
        events.sort_by_key(|r| r.offset);
        let values: Vec<&[u8]> = events.iter().map(|r| r.value.as_slice()).collect();
        assert_eq!(
            values,
            [b"first".as_slice(), b"second".as_slice()],
            "{key}: order kept"
        );
        assert!(
            events
                .iter()
                .all(|r| r.partition == partition_for(key.as_bytes(), 3))
        );
    }
}
