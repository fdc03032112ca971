//! `pvara bench`: a closed-loop load generator. It registers applicants, posts jobs, submits N
//! realistic applications over C connections to a running pvara (`--target`) or to one it starts
//! in a temporary directory, waits until all are scored, and writes `report.json`.

mod corpus;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use pvara_domain::user::{Email, FullName, Password, Role};
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::startup::Application;
use corpus::Corpus;

/// Jobs the applications are spread over; each applicant applies once per job.
const JOBS: usize = 100;
/// Applications whose submit-to-scored latency is sampled.
const E2E_SAMPLE: usize = 500;
const PASSWORD: &str = "benchmark password 1";

#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub target: Option<String>,
    pub applications: usize,
    pub connections: usize,
    pub report_dir: PathBuf,
    pub staff_email: Option<String>,
    pub staff_password: Option<String>,
    /// For a self-started server: the database (an empty one; default SQLite in a temporary
    /// directory) and the Kafka log, if any.
    pub database_url: Option<String>,
    pub kafka: Option<pvara_storage::kafka::KafkaOptions>,
}

struct Target {
    base: String,
    staff_email: String,
    staff_password: String,
    server: Option<(
        CancellationToken,
        tokio::task::JoinHandle<anyhow::Result<()>>,
        tempfile::TempDir,
    )>,
}

async fn start_target(options: &BenchOptions) -> anyhow::Result<Target> {
    if let Some(base) = &options.target {
        let (Some(email), Some(password)) = (&options.staff_email, &options.staff_password) else {
            bail!("--target needs --staff-email and --staff-password (a recruiter or admin account)");
        };
        return Ok(Target {
            base: base.trim_end_matches('/').to_owned(),
            staff_email: email.clone(),
            staff_password: password.clone(),
            server: None,
        });
    }
    let dir = tempfile::tempdir().context("cannot create a temporary data directory")?;
    let mut config = Config::new(dir.path());
    config.listen = "127.0.0.1:0".parse()?;
    config.database_url = options.database_url.clone();
    config.kafka = options.kafka.clone();
    let app = Application::build(config).await?;
    let addr = app.local_addr().context("the benchmark server has no listener")?;
    pvara_services::api::users::create_user(
        app.engines().store.as_ref(),
        Email::parse("email", "bench@pvara.invalid")?,
        FullName::parse("Benchmark")?,
        Password::parse(PASSWORD)?,
        Role::Admin,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run(shutdown.clone()));
    eprintln!("started pvara on http://{addr} in {}", dir.path().display());
    Ok(Target {
        base: format!("http://{addr}"),
        staff_email: "bench@pvara.invalid".to_owned(),
        staff_password: PASSWORD.to_owned(),
        server: Some((shutdown, handle, dir)),
    })
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> anyhow::Result<(u16, Value)> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn login(client: &reqwest::Client, base: &str, email: &str, password: &str) -> anyhow::Result<String> {
    let (status, body) = post(
        client,
        &format!("{base}/api/auth/login"),
        None,
        &json!({ "email": email, "password": password }),
    )
    .await?;
    ensure!(status == 200, "login as {email} failed with {status}");
    body["token"]
        .as_str()
        .map(str::to_owned)
        .context("login answer without token")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Runs the benchmark and writes `report.json` into the report directory.
pub async fn run(options: BenchOptions) -> anyhow::Result<Value> {
    ensure!(
        options.applications > 0 && options.connections > 0,
        "applications and connections must be positive"
    );
    let target = start_target(&options).await?;
    let base = target.base.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.connections)
        .build()?;
    let staff = login(&client, &base, &target.staff_email, &target.staff_password).await?;

    let jobs_wanted = JOBS.min(options.applications);
    let applicants_wanted = options.applications.div_ceil(jobs_wanted);
    let mut corpus = Corpus::new(42);
    let mut jobs = Vec::with_capacity(jobs_wanted);
    for j in 0..jobs_wanted {
        let (status, job) = post(&client, &format!("{base}/api/jobs"), Some(&staff), &corpus.job(j)).await?;
        ensure!(status == 201, "creating a job failed with {status}: {job}");
        jobs.push(job["id"].as_str().context("job without id")?.to_owned());
    }
    let run_id = uuid::Uuid::now_v7().simple().to_string();
    let mut registering = JoinSet::new();
    for a in 0..applicants_wanted {
        let (client, base) = (client.clone(), base.clone());
        let email = format!("applicant{a}.{}@bench.invalid", &run_id[20..]);
        registering.spawn(async move {
            let body = json!({ "email": email, "password": PASSWORD, "fullName": format!("Applicant {a}") });
            let (status, answer) = post(&client, &format!("{base}/api/auth/register"), None, &body).await?;
            ensure!(status == 201, "registering failed with {status}: {answer}");
            let token = login(&client, &base, &email, PASSWORD).await?;
            Ok::<_, anyhow::Error>((a, email, token))
        });
    }
    let mut applicants = vec![(String::new(), String::new()); applicants_wanted];
    while let Some(done) = registering.join_next().await {
        let (a, email, token) = done??;
        applicants[a] = (email, token);
    }
    let work: Arc<Vec<(String, Value)>> = Arc::new(
        (0..options.applications)
            .map(|i| {
                let (a, j) = (i / jobs_wanted, i % jobs_wanted);
                let (email, token) = &applicants[a];
                (
                    token.clone(),
                    corpus.application(&jobs[j], &format!("Applicant {a}"), email),
                )
            })
            .collect(),
    );
    eprintln!(
        "set up {jobs_wanted} jobs and {applicants_wanted} applicants; submitting {} applications",
        work.len()
    );

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut submitting = JoinSet::new();
    for _ in 0..options.connections {
        let (client, work, next, url) = (
            client.clone(),
            work.clone(),
            next.clone(),
            format!("{base}/api/applications"),
        );
        submitting.spawn(async move {
            let mut latencies = Vec::new();
            let mut accepted = Vec::new();
            let mut failed = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((token, body)) = work.get(i) else { break };
                let sent = Instant::now();
                match post(&client, &url, Some(token), body).await {
                    Ok((201, answer)) => {
                        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                        if let Some(id) = answer["id"].as_str() {
                            accepted.push((id.to_owned(), sent));
                        }
                    }
                    _ => failed += 1,
                }
            }
            (latencies, accepted, failed)
        });
    }
    let mut latencies = Vec::with_capacity(work.len());
    let mut accepted = Vec::with_capacity(work.len());
    let mut failed = 0;
    while let Some(done) = submitting.join_next().await {
        let (l, a, f) = done?;
        latencies.extend(l);
        accepted.extend(a);
        failed += f;
    }
    let submit_secs = started.elapsed().as_secs_f64();
    eprintln!(
        "submitted {} in {submit_secs:.2} s; waiting for scoring",
        accepted.len()
    );

    let pending_url = format!("{base}/api/applications?status=Submitted&limit=1");
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut ticks = tokio::time::interval(Duration::from_millis(20));
    loop {
        ticks.tick().await;
        let page: Value = client
            .get(&pending_url)
            .bearer_auth(&staff)
            .send()
            .await?
            .json()
            .await?;
        if page["items"].as_array().is_some_and(Vec::is_empty) {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "applications still unscored after 10 minutes"
        );
    }
    let e2e_secs = started.elapsed().as_secs_f64();

    // Submit-to-scored latency, from the history of a sample spread over the run.
    let step = (accepted.len() / E2E_SAMPLE).max(1);
    let mut e2e = Vec::new();
    for (id, _) in accepted.iter().step_by(step) {
        let application: Value = client
            .get(format!("{base}/api/applications/{id}"))
            .bearer_auth(&staff)
            .send()
            .await?
            .json()
            .await?;
        let at = |i: usize| {
            application["history"][i]["at"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        };
        if let (Some(submitted), Some(scored)) = (at(0), at(1)) {
            e2e.push((scored - submitted).num_microseconds().unwrap_or(0) as f64 / 1000.0);
        }
    }
    latencies.sort_by(f64::total_cmp);
    e2e.sort_by(f64::total_cmp);
    let report = json!({
        "applications": options.applications,
        "connections": options.connections,
        "accepted": accepted.len(),
        "failed": failed,
        "acceptedPerSec": round2(accepted.len() as f64 / submit_secs),
        "submitLatencyMs": {
            "p50": round2(percentile(&latencies, 50.0)),
            "p90": round2(percentile(&latencies, 90.0)),
            "p99": round2(percentile(&latencies, 99.0)),
            "max": round2(latencies.last().copied().unwrap_or(0.0)),
        },
        "e2ePerSec": round2(accepted.len() as f64 / e2e_secs),
        "e2eLatencyMs": { "p50": round2(percentile(&e2e, 50.0)), "p99": round2(percentile(&e2e, 99.0)) },
        "submitSeconds": round2(submit_secs),
        "e2eSeconds": round2(e2e_secs),
        "machine": { "cpus": std::thread::available_parallelism().map(usize::from).unwrap_or(0), "os": std::env::consts::OS },
    });
    std::fs::create_dir_all(&options.report_dir)?;
    let path = options.report_dir.join("report.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
    eprintln!("report written to {}", path.display());
    if let Some((shutdown, handle, _dir)) = target.server {
        shutdown.cancel();
        handle.await??;
    }
    Ok(report)
}
