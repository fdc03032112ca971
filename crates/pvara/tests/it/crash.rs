//! Crash safety against the real binary: SIGKILL it twice while applications pour in and are
//! being scored; afterwards every acknowledged application is there and was scored exactly once,
//! with one ai-scoring-complete event and one mail.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;

use pvara::config::Config;
use pvara::startup::open_engines;
use pvara_domain::status::Status;
use pvara_storage::model::ApplicationQuery;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinSet;

use crate::helpers::*;

const APPLICANTS: usize = 40;
const JOBS: usize = 50;
const IN_FLIGHT: usize = 24;
/// Acknowledged applications after which the server is killed, per run.
const KILL_AFTER: [usize; 3] = [500, 1200, usize::MAX];

struct Server {
    child: Child,
    base: String,
}

fn pvara(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pvara"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    command
}

async fn start(data_dir: &Path, run: usize) -> Server {
    let log = std::fs::File::create(data_dir.join(format!("server-{run}.log"))).unwrap();
    let mut child = pvara(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--jwt-secret", TEST_SECRET])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(DEADLINE, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let base = line
        .strip_prefix("pvara listening on ")
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    Server { child, base }
}

async fn post(
    client: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: &Value,
) -> Result<(StatusCode, Value), reqwest::Error> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_applications_survive_sigkill_and_are_scored_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut create = pvara(data)
        .args([
            "users",
            "create",
            "--email",
            "staff@pvara.gov",
            "--role",
            "recruiter",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    create
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .await
        .unwrap();
    assert!(create.wait().await.unwrap().success());

    let client = reqwest::Client::new();
    let mut server = start(data, 0).await;
    let login = |base: String, email: String| {
        let client = client.clone();
        async move {
            let (status, body) = post(
                &client,
                format!("{base}/api/auth/login"),
                None,
                &json!({ "email": email, "password": PASSWORD }),
            )
            .await
            .unwrap();
            assert_eq!(status, StatusCode::OK);
            body["token"].as_str().unwrap().to_owned()
        }
    };
    let staff = login(server.base.clone(), "staff@pvara.gov".to_owned()).await;
    let mut jobs = Vec::new();
    for j in 0..JOBS {
        let body = job_body(
            &format!("Job {j}"),
            "Rust services on PostgreSQL",
            &["Rust"],
            &["PostgreSQL"],
            2.0,
        );
        let (status, job) = post(&client, format!("{}/api/jobs", server.base), Some(&staff), &body)
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
            post(&client, format!("{}/api/auth/register", server.base), None, &body)
                .await
                .unwrap()
                .0,
            StatusCode::CREATED
        );
        tokens.push(login(server.base.clone(), email).await);
    }
    let tokens = Arc::new(tokens);

    let mut queue: VecDeque<(usize, usize)> = (0..APPLICANTS)
        .flat_map(|a| (0..JOBS).map(move |j| (a, j)))
        .collect();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut kills = 0;
    let mut unscored_at_kill = Vec::new();
    for (run, kill_after) in KILL_AFTER.into_iter().enumerate() {
        if run > 0 {
            server = start(data, run).await;
        }
        let mut in_flight = JoinSet::new();
        let mut killed = false;
        loop {
            while !killed && in_flight.len() < IN_FLIGHT {
                let Some((a, j)) = queue.pop_front() else { break };
                let (client, tokens, url) = (
                    client.clone(),
                    tokens.clone(),
                    format!("{}/api/applications", server.base),
                );
                let body = json!({
                    "jobId": jobs[j], "fullName": format!("Applicant {a}"), "email": format!("applicant{a}@example.org"),
                    "skills": ["Rust", if a % 2 == 0 { "PostgreSQL" } else { "Excel" }], "yearsExperience": (a % 7) as f64,
                    "education": "bachelor", "resumeText": format!("Applicant {a} has built Rust services for job {j}."),
                });
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
                server.child.start_kill().unwrap();
                server.child.wait().await.unwrap();
                kills += 1;
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
                killed = true;
            }
        }
        if !killed {
            break;
        }
    }
    assert_eq!(kills, 2);
    assert!(
        unscored_at_kill.iter().any(|&n| n > 0),
        "no kill hit a scoring backlog: {unscored_at_kill:?}"
    );
    assert!(queue.is_empty());
    // Every pair ended in 201 or 409 (stored by an attempt whose answer was lost), so all are stored.
    let total = APPLICANTS * JOBS;

    // Let the last run finish scoring and mailing, then stop it gracefully.
    let expected_mails = eventually("every stored application scored and mailed", || async {
        let (status, page) = {
            let response = client
                .get(format!(
                    "{}/api/applications?status=Submitted&limit=1",
                    server.base
                ))
                .bearer_auth(&staff)
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        };
        assert_eq!(status, StatusCode::OK);
        let unscored = page["items"].as_array().unwrap().len();
        let mails = mails_in(&data.join("mail")).len();
        (unscored == 0 && mails == 2 * total).then_some(mails)
    })
    .await;
    let pid = server.child.id().unwrap().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let exit = tokio::time::timeout(DEADLINE, server.child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "graceful shutdown exits 0");

    let engines = open_engines(&Config::new(data)).await.unwrap();
    let counts = engines.store.counts().await.unwrap();
    assert_eq!(counts.applications as usize, total);
    assert_eq!(counts.outbox, 0);
    for id in &acknowledged {
        let record = engines
            .store
            .application(id.parse().unwrap())
            .await
            .unwrap()
            .expect("an acknowledged application was lost");
        assert_eq!(record.status.as_str(), "Under Review", "{id}");
        assert!(record.score.is_some());
        assert_eq!(
            record
                .history
                .iter()
                .filter(|h| h.to.as_str() == "Under Review")
                .count(),
            1,
            "{id} scored twice"
        );
    }
    let per_key = |topic: &'static str| {
        let engines = engines.clone();
        async move {
            let mut counts: HashMap<String, usize> = HashMap::new();
            for p in 0..3 {
                for record in engines.log.read(topic, p, 0, 1_000_000).await.unwrap() {
                    *counts.entry(record.key.unwrap()).or_default() += 1;
                }
            }
            counts
        }
    };
    let stored = counts.applications as usize;
    let submitted = per_key("application-submitted").await;
    let scored = per_key("ai-scoring-complete").await;
    let notified = per_key("email-notification").await;
    assert_eq!(
        (submitted.len(), scored.len(), notified.len()),
        (stored, stored, stored)
    );
    assert!(submitted.values().all(|&n| n == 1), "an event was relayed twice");
    assert!(
        scored.values().all(|&n| n == 1),
        "an application got two ai-scoring-complete events"
    );
    assert!(
        notified.values().all(|&n| n == 2),
        "received + under review, once each"
    );
    let mails = mails_in(&data.join("mail"));
    assert_eq!(mails.len(), 2 * stored);
    assert_eq!(mails.len(), expected_mails);
    assert_eq!(
        mails
            .iter()
            .filter(|(name, _)| name.ends_with("-underReview.eml"))
            .count(),
        stored,
        "one mail per score"
    );
    assert_eq!(counts.deliveries as usize, 2 * stored);

    // The operators' view agrees: everything consumed, nothing left over.
    let output = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pvara"))
            .arg("--data-dir")
            .arg(data)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let groups = output(&["groups"]);
    let rows: Vec<Vec<&str>> = groups
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 6, "{groups}");
    assert!(
        rows.iter().all(|r| r[5] == "0" && r[3] == r[4]),
        "lag left: {groups}"
    );
    let scored_total: u64 = rows
        .iter()
        .filter(|r| r[0] == "pvara-scoring")
        .map(|r| r[3].parse::<u64>().unwrap())
        .sum();
    assert_eq!(scored_total as usize, stored);
    let topics = output(&["topics"]);
    let completed: u64 = topics
        .lines()
        .filter(|l| l.starts_with("ai-scoring-complete "))
        .map(|l| l.split_whitespace().last().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(completed as usize, stored);
}
