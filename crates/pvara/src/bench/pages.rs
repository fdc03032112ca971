//! `pvara bench --pages`: how fast the pages a recruiter lives in render when a job has many
//! applications. The data is written straight into the store before the server starts (signing
//! 100,000 applicants up over HTTP would take most of an hour of password hashing), the server
//! scores it all, then each page is fetched one request at a time over loopback, so a request's
//! latency is the server's time plus a loopback round trip, never a queue.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, ensure};
use pvara_domain::application::{ApplicationDraft, Candidate, NewApplication};
use pvara_domain::ids::{ApplicationId, JobId, UserId};
use pvara_domain::job::{Job, JobDraft};
use pvara_domain::user::{Email, FullName, Password, Role};
use pvara_storage::Store;
use pvara_storage::model::{NewUser, Submission};
use pvara_storage::outbox::{SOURCE_API, to_messages};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::corpus::Corpus;
use super::server::{STAFF_EMAIL, Server};
use super::{BenchOptions, PASSWORD, login, percentile, round2};

/// Jobs on the board; the first one gets every application.
const JOBS: usize = 1_000;
/// Writes in flight while seeding: enough for group commit to fill its transactions.
const IN_FLIGHT: usize = 512;
/// Requests per page measured.
const SAMPLES: usize = 300;

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_default()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn job_from(body: &Value, created_by: UserId) -> anyhow::Result<Job> {
    let r = &body["requirements"];
    let (required, preferred) = (strings(&r["requiredSkills"]), strings(&r["preferredSkills"]));
    let draft = JobDraft {
        title: text(body, "title"),
        description: text(body, "description"),
        location: body["location"].as_str(),
        closes_at: None,
        required_skills: &required,
        preferred_skills: &preferred,
        min_years_experience: r["minYearsExperience"].as_f64().unwrap_or_default(),
        education: text(r, "education"),
    };
    Ok(Job::parse(
        &draft,
        JobId::new(),
        created_by,
        pvara_services::now(),
    )?)
}

fn candidate_from(body: &Value) -> anyhow::Result<Candidate> {
    let skills = strings(&body["skills"]);
    Ok(Candidate::parse(&ApplicationDraft {
        full_name: text(body, "fullName"),
        email: text(body, "email"),
        phone: body["phone"].as_str(),
        skills: &skills,
        years_experience: body["yearsExperience"].as_f64().unwrap_or_default(),
        education: text(body, "education"),
        resume_text: text(body, "resumeText"),
        cover_letter: body["coverLetter"].as_str(),
    })?)
}

/// Writes the staff account, the jobs, the applicants and their applications (with their
/// events, so the server scores them when it starts). Returns the big job's id.
async fn seed(
    options: &BenchOptions,
    data_dir: &std::path::Path,
    applications: usize,
) -> anyhow::Result<JobId> {
    let mut config = crate::config::Config::new(data_dir);
    config.database_url = options.database_url.clone();
    config.kafka = options.kafka.clone();
    let engines = crate::startup::open_engines(&config).await?;
    let store = engines.store.clone();
    let staff = pvara_services::usecase::accounts::create_user(
        store.as_ref(),
        Email::parse("email", STAFF_EMAIL)?,
        FullName::parse("Bench Admin")?,
        Password::parse(PASSWORD)?,
        Role::Admin,
    )
    .await
    .context("cannot create the benchmark's admin")?;
    let mut corpus = Corpus::new(7);
    let mut big = None;
    for j in 0..JOBS {
        let job = job_from(&corpus.job(j), staff.id)?;
        big.get_or_insert(job.id);
        store.create_job(job).await?;
    }
    let big = big.context("no job")?;
    // One hash for every applicant: hashing 100,000 passwords would be the whole benchmark.
    let hash = pvara_services::auth::hash_password(PASSWORD.to_owned(), None).await?;
    let started = Instant::now();
    let mut writes = JoinSet::new();
    for i in 0..applications {
        if writes.len() >= IN_FLIGHT
            && let Some(done) = writes.join_next().await
        {
            done??;
        }
        let body = corpus.application(
            &big.to_string(),
            &format!("Applicant {i}"),
            &format!("applicant{i}@bench.invalid"),
        );
        let candidate = candidate_from(&body)?;
        let (store, hash) = (store.clone(), hash.clone());
        writes.spawn(async move { seed_one(store, hash, big, candidate).await });
    }
    while let Some(done) = writes.join_next().await {
        done??;
    }
    eprintln!(
        "seeded {JOBS} jobs and {applications} applications in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(big)
}

async fn seed_one(
    store: Arc<dyn Store>,
    hash: String,
    job: JobId,
    candidate: Candidate,
) -> anyhow::Result<()> {
    let now = pvara_services::now();
    let user = NewUser {
        id: UserId::new(),
        email: candidate.email.clone(),
        full_name: candidate.full_name.clone(),
        role: Role::Applicant,
        password_hash: hash,
        created_at: now,
        email_verified_at: Some(now),
        verification: None,
        language: pvara_domain::language::Language::En,
    };
    let applicant = user.id;
    store.create_user(user).await?;
    let application = NewApplication {
        reference: pvara_domain::reference::Reference::from_bits(rand::random()),
        id: ApplicationId::new(),
        job_id: job,
        applicant_id: applicant,
        candidate,
        submitted_at: now,
        consent_version: pvara_services::usecase::privacy::NOTICE_VERSION.to_owned(),
    };
    let messages = to_messages(&application.events(), SOURCE_API, None, now)?;
    store
        .submit(Submission {
            application,
            cv: None,
            messages,
            equality: Default::default(),
            declaration: None,
        })
        .await?;
    Ok(())
}

/// Signs in through the pages, as a browser does; returns the `Cookie` header to send.
async fn web_session(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let form = client.get(format!("{base}/login")).send().await?;
    let csrf_cookie = cookie(&form, "pvara_csrf").context("no CSRF cookie")?;
    let html = form.text().await?;
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("no CSRF field on the sign-in page")?
        .to_owned();
    let answer = client
        .post(format!("{base}/login"))
        .header("cookie", format!("pvara_csrf={csrf_cookie}"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", STAFF_EMAIL),
            ("password", PASSWORD),
        ])
        .send()
        .await?;
    let session = cookie(&answer, "pvara_session").context("signing in gave no session")?;
    Ok(format!("pvara_csrf={csrf_cookie}; pvara_session={session}"))
}

fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all("set-cookie").iter().find_map(|value| {
        let text = value.to_str().ok()?;
        let (pair, _) = text.split_once(';').unwrap_or((text, ""));
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.trim().to_owned())
    })
}

/// The cursor of the pipeline page that starts `depth` candidates down the ranking.
async fn deep_cursor(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    job: JobId,
    depth: usize,
) -> anyhow::Result<Option<String>> {
    let mut cursor: Option<String> = None;
    for _ in 0..depth / 100 {
        let mut url = format!("{base}/api/applications?jobId={job}&limit=100");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = client.get(url).bearer_auth(token).send().await?.json().await?;
        cursor = page["nextCursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    Ok(cursor)
}

/// Latency of `paths` (taken in turn), one request at a time: p50, p99 and max in ms.
async fn measure(
    client: &reqwest::Client,
    base: &str,
    cookies: &str,
    paths: &[String],
) -> anyhow::Result<Value> {
    let mut latencies = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let path = &paths[i % paths.len()];
        let started = Instant::now();
        let response = client
            .get(format!("{base}{path}"))
            .header("cookie", cookies)
            .send()
            .await?;
        let status = response.status();
        let body = response.bytes().await?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        ensure!(
            status.is_success() && body.len() > 1_000,
            "{path} answered {status}"
        );
    }
    latencies.sort_by(f64::total_cmp);
    Ok(json!({
        "p50": round2(percentile(&latencies, 50.0)),
        "p99": round2(percentile(&latencies, 99.0)),
        "max": round2(percentile(&latencies, 100.0)),
    }))
}

/// Seeds, starts the server, waits for the scores and times the pages.
pub async fn run(options: &BenchOptions) -> anyhow::Result<Value> {
    ensure!(
        options.target.is_none(),
        "--pages seeds its own data: it cannot run against --target"
    );
    let applications = options.applications;
    let dir = tempfile::tempdir().context("cannot create a temporary data directory")?;
    let job = seed(options, dir.path(), applications).await?;
    let server = Server::spawn(options, dir, false).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let base = server.base.clone();
    let token = login(&client, &base, STAFF_EMAIL, PASSWORD).await?;
    let started = Instant::now();
    super::wait_until_scored(&client, &base, &token).await?;
    eprintln!(
        "scored in {:.1} s; measuring pages",
        started.elapsed().as_secs_f64()
    );
    let cookies = web_session(&client, &base).await?;
    let first: Value = client
        .get(format!("{base}/api/applications?jobId={job}&limit=50"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let candidates: Vec<String> = first["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["id"].as_str())
                .map(|id| format!("/staff/applications/{id}"))
                .collect()
        })
        .unwrap_or_default();
    ensure!(!candidates.is_empty(), "no candidates on the first page");
    let deep = deep_cursor(&client, &base, &token, job, applications / 2).await?;
    let deep_path = match &deep {
        Some(cursor) => format!("/staff/jobs/{job}?cursor={cursor}"),
        None => format!("/staff/jobs/{job}"),
    };
    let report = json!({
        "applications": applications,
        "jobs": JOBS,
        "requestsPerPage": SAMPLES,
        "staffJobsMs": measure(&client, &base, &cookies, &["/staff/jobs".to_owned()]).await?,
        "pipelineFirstPageMs": measure(&client, &base, &cookies, &[format!("/staff/jobs/{job}")]).await?,
        "pipelineDeepPageMs": measure(&client, &base, &cookies, &[deep_path]).await?,
        "candidatePageMs": measure(&client, &base, &cookies, &candidates).await?,
    });
    server.stop().await?;
    std::fs::create_dir_all(&options.report_dir)?;
    std::fs::write(
        options.report_dir.join("pages.json"),
        serde_json::to_vec_pretty(&report)?,
    )?;
    Ok(report)
}
