//! Scale-out on PostgreSQL, with the embedded log and with Kafka: API, relay and workers as
//! separate processes, several copies each. Partitions spread over the scoring workers; one is
//! killed with SIGKILL mid-run; every application is still scored exactly once.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use pvara_storage::testing::TestDatabase;
use pvara_storage::{Location, OpenOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::processes::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Log {
    Embedded,
    Kafka,
}

const SCORING: [&str; 3] = ["scoring-1", "scoring-2", "scoring-3"];

/// Distinct live owners of the scoring group's partitions.
fn scoring_owners(data: &std::path::Path, url: &str) -> HashSet<String> {
    group_rows(data, Some(url))
        .into_iter()
        .filter(|r| r[0] == "pvara-scoring" && r.get(6).is_some_and(|o| o != "-"))
        .map(|r| r[6].clone())
        .collect()
}

/// Partitions of application-submitted per scoring worker, alive ones only.
fn scoring_spread(log: Log, data: &std::path::Path, url: &str, alive: &[&str]) -> Option<Vec<Vec<u32>>> {
    match log {
        Log::Embedded => {
            let owners = scoring_owners(data, url);
            (owners.len() == alive.len()).then(|| owners.iter().map(|_| Vec::new()).collect())
        }
        Log::Kafka => alive
            .iter()
            .map(|name| logged_assignment(data, name, "pvara-scoring").filter(|a| !a.is_empty()))
            .collect(),
    }
}

/// True when the alive workers own disjoint, non-empty shares that cover all three partitions.
fn spread_over(log: Log, data: &std::path::Path, url: &str, alive: &[&str]) -> bool {
    let Some(shares) = scoring_spread(log, data, url, alive) else {
        return false;
    };
    if log == Log::Embedded {
        return true;
    }
    let mut all: Vec<u32> = shares.concat();
    all.sort_unstable();
    all == [0, 1, 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_in_separate_processes_on_the_embedded_log() {
    scale_out(Log::Embedded, 30, 40).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_in_separate_processes_on_kafka() {
    // The figure: 5,000 applications through 2 APIs, 2 relays and 3 scoring workers.
    scale_out(Log::Kafka, 50, 100).await;
}

async fn scale_out(log: Log, applicants: usize, jobs_wanted: usize) {
    let db = TestDatabase::create().await;
    let url = db.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let kafka = pvara_storage::testing::test_kafka();
    let kafka_args: Vec<String> = match log {
        Log::Embedded => Vec::new(),
        Log::Kafka => vec![
            "--kafka-brokers".to_owned(),
            kafka.brokers.clone(),
            "--kafka-topic-prefix".to_owned(),
            kafka.prefix.clone(),
        ],
    };
    create_staff(data, Some(&url), "staff@pvara.gov").await;

    let mut processes = Vec::new();
    for (name, args) in [
        ("api-1", &["api", "--listen", "127.0.0.1:0"][..]),
        ("api-2", &["api", "--listen", "127.0.0.1:0"][..]),
        ("relay-1", &["relay"][..]),
        ("relay-2", &["relay"][..]),
        ("scoring-1", &["worker", "scoring"][..]),
        ("scoring-2", &["worker", "scoring"][..]),
        ("scoring-3", &["worker", "scoring"][..]),
        ("notify-1", &["worker", "notify"][..]),
    ] {
        let args: Vec<&str> = args
            .iter()
            .copied()
            .chain(["--database-pool", "4"])
            .chain(kafka_args.iter().map(String::as_str))
            .collect();
        processes.push(spawn(data, Some(&url), &args, name).await);
    }
    let apis: Vec<String> = processes[..2].iter().map(|p| p.base().to_owned()).collect();

    // The three scoring workers settle on one partition each.
    eventually("partitions spread over the scoring workers", || async {
        spread_over(log, data, &url, &SCORING).then_some(())
    })
    .await;

    let client = reqwest::Client::new();
    let staff = login(&client, &apis[0], "staff@pvara.gov").await;
    let mut jobs = Vec::new();
    for j in 0..jobs_wanted {
        let body = job_body(
            &format!("Job {j}"),
            "Rust services on PostgreSQL",
            &["Rust"],
            &[],
            1.0,
        );
        let (status, job) = post(&client, format!("{}/api/jobs", apis[j % 2]), Some(&staff), &body)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::CREATED);
        jobs.push(job["id"].as_str().unwrap().to_owned());
    }
    let mut tokens = Vec::new();
    for a in 0..applicants {
        let email = format!("applicant{a}@example.org");
        let body = json!({ "email": email, "password": PASSWORD, "fullName": format!("Applicant {a}") });
        assert_eq!(
            post(&client, format!("{}/api/auth/register", apis[a % 2]), None, &body)
                .await
                .unwrap()
                .0,
            StatusCode::ACCEPTED
        );
        tokens.push(login(&client, &apis[(a + 1) % 2], &email).await);
    }
    let tokens = Arc::new(tokens);

    let total = applicants * jobs_wanted;
    let mut killed = false;
    let request = |a: usize, j: usize| {
        let body = json!({
            "jobId": jobs[j], "fullName": format!("Applicant {a}"), "email": format!("applicant{a}@example.org"),
            "skills": ["Rust"], "yearsExperience": 2, "education": "bachelor", "resumeText": "Rust services",
            "acceptPrivacyNotice": true,
        });
        (
            format!("{}/api/applications", apis[(a + j) % 2]),
            tokens[a].clone(),
            body,
        )
    };
    // A scoring worker dies mid-run: on the embedded log its lease lapses, on Kafka the group
    // rebalances after session.timeout.ms; either way the survivors finish its partitions.
    let acknowledged = submit_all((applicants, jobs_wanted, 16), request, || async {
        processes[4].sigkill().await;
        killed = true;
    })
    .await;
    assert_eq!(acknowledged, total);

    eventually_within(
        Duration::from_secs(300),
        "every application scored and mailed",
        || async {
            let response = client
                .get(format!("{}/api/applications?status=Submitted&limit=1", apis[1]))
                .bearer_auth(&staff)
                .send()
                .await
                .unwrap();
            let page: Value = response.json().await.unwrap();
            (page["items"].as_array().unwrap().is_empty() && mails_in(&data.join("mail")).len() == 2 * total)
                .then_some(())
        },
    )
    .await;
    // The scoring workers left share the partitions once any handover settles.
    let alive: &[&str] = if killed { &SCORING[1..] } else { &SCORING };
    eventually(
        "the surviving scoring workers to share the partitions",
        || async { spread_over(log, data, &url, alive).then_some(()) },
    )
    .await;
    for (i, process) in processes.into_iter().enumerate() {
        if !(killed && i == 4) {
            process.stop().await;
        }
    }
    let options = OpenOptions {
        kafka: (log == Log::Kafka).then(|| kafka.clone()),
        ..OpenOptions::default()
    };
    let engines = pvara_storage::open(&Location::Postgres(url), &options)
        .await
        .unwrap();
    // Exactly once in the database (one score, one history entry, two mails per application) and
    // on the log (one event of each kind per application).
    assert_each_scored_once(&engines, total, &data.join("mail"), true).await;
    drop(engines);
    db.drop_now().await;
}
