//! Scale-out on PostgreSQL with the embedded log: API, relay and workers as separate processes,
//! several copies each. Partitions spread over the scoring workers; one is killed with SIGKILL
//! mid-run; every application is still scored exactly once.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use pvara_storage::testing::TestDatabase;
use pvara_storage::{Location, OpenOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::helpers::*;
use crate::processes::*;

const APPLICANTS: usize = 30;
const JOBS: usize = 40;

/// Distinct live owners of the scoring group's partitions.
fn scoring_owners(data: &std::path::Path, url: &str) -> HashSet<String> {
    group_rows(data, Some(url))
        .into_iter()
        .filter(|r| r[0] == "pvara-scoring" && r.get(6).is_some_and(|o| o != "-"))
        .map(|r| r[6].clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_in_separate_processes_share_the_work_and_survive_a_killed_worker() {
    let db = TestDatabase::create().await;
    let url = db.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
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
        processes.push(spawn(data, Some(&url), args, name).await);
    }
    let apis: Vec<String> = processes[..2].iter().map(|p| p.base().to_owned()).collect();

    // The three scoring workers settle on one partition each.
    eventually("partitions spread over the scoring workers", || async {
        (scoring_owners(data, &url).len() == 3).then_some(())
    })
    .await;

    let client = reqwest::Client::new();
    let staff = login(&client, &apis[0], "staff@pvara.gov").await;
    let mut jobs = Vec::new();
    for j in 0..JOBS {
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
    for a in 0..APPLICANTS {
        let email = format!("applicant{a}@example.org");
        let body = json!({ "email": email, "password": PASSWORD, "fullName": format!("Applicant {a}") });
        assert_eq!(
            post(&client, format!("{}/api/auth/register", apis[a % 2]), None, &body)
                .await
                .unwrap()
                .0,
            StatusCode::CREATED
        );
        tokens.push(login(&client, &apis[(a + 1) % 2], &email).await);
    }
    let tokens = Arc::new(tokens);

    let total = APPLICANTS * JOBS;
    let mut queue: VecDeque<(usize, usize)> = (0..APPLICANTS)
        .flat_map(|a| (0..JOBS).map(move |j| (a, j)))
        .collect();
    let mut in_flight = JoinSet::new();
    let mut acknowledged = 0;
    let mut killed = false;
    loop {
        while in_flight.len() < 16 {
            let Some((a, j)) = queue.pop_front() else { break };
            let (client, tokens) = (client.clone(), tokens.clone());
            let url = format!("{}/api/applications", apis[(a + j) % 2]);
            let body = json!({
                "jobId": jobs[j], "fullName": format!("Applicant {a}"), "email": format!("applicant{a}@example.org"),
                "skills": ["Rust"], "yearsExperience": 2, "education": "bachelor", "resumeText": "Rust services",
            });
            in_flight.spawn(async move { post(&client, url, Some(&tokens[a]), &body).await });
        }
        let Some(done) = in_flight.join_next().await else {
            break;
        };
        let (status, _): (StatusCode, Value) = done.unwrap().unwrap();
        assert_eq!(status, StatusCode::CREATED);
        acknowledged += 1;
        if !killed && acknowledged == total / 2 {
            processes[4].sigkill().await;
            killed = true;
        }
    }
    assert_eq!(acknowledged, total);

    eventually("every application scored and mailed", || async {
        let response = client
            .get(format!("{}/api/applications?status=Submitted&limit=1", apis[1]))
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap();
        let page: Value = response.json().await.unwrap();
        (page["items"].as_array().unwrap().is_empty() && mails_in(&data.join("mail")).len() == 2 * total)
            .then_some(())
    })
    .await;
    // The two scoring workers left share the partitions once the handover settles.
    eventually(
        "the two surviving scoring workers to share the partitions",
        || async { (scoring_owners(data, &url).len() == 2).then_some(()) },
    )
    .await;
    for (i, process) in processes.into_iter().enumerate() {
        if i != 4 {
            process.stop().await;
        }
    }
    let engines = pvara_storage::open(&Location::Postgres(url), &OpenOptions::default())
        .await
        .unwrap();
    assert_each_scored_once(&engines, total, &data.join("mail")).await;
    drop(engines);
    db.drop_now().await;
}
