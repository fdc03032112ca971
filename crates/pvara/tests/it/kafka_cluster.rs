//! A three-broker Apache Kafka cluster (KRaft, topics with replication 3 and min.insync.replicas
//! 2): one broker is SIGKILLed while 5,000 applications arrive. Every acknowledged application is
//! scored once and mailed once; the broker then comes back and the pipeline goes on.

use std::sync::Arc;
use std::time::Duration;

use pvara_domain::user::Role;
use pvara_services::scorer::RuleScorer;
use pvara_storage::kafka::KafkaOptions;

use crate::helpers::*;
use crate::kafka_nodes::PrivateKafka;
use crate::processes::{assert_each_scored_once, submit_all};

const APPLICANTS: usize = 50;
const JOBS: usize = 100;
const IN_FLIGHT: usize = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_of_three_dies_under_load_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let nodes = PrivateKafka::cluster(3, dir.path());
    for node in &nodes {
        node.start();
    }
    for node in &nodes {
        node.wait_up().await;
    }
    let brokers = nodes
        .iter()
        .map(|n| format!("127.0.0.1:{}", n.port))
        .collect::<Vec<_>>()
        .join(",");
    let kafka = KafkaOptions {
        brokers,
        properties: Vec::new(),
        replication: 3,
        client_id: "pvara-test".to_owned(),
        prefix: String::new(),
    };
    let app = spawn_app_configured(Backend::Postgres, Arc::new(RuleScorer), |config| {
        config.kafka = Some(kafka)
    })
    .await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let mut jobs = Vec::new();
    for j in 0..JOBS {
        let body = job_body(&format!("Engineer {j}"), "Rust", &["Rust"], &[], 0.0);
        jobs.push(app.create_job(&recruiter, &body).await);
    }
    let mut people = Vec::new();
    for a in 0..APPLICANTS {
        people.push(app.applicant(&format!("Person {a}")).await);
    }

    let total = APPLICANTS * JOBS;
    let url = app.url("/api/applications");
    let request = |a: usize, j: usize| {
        let who = &people[a];
        let body = application_body(&jobs[j], who, &["Rust"], 2.0, "bachelor", "Rust services");
        (url.clone(), who.token.clone(), body)
    };
    let acknowledged = submit_all((APPLICANTS, JOBS, IN_FLIGHT), request, || nodes[1].kill()).await;
    assert_eq!(acknowledged, total);

    eventually_within(
        Duration::from_secs(300),
        "every application scored and mailed",
        || async {
            let outbox = app.engines.store.counts().await.unwrap().outbox;
            let mails = mails_in(&app.mail_dir()).len();
            (outbox == 0 && mails == 2 * total).then_some(())
        },
    )
    .await;
    app.settle().await;
    assert_each_scored_once(&app.engines, total, &app.mail_dir(), true).await;

    // The broker comes back on its log and the cluster takes it in: the pipeline goes on.
    nodes[1].start();
    nodes[1].wait_up().await;
    let job = app
        .create_job(&recruiter, &job_body("After", "Rust", &["Rust"], &[], 0.0))
        .await;
    let id = app
        .submit(
            &people[0],
            &application_body(&job, &people[0], &["Rust"], 2.0, "bachelor", "Rust"),
        )
        .await;
    app.wait_for_status(&recruiter, &id, "Under Review").await;
    app.stop().await;
}
