//! Driving the real `pvara` binary: start roles as processes, kill them, check what they left.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;

use pvara_storage::Engines;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::*;

pub struct Process {
    pub child: Child,
    /// The API's base URL, for processes running the API role.
    pub base: Option<String>,
}

impl Process {
    pub fn base(&self) -> &str {
        self.base.as_deref().unwrap()
    }

    pub async fn sigkill(&mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }

    /// SIGTERM, then waits for a clean exit.
    pub async fn stop(mut self) {
        let pid = self.child.id().unwrap().to_string();
        assert!(
            std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let exit = tokio::time::timeout(DEADLINE, self.child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(exit.success(), "graceful shutdown exits 0");
    }
}

/// `pvara --data-dir DIR [--database-url URL]`.
pub fn pvara(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pvara"));
    command.env("PVARA_RATE_LIMITS", "off");
    command.env("PVARA_EMAIL_VERIFICATION", "off");
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--log-format", "json"])
        .env("RUST_LOG", "warn,pvara_services::workers=info")
        .kill_on_drop(true);
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command
}

/// Starts `pvara <args>` and waits for its start-up line; logs go to `<data_dir>/<name>.log`.
pub async fn spawn(data_dir: &Path, database_url: Option<&str>, args: &[&str], name: &str) -> Process {
    let log = std::fs::File::create(data_dir.join(format!("{name}.log"))).unwrap();
    let mut child = pvara(data_dir, database_url)
        .args(args)
        .args(["--jwt-secret", TEST_SECRET])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(DEADLINE, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap_or_else(|| panic!("{name} exited before starting; see {name}.log"));
    let base = line
        .strip_prefix("pvara listening on ")
        .map(|rest| rest.split(' ').next().unwrap().to_owned());
    Process { child, base }
}

/// `pvara users create` with the password on standard input.
pub async fn create_staff(data_dir: &Path, database_url: Option<&str>, email: &str) {
    let mut create = pvara(data_dir, database_url)
        .args([
            "users",
            "create",
            "--email",
            email,
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
}

/// Runs a one-shot command; (succeeded, stdout, stderr), for a test that expects a refusal too.
pub fn run(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pvara"));
    command.env("PVARA_RATE_LIMITS", "off");
    command.env("PVARA_EMAIL_VERIFICATION", "off");
    command.arg("--data-dir").arg(data_dir).args(args);
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    let out = command.output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// Runs a one-shot command that must succeed and returns its standard output.
pub fn output(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> String {
    let (succeeded, stdout, stderr) = run(data_dir, database_url, args);
    assert!(succeeded, "{stderr}");
    stdout
}

/// `pvara groups` as rows of columns.
pub fn group_rows(data_dir: &Path, database_url: Option<&str>) -> Vec<Vec<String>> {
    output(data_dir, database_url, &["groups"])
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

pub async fn post(
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

pub async fn login(client: &reqwest::Client, base: &str, email: &str) -> String {
    let body = serde_json::json!({ "email": email, "password": PASSWORD });
    let (status, answer) = post(client, format!("{base}/api/auth/login"), None, &body)
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    answer["token"].as_str().unwrap().to_owned()
}

/// Counts the records per key on `topic`.
/// Submits one application per (applicant, job) pair, `in_flight` at a time, each as
/// `request(applicant, job)` says (URL, token, body); a 503 is retried, as a client would, and
/// anything but 201 fails the test. `halfway` runs once, when half are acknowledged.
pub async fn submit_all<Fut: std::future::Future<Output = ()>>(
    (applicants, jobs, in_flight): (usize, usize, usize),
    request: impl Fn(usize, usize) -> (String, String, Value),
    halfway: impl FnOnce() -> Fut,
) -> usize {
    let total = applicants * jobs;
    let mut queue: std::collections::VecDeque<(usize, usize)> = (0..applicants)
        .flat_map(|a| (0..jobs).map(move |j| (a, j)))
        .collect();
    let client = reqwest::Client::new();
    let mut running = tokio::task::JoinSet::new();
    let (mut acknowledged, mut halfway) = (0, Some(halfway));
    while acknowledged < total {
        while running.len() < in_flight {
            let Some((a, j)) = queue.pop_front() else { break };
            let (url, token, body) = request(a, j);
            let client = client.clone();
            running.spawn(async move { ((a, j), post(&client, url, Some(&token), &body).await) });
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        let ((a, j), outcome) = done.unwrap();
        match outcome.map(|(status, _)| status) {
            Ok(StatusCode::CREATED) => acknowledged += 1,
            // "Try later" (the database's connections exhausted, for one): as a client would.
            Ok(StatusCode::SERVICE_UNAVAILABLE) => queue.push_back((a, j)),
            other => panic!("unexpected answer {other:?}"),
        }
        if acknowledged == total / 2
            && let Some(halfway) = halfway.take()
        {
            halfway().await;
        }
    }
    acknowledged
}

pub async fn per_key(engines: &Engines, topic: &str) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in 0..3 {
        for record in engines.log.read(topic, p, 0, 1_000_000).await.unwrap() {
            *counts.entry(record.key.unwrap()).or_default() += 1;
        }
    }
    counts
}

/// After a run with crashes: `stored` applications, each scored once (one score, one history
/// entry), with received and under-review mail once each; with `check_log`, also one
/// ai-scoring-complete event and two notifications per application on the log.
pub async fn assert_each_scored_once(engines: &Engines, stored: usize, mail_dir: &Path, check_log: bool) {
    let counts = engines.store.counts().await.unwrap();
    assert_eq!(counts.applications as usize, stored);
    assert_eq!(counts.outbox, 0);
    if check_log {
        let submitted = per_key(engines, "application-submitted").await;
        let scored = per_key(engines, "ai-scoring-complete").await;
        let notified = per_key(engines, "email-notification").await;
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
    }
    let mails = mails_in(mail_dir);
    assert_eq!(mails.len(), 2 * stored);
    assert_eq!(
        mails
            .iter()
            .filter(|(name, _)| name.ends_with("-underReview.eml"))
            .count(),
        stored
    );
    assert_eq!(counts.deliveries as usize, 2 * stored);
    let query = pvara_storage::model::ApplicationQuery {
        limit: 100_000,
        ..Default::default()
    };
    let all = engines.store.list_applications(&query).await.unwrap();
    assert_eq!(all.len(), stored);
    for summary in all {
        let record = engines.store.application(summary.id).await.unwrap().unwrap();
        let id = summary.id;
        assert_eq!(record.status.as_str(), "Under Review", "{id}");
        assert!(record.score.is_some());
        let scorings = record
            .history
            .iter()
            .filter(|h| h.to.as_str() == "Under Review")
            .count();
        assert_eq!(scorings, 1, "{id} scored twice");
    }
}

/// The last partition assignment a worker logged for `group` (`partition assignment` lines in
/// its JSON log; the scoring role runs two groups).
pub fn logged_assignment(data_dir: &Path, name: &str, group: &str) -> Option<Vec<u32>> {
    let log = std::fs::read_to_string(data_dir.join(format!("{name}.log"))).ok()?;
    log.lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|entry| {
            entry["fields"]["message"] == "partition assignment" && entry["fields"]["group"] == group
        })
        .find_map(|entry| entry["fields"]["assignment"].as_str().map(str::to_owned))
        .map(|text| {
            text.trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .filter_map(|p| p.trim().parse().ok())
                .collect()
        })
}

/// A GET with a bearer token, its JSON body if it came.
pub async fn get_json(client: &reqwest::Client, url: String, token: &str) -> Option<Value> {
    client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()
}

/// Registers `n` applicants (`applicant<i>@example.org`), and each applies to `job` with
/// `application(i, email)`: the body beyond the job.
pub async fn applicants_apply(
    client: &reqwest::Client,
    base: &str,
    job: &str,
    n: usize,
    application: impl Fn(usize, &str) -> Value,
) {
    for a in 0..n {
        let email = format!("applicant{a}@example.org");
        let body =
            serde_json::json!({ "email": email, "password": PASSWORD, "fullName": format!("Applicant {a}") });
        let url = format!("{base}/api/auth/register");
        assert_eq!(
            post(client, url, None, &body).await.unwrap().0,
            StatusCode::ACCEPTED
        );
        let token = login(client, base, &email).await;
        let mut body = application(a, &email);
        body["jobId"] = Value::from(job);
        body["email"] = Value::from(email);
        body["fullName"] = Value::from(format!("Applicant {a}"));
        body["acceptPrivacyNotice"] = Value::from(true);
        let url = format!("{base}/api/applications");
        assert_eq!(
            post(client, url, Some(&token), &body).await.unwrap().0,
            StatusCode::CREATED
        );
    }
}

/// After a crash test in `data` (SQLite): every application's score changed exactly once.
pub async fn assert_each_score_changed_once(data: &Path) -> Engines {
    let engines = pvara::startup::open_engines(&pvara::config::Config::new(data))
        .await
        .unwrap();
    let query = pvara_storage::model::ApplicationQuery {
        limit: 10_000,
        ..Default::default()
    };
    for summary in engines.store.list_applications(&query).await.unwrap() {
        let record = engines.store.application(summary.id).await.unwrap().unwrap();
        assert_eq!(record.score_changes.len(), 1, "{}: one score change", summary.id);
    }
    engines
}
