//! `pvara bench`: a load generator. It registers applicants, posts jobs, submits N realistic
//! applications over C connections (closed loop, or open loop at a fixed offered rate) to a pvara
//! it starts as a child process in a temporary directory, or to a running one (`--target`),
//! waits until all are scored, and writes `report.json` and `report.svg`.
//!
//! # Layout
//! - `args`: the command's arguments ([`BenchArgs`]).
//! - [`corpus`]: seeded, varied jobs and 3-5 KB CVs.
//! - `server`: the server under test, its CPU time and memory (`/proc`) and its `/metrics`.
//! - `load`: the submission loop.
//! - `report`: the figures before and after the load, and the report files.
//! - `chart`: the SVG.
//! - [`pages`]: `--pages`, the workspace pages' render times at volume.
//! - [`drive`]: `--drive`, a national drive's merit list at volume.
//! - [`quality`]: ranking quality of the rules and refined scores on the labelled set.

mod args;
mod chart;
pub mod corpus;
pub mod drive;
mod load;
pub mod pages;
pub mod quality;
mod report;
mod server;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use tokio::task::JoinSet;

pub use args::BenchArgs;
use corpus::Corpus;
use server::Server;

/// Jobs the applications are spread over; each applicant applies once per job.
const JOBS: usize = 100;
/// Applications whose submit-to-scored latency is sampled.
const E2E_SAMPLE: usize = 500;
/// Password of every account the benchmark creates (its admin and the applicants).
const PASSWORD: &str = "benchmark password 1";

#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub target: Option<String>,
    pub applications: usize,
    pub connections: usize,
    /// Offered load in applications per second (open loop); `None` sends as fast as answers come.
    pub rate: Option<f64>,
    pub report_dir: PathBuf,
    pub staff_email: Option<String>,
    pub staff_password: Option<String>,
    /// Process id of a local `--target`, to report its CPU time and memory.
    pub server_pid: Option<u32>,
    /// The pvara binary to start when there is no target; defaults to the running executable.
    pub server_exe: Option<PathBuf>,
    /// For a self-started server: the database (an empty one; default SQLite in a temporary
    /// directory) and the Kafka log, if any.
    pub database_url: Option<String>,
    pub kafka: Option<pvara_storage::kafka::KafkaOptions>,
    /// The semantic model: a self-started server refines with it, and the run waits for the
    /// `pvara-semantic` group to drain (with `--target`: its workers' lag, on `/metrics`).
    pub semantic_model: Option<PathBuf>,
    /// Wait for the semantic group to drain (true with `semantic_model`).
    pub await_semantic: bool,
    /// Send the apply form with this file as every application's CV, instead of JSON.
    pub cv: Option<PathBuf>,
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

/// [`post`] for a sign-up or sign-in, tried again while the server's password hashing is busy
/// (429), as a person would: all of the bench's sign-ups come from one client network, which
/// the server lets hold only a few hashes at once.
async fn post_hashing(client: &reqwest::Client, url: &str, body: &Value) -> anyhow::Result<(u16, Value)> {
    for attempt in 1..=200u64 {
        let (status, answer) = post(client, url, None, body).await?;
        if status != 429 {
            return Ok((status, answer));
        }
        tokio::time::sleep(std::time::Duration::from_millis(20 * attempt.min(10))).await;
    }
    anyhow::bail!("{url} stayed busy (429) for 200 attempts")
}

/// The places one client network may hold in the server's queue of password hashes: the bench
/// signs everyone up from one address, and past these the server answers 429, as it does a
/// flood (each sign-up hashes twice, registering then signing in, one after the other).
const SIGN_UPS_IN_FLIGHT: usize = pvara_services::auth::hashing::PER_NETWORK;

async fn login(client: &reqwest::Client, base: &str, email: &str, password: &str) -> anyhow::Result<String> {
    let (status, body) = post_hashing(
        client,
        &format!("{base}/api/auth/login"),
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

/// Applicants and their tokens, and the jobs they apply to.
async fn set_up(
    client: &reqwest::Client,
    base: &str,
    staff: &str,
    (applications, connections): (usize, usize),
    cv: Option<&Arc<CvFile>>,
) -> anyhow::Result<Vec<load::Prepared>> {
    let jobs_wanted = JOBS.min(applications);
    let applicants_wanted = applications.div_ceil(jobs_wanted);
    let mut corpus = Corpus::new(42);
    let mut jobs = Vec::with_capacity(jobs_wanted);
    for j in 0..jobs_wanted {
        let (status, job) = post(client, &format!("{base}/api/jobs"), Some(staff), &corpus.job(j)).await?;
        ensure!(status == 201, "creating a job failed with {status}: {job}");
        jobs.push(job["id"].as_str().context("job without id")?.to_owned());
    }
    let run_id = uuid::Uuid::now_v7().simple().to_string();
    let mut registering = JoinSet::new();
    let mut applicants = vec![(String::new(), String::new()); applicants_wanted];
    let mut next = 0;
    loop {
        // At most as many sign-ups in flight as the run has connections (10,000 at once, a 1M
        // run, overflowed the server's listen backlog) and as the server's hashing queue takes
        // (past it, sign-ups are refused 429, as a flood's are).
        while registering.len() < connections.min(SIGN_UPS_IN_FLIGHT) && next < applicants_wanted {
            let a = next;
            next += 1;
            let (client, base) = (client.clone(), base.to_owned());
            let email = format!("applicant{a}.{}@bench.invalid", &run_id[20..]);
            registering.spawn(async move {
                let body =
                    json!({ "email": email, "password": PASSWORD, "fullName": format!("Applicant {a}") });
                let (status, answer) =
                    post_hashing(&client, &format!("{base}/api/auth/register"), &body).await?;
                ensure!(status == 202, "registering failed with {status}: {answer}");
                let token = login(&client, &base, &email, PASSWORD).await?;
                Ok::<_, anyhow::Error>((a, email, token))
            });
        }
        let Some(done) = registering.join_next().await else {
            break;
        };
        let (a, email, token) = done??;
        applicants[a] = (email, token);
    }
    eprintln!(
        "set up {jobs_wanted} jobs and {applicants_wanted} applicants; submitting {applications} applications"
    );
    let authorizations = applicants
        .iter()
        .map(|(_, token)| reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")))
        .collect::<Result<Vec<_>, _>>()
        .context("a token that cannot be a header")?;
    (0..applications)
        .map(|i| {
            let (a, j) = (i / jobs_wanted, i % jobs_wanted);
            let body = corpus.application(&jobs[j], &format!("Applicant {a}"), &applicants[a].0);
            let body = match cv {
                Some(cv) => load::Body::Form {
                    fields: form_fields(&body),
                    cv: cv.clone(),
                },
                None => load::Body::Json(serde_json::to_vec(&body)?.into()),
            };
            Ok(load::Prepared {
                authorization: authorizations[a].clone(),
                body,
            })
        })
        .collect()
}

/// A CV file to send with every application: its name, type and bytes.
type CvFile = (String, &'static str, bytes::Bytes);

fn read_cv(path: &std::path::Path) -> anyhow::Result<CvFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read the CV file {}", path.display()))?;
    let name = path
        .file_name()
        .map_or_else(|| "cv.pdf".to_owned(), |n| n.to_string_lossy().into_owned());
    let mime = match path.extension().and_then(|x| x.to_str()) {
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("txt") => "text/plain",
        _ => "application/pdf",
    };
    Ok((name, mime, bytes.into()))
}

/// The apply form's fields for an application the corpus made as JSON: skills comma-separated,
/// equality answers as `equality.<question>`, and no pasted CV text (the file's is read).
fn form_fields(application: &Value) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let Some(object) = application.as_object() else {
        return fields;
    };
    for (key, value) in object {
        match (key.as_str(), value) {
            ("resumeText", _) => {}
            ("skills", Value::Array(skills)) => {
                let skills: Vec<&str> = skills.iter().filter_map(Value::as_str).collect();
                fields.push((key.clone(), skills.join(", ")));
            }
            ("equality", Value::Object(answers)) => {
                fields.extend(answers.iter().map(|(question, answer)| {
                    (
                        format!("equality.{question}"),
                        answer.as_str().unwrap_or_default().to_owned(),
                    )
                }))
            }
            (_, Value::String(text)) => fields.push((key.clone(), text.clone())),
            (_, other) => fields.push((key.clone(), other.to_string())),
        }
    }
    fields
}

/// Polls until no application is left in status Submitted.
async fn wait_until_scored(client: &reqwest::Client, base: &str, staff: &str) -> anyhow::Result<()> {
    let pending_url = format!("{base}/api/applications?status=Submitted&limit=1");
    let deadline = Instant::now() + Duration::from_secs(900);
    let mut ticks = tokio::time::interval(Duration::from_millis(20));
    loop {
        ticks.tick().await;
        let page: Value = client
            .get(&pending_url)
            .bearer_auth(staff)
            .send()
            .await?
            .json()
            .await?;
        if page["items"].as_array().is_some_and(Vec::is_empty) {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "applications still unscored after 15 minutes"
        );
    }
}

/// Polls the semantic group's lag on `/metrics` until it is drained; returns the most it lagged.
/// The gauge is refreshed every 2 s, so a zero is believed only after the lag has been seen
/// above zero, or after a few refreshes (a run small enough to be refined as it arrives).
async fn wait_until_refined(client: &reqwest::Client, base: &str) -> anyhow::Result<f64> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(4 * 3600);
    let mut ticks = tokio::time::interval(Duration::from_millis(250));
    let mut peak: f64 = 0.0;
    loop {
        ticks.tick().await;
        let lag = server::counters(client, base).await.semantic_lag;
        peak = peak.max(lag.unwrap_or(0.0));
        let believed = peak > 0.0 || started.elapsed() > Duration::from_secs(6);
        if lag == Some(0.0) && believed {
            return Ok(peak);
        }
        ensure!(
            Instant::now() < deadline,
            "the semantic group still lags after 4 hours"
        );
    }
}

/// Submit-to-scored latency in ms, from the history of a sample spread over the run.
async fn e2e_sample(
    client: &reqwest::Client,
    base: &str,
    staff: &str,
    ids: &[&str],
) -> anyhow::Result<Vec<f64>> {
    let step = (ids.len() / E2E_SAMPLE).max(1);
    let mut e2e = Vec::new();
    for id in ids.iter().step_by(step) {
        let application: Value = client
            .get(format!("{base}/api/applications/{id}"))
            .bearer_auth(staff)
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
    e2e.sort_by(f64::total_cmp);
    Ok(e2e)
}

/// Draws the progress bar and reads the server's scored counter twice a second until `done`.
fn watch(
    client: reqwest::Client,
    base: String,
    bar: ProgressBar,
    answered: Arc<AtomicUsize>,
    scored: Arc<Mutex<Vec<(f64, f64)>>>,
    started: Instant,
    done: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_millis(500));
        let first = server::counters(&client, &base).await.scored.unwrap_or(0.0);
        while !done.load(Ordering::Relaxed) {
            ticks.tick().await;
            bar.set_position(answered.load(Ordering::Relaxed) as u64);
            if let Some(total) = server::counters(&client, &base).await.scored {
                let t = started.elapsed().as_secs_f64();
                bar.set_message(format!("scored {:.0}", total - first));
                if let Ok(mut readings) = scored.lock() {
                    readings.push((t, total - first));
                }
            }
        }
        bar.finish_and_clear();
    })
}

fn delta(after: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(after? - before.unwrap_or(0.0))
}

/// Runs the benchmark and writes `report.json` and `report.svg` into the report directory.
pub async fn run(options: BenchOptions) -> anyhow::Result<Value> {
    ensure!(
        options.applications > 0 && options.connections > 0,
        "applications and connections must be positive"
    );
    ensure!(options.rate.is_none_or(|r| r > 0.0), "the rate must be positive");
    let target = Server::start(&options).await?;
    let base = target.base.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.connections)
        .build()?;
    let staff = login(&client, &base, &target.staff_email, &target.staff_password).await?;
    let cv = options.cv.as_deref().map(read_cv).transpose()?.map(Arc::new);
    let work = Arc::new(
        set_up(
            &client,
            &base,
            &staff,
            (options.applications, options.connections),
            cv.as_ref(),
        )
        .await?,
    );
    let before = report::Snapshot::take(&client, &base, target.pid, &options).await;
    let answered = Arc::new(AtomicUsize::new(0));
    let scored_readings = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let bar = ProgressBar::new(work.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} answered, {msg} ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let watcher = watch(
        client.clone(),
        base.clone(),
        bar,
        answered.clone(),
        scored_readings.clone(),
        started,
        done.clone(),
    );
    let submissions = load::run(
        &client,
        load::Load {
            url: format!("{base}/api/applications"),
            connections: options.connections,
            rate: options.rate,
            work: work.clone(),
            answered,
        },
        started,
    )
    .await;
    let submit_secs = started.elapsed().as_secs_f64();
    wait_until_scored(&client, &base, &staff).await?;
    let e2e_secs = started.elapsed().as_secs_f64();
    let semantic = match options.await_semantic {
        true => {
            let lag = wait_until_refined(&client, &base).await?;
            Some((lag, started.elapsed().as_secs_f64()))
        }
        false => None,
    };
    done.store(true, Ordering::Relaxed);
    let _ = watcher.await;
    let after = report::Snapshot::take(&client, &base, target.pid, &options).await;
    let ids: Vec<&str> = submissions.iter().filter_map(|s| s.id.as_deref()).collect();
    eprintln!(
        "submitted {} in {submit_secs:.2} s, all scored after {e2e_secs:.2} s",
        ids.len()
    );
    let e2e = e2e_sample(&client, &base, &staff, &ids).await?;
    let answers = report::Answers {
        submissions: &submissions,
        e2e: &e2e,
    };
    let times = report::Times {
        submit_secs,
        e2e_secs,
        semantic,
    };
    let report = report::figures(&options, &answers, (&before, &after), &times);
    let readings = scored_readings.lock().map(|r| r.clone()).unwrap_or_default();
    let path = report::write(&options, &report, &submissions, &readings, e2e_secs)?;
    eprintln!("report written to {} (and report.svg)", path.display());
    target.stop().await?;
    Ok(report)
}
