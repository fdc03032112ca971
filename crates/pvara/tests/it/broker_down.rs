//! The broker goes down while applications keep arriving: the API keeps answering 201, the outbox
//! holds the events, and once the broker is back every application is scored, each once.
//! The broker is an Apache Kafka of this test's own (`scripts/kafka`, durable storage in a
//! temporary directory), killed with SIGKILL and started again on the same data.

use std::sync::Arc;

use pvara_services::scorer::RuleScorer;
use pvara_storage::kafka::KafkaOptions;

use crate::helpers::*;
use crate::kafka_nodes::{PrivateKafka, free_port};
use crate::processes::per_key;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_keep_arriving_while_the_broker_is_down() {
    let dir = tempfile::tempdir().unwrap();
    let broker = PrivateKafka::single(free_port(), dir.path().join("kafka"));
    broker.start();
    let kafka = KafkaOptions {
        brokers: format!("127.0.0.1:{}", broker.port),
        properties: Vec::new(),
        replication: 1,
        client_id: "pvara-test".to_owned(),
        prefix: String::new(),
    };
    let app = spawn_app_configured(Backend::Postgres, Arc::new(RuleScorer), |config| {
        config.kafka = Some(kafka)
    })
    .await;

    let (recruiter, job, people) = app.recruiter_job_and_people(12).await;
    let mut ids = Vec::new();
    for who in &people[..4] {
        ids.push(
            app.submit(
                who,
                &application_body(&job, who, &["Rust"], 1.0, "bachelor", "Rust"),
            )
            .await,
        );
    }
    for id in &ids {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }

    broker.kill().await;
    for who in &people[4..] {
        // Accepted while the broker is down: the events wait in the outbox.
        ids.push(
            app.submit(
                who,
                &application_body(&job, who, &["Rust"], 1.0, "bachelor", "Rust"),
            )
            .await,
        );
    }
    assert!(
        app.engines.store.counts().await.unwrap().outbox >= 8,
        "the outbox holds what the broker could not take"
    );
    let waiting = app.application(&recruiter, &ids[11]).await;
    assert_eq!(waiting["status"], "Submitted");

    broker.start();
    eventually("the relay to catch up once the broker is back", || async {
        let outbox = app.engines.store.counts().await.unwrap().outbox;
        (outbox == 0).then_some(())
    })
    .await;
    for id in &ids {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }
    app.settle().await;
    let scored = per_key(&app.engines, "ai-scoring-complete").await;
    assert_eq!(scored.len(), 12);
    assert!(scored.values().all(|&n| n == 1), "{scored:?}");
    let submitted = per_key(&app.engines, "application-submitted").await;
    assert_eq!(submitted.len(), 12, "every submission reached the broker");
    app.stop().await;
}
