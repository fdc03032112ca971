//! Crash safety against the real binary: SIGKILL it twice while applications pour in and are
//! being scored; afterwards every acknowledged application is there and was scored exactly once,
//! with one ai-scoring-complete event and one mail.

use std::collections::VecDeque;
use std::sync::Arc;

use pvara::config::Config;
use pvara::startup::open_engines;
use pvara_domain::status::Status;
use pvara_storage::model::ApplicationQuery;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::helpers::*;
use crate::processes::*;

const APPLICANTS: usize = 40;
const JOBS: usize = 50;
const IN_FLIGHT: usize = 24;
/// Acknowledged applications after which the server is killed, per run.
const KILL_AFTER: [usize; 3] = [500, 1200, usize::MAX];

fn application(a: usize, job: &str) -> Value {
    json!({
        "jobId": job, "fullName": format!("Applicant {a}"), "email": format!("applicant{a}@example.org"),
        "skills": ["Rust", if a.is_multiple_of(2) { "PostgreSQL" } else { "Excel" }], "yearsExperience": (a % 7) as f64,
        "education": "bachelor", "resumeText": format!("Applicant {a} has built Rust services for {job}."),
        "acceptPrivacyNotice": true,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_applications_survive_sigkill_and_are_scored_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    create_staff(data, None, "staff@pvara.gov").await;
    let client = reqwest::Client::new();
    let mut server = spawn(data, None, &["serve", "--listen", "127.0.0.1:0"], "server-0").await;
    let staff = login(&client, server.base(), "staff@pvara.gov").await;
    let mut jobs = Vec::new();
    for j in 0..JOBS {
        let body = job_body(
            &format!("Job {j}"),
            "Rust services on PostgreSQL",
            &["Rust"],
            &["PostgreSQL"],
            2.0,
        );
        let (status, job) = post(
            &client,
            format!("{}/api/jobs", server.base()),
            Some(&staff),
            &body,
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::CREATED);
        jobs.push(job["id"].as_str().unwrap().to_owned());
    }
    let mut tokens = Vec::new();
    for a in 0..APPLICANTS {
        let email = format!("applicant{a}@example.org");
        let body = json!({ "email": email, "password": PASSWORD, "fullName": format!("Applicant {a}") });
        let url = format!("{}/api/auth/register", server.base());
        assert_eq!(
            post(&client, url, None, &body).await.unwrap().0,
            StatusCode::ACCEPTED
        );
        tokens.push(login(&client, server.base(), &email).await);
    }
    let tokens = Arc::new(tokens);

    let mut queue: VecDeque<(usize, usize)> = (0..APPLICANTS)
        .flat_map(|a| (0..JOBS).map(move |j| (a, j)))
        .collect();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut unscored_at_kill = Vec::new();
    for (run, kill_after) in KILL_AFTER.into_iter().enumerate() {
        if run > 0 {
            server = spawn(
                data,
                None,
                &["serve", "--listen", "127.0.0.1:0"],
                &format!("server-{run}"),
            )
            .await;
        }
        let mut in_flight = JoinSet::new();
        let mut killed = false;
        loop {
            while !killed && in_flight.len() < IN_FLIGHT {
                let Some((a, j)) = queue.pop_front() else { break };
                let (client, tokens) = (client.clone(), tokens.clone());
                let (url, body) = (
                    format!("{}/api/applications", server.base()),
                    application(a, &jobs[j]),
                );
                in_flight.spawn(async move { ((a, j), post(&client, url, Some(&tokens[a]), &body).await) });
            }
            let Some(done) = in_flight.join_next().await else {
                break;
            };
            let ((a, j), outcome) = done.unwrap();
            match outcome {
                Ok((StatusCode::CREATED, body)) => acknowledged.push(body["id"].as_str().unwrap().to_owned()),
                // An earlier attempt committed but its answer was lost in the crash: stored, not acknowledged.
                Ok((StatusCode::CONFLICT, _)) => {}
                _ => queue.push_back((a, j)),
            }
            if !killed && acknowledged.len() >= kill_after {
                server.sigkill().await;
                killed = true;
                // Killed mid-scoring: acknowledged work was still waiting for the scorer.
                let engines = open_engines(&Config::new(data)).await.unwrap();
                let query = ApplicationQuery {
                    status: Some(Status::Submitted),
                    limit: 100_000,
                    ..Default::default()
                };
                let unscored = engines.store.list_applications(&query).await.unwrap().len();
                eprintln!(
                    "killed with {} acknowledged, {unscored} unscored",
                    acknowledged.len()
                );
                unscored_at_kill.push(unscored);
            }
        }
        if !killed {
            break;
        }
    }
    assert_eq!(unscored_at_kill.len(), 2, "two kills");
    assert!(
        unscored_at_kill.iter().any(|&n| n > 0),
        "no kill hit a scoring backlog: {unscored_at_kill:?}"
    );
    assert!(queue.is_empty());
    // Every pair ended in 201 or 409 (stored by an attempt whose answer was lost), so all are stored.
    let total = APPLICANTS * JOBS;

    // Let the last run finish scoring and mailing, then stop it gracefully.
    eventually("every stored application scored and mailed", || async {
        let response = client
            .get(format!(
                "{}/api/applications?status=Submitted&limit=1",
                server.base()
            ))
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.unwrap();
        let unscored = page["items"].as_array().unwrap().len();
        (unscored == 0 && mails_in(&data.join("mail")).len() == 2 * total).then_some(())
    })
    .await;
    // An operator cannot move the group's offsets under a running worker.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_pvara"))
        .arg("--data-dir")
        .arg(data)
        .args([
            "groups",
            "reset-offsets",
            "--group",
            "pvara-scoring",
            "--to-earliest",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("active member"));
    server.stop().await;

    let engines = open_engines(&Config::new(data)).await.unwrap();
    for id in &acknowledged {
        let record = engines.store.application(id.parse().unwrap()).await.unwrap();
        assert!(record.is_some(), "an acknowledged application was lost");
    }
    assert_each_scored_once(&engines, total, &data.join("mail"), true).await;

    // The operators' view agrees: everything consumed, nothing left over.
    let rows = group_rows(data, None);
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(
        rows.iter().all(|r| r[5] == "0" && r[3] == r[4]),
        "lag left: {rows:?}"
    );
    let scored_total: u64 = rows
        .iter()
        .filter(|r| r[0] == "pvara-scoring")
        .map(|r| r[3].parse::<u64>().unwrap())
        .sum();
    assert_eq!(scored_total as usize, total);
    let topics = output(data, None, &["topics"]);
    let completed: u64 = topics
        .lines()
        .filter(|l| l.starts_with("ai-scoring-complete "))
        .map(|l| l.split_whitespace().last().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(completed as usize, total);

    // Stopped, the group can be rewound for a replay.
    output(
        data,
        None,
        &[
            "groups",
            "reset-offsets",
            "--group",
            "pvara-scoring",
            "--to-earliest",
        ],
    );
    let rows = group_rows(data, None);
    assert!(
        rows.iter()
            .filter(|r| r[0] == "pvara-scoring")
            .all(|r| r[3] == "0"),
        "{rows:?}"
    );
}
