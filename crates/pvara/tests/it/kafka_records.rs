//! pvara's Kafka records are standard: a plain rdkafka consumer (no pvara code) reads them.

use std::time::Duration;

use pvara_domain::user::Role;
use pvara_storage::partition::partition_for;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_kafka_consumer_reads_cloudevents_keyed_by_application() {
    let app = spawn_app(Backend::PostgresKafka).await;
    let kafka = app.kafka.clone().unwrap();
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Engineer", "Rust", &["Rust"], &[], 0.0))
        .await;
    let who = app.applicant("Kiran Kazmi").await;
    let id = app
        .submit(
            &who,
            &application_body(&job, &who, &["Rust"], 2.0, "bachelor", "Secret CV text"),
        )
        .await;

    let topic = format!("{}application-submitted", kafka.prefix);
    let message = tokio::task::spawn_blocking(move || {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &kafka.brokers)
            .set("group.id", format!("{}outsider", kafka.prefix))
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        let mut partitions = TopicPartitionList::new();
        for p in 0..3 {
            partitions
                .add_partition_offset(&topic, p, Offset::Beginning)
                .unwrap();
        }
        consumer.assign(&partitions).unwrap();
        let deadline = std::time::Instant::now() + DEADLINE;
        loop {
            assert!(std::time::Instant::now() < deadline, "no record on {topic}");
            if let Some(message) = consumer.poll(Duration::from_millis(100)) {
                let m = message.unwrap();
                let headers: Vec<(String, String)> = m
                    .headers()
                    .map(|h| {
                        h.iter()
                            .map(|x| {
                                (
                                    x.key.to_owned(),
                                    String::from_utf8_lossy(x.value.unwrap()).into_owned(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let key = String::from_utf8(m.key().unwrap().to_vec()).unwrap();
                break (key, m.partition(), headers, m.payload().unwrap().to_vec());
            }
        }
    })
    .await
    .unwrap();
    let (key, partition, headers, payload) = message;
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(key, id);
    assert_eq!(
        partition as u32,
        partition_for(id.as_bytes(), 3),
        "Kafka's murmur2 partitioner"
    );
    assert_eq!(header("ce_specversion"), Some("1.0"));
    assert_eq!(header("ce_type"), Some("pvara.application.submitted"));
    assert_eq!(header("ce_subject"), Some(id.as_str()));
    assert_eq!(header("ce_source"), Some("/pvara/api"));
    assert!(header("ce_id").is_some_and(|v| v.parse::<uuid::Uuid>().is_ok()));
    assert_eq!(header("content-type"), Some("application/json"));
    let data: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(data["applicationId"], id.as_str());
    assert_eq!(data["status"], "Submitted");
    let text = String::from_utf8_lossy(&payload);
    for personal in ["Kiran", "kiran.kazmi@example.org", "Secret CV text"] {
        assert!(!text.contains(personal), "personal data on the log: {text}");
    }
    app.stop().await;
}
