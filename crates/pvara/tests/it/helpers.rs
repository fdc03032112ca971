//! `spawn_app()` and typed request helpers.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use pvara::config::{Config, Secret};
use pvara::startup::Application;
use pvara_domain::user::{Email, FullName, Password, Role};
use pvara_services::scorer::{RuleScorer, Scorer};
use pvara_services::usecase::verification::EmailVerification;
use pvara_storage::Engines;
use pvara_storage::model::{Counts, Record};
use pvara_storage::testing::{TestDatabase, test_kafka};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const TEST_SECRET: &str = "integration-test-secret-0123456789abcdef";
pub const PASSWORD: &str = "a good password 1";
/// How long any asynchronous effect may take before a test fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// The storage engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    /// PostgreSQL for the data and outbox, Kafka (the test broker) for the event log.
    PostgresKafka,
}

/// Runs a story (an `async fn(Backend)`) once per engine combination, as `<story>::sqlite`,
/// `<story>::postgres` and `<story>::postgres_kafka`.
#[macro_export]
macro_rules! on_every_engine {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            use $crate::helpers::Backend;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$story(Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$story(Backend::Postgres).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres_kafka() {
                super::$story(Backend::PostgresKafka).await;
            }
        }
    )*};
}

/// The rules scorer, keeping every input it was given, to check what a scorer sees.
#[derive(Debug, Default)]
pub struct RecordingScorer(std::sync::Mutex<Vec<pvara_storage::model::ScoringInput>>);

impl RecordingScorer {
    pub fn inputs(&self) -> Vec<pvara_storage::model::ScoringInput> {
        self.0.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl Scorer for RecordingScorer {
    async fn score_batch(
        &self,
        inputs: &[pvara_storage::model::ScoringInput],
    ) -> Vec<Result<pvara_domain::scoring::ScoreCard, pvara_services::scorer::ScoringError>> {
        self.0.lock().unwrap().extend_from_slice(inputs);
        pvara_services::scorer::RuleScorer.score_batch(inputs).await
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub engines: Engines,
    pub data_dir: TempDir,
    shutdown: CancellationToken,
    server: JoinHandle<anyhow::Result<()>>,
    database: Option<TestDatabase>,
    /// The Kafka settings, on the Kafka backend.
    pub kafka: Option<pvara_storage::kafka::KafkaOptions>,
}

pub struct Applicant {
    pub name: String,
    pub email: String,
    pub token: String,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Arc::new(RuleScorer)).await
}

pub async fn spawn_app_with(backend: Backend, scorer: Arc<dyn Scorer>) -> TestApp {
    spawn_app_configured(backend, scorer, |_| {}).await
}

/// As [`spawn_app_with`], with a last word on the configuration.
pub async fn spawn_app_configured(
    backend: Backend,
    scorer: Arc<dyn Scorer>,
    adjust: impl FnOnce(&mut Config),
) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(data_dir.path());
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres | Backend::PostgresKafka => Some(TestDatabase::create().await),
    };
    if backend == Backend::PostgresKafka {
        config.kafka = Some(test_kafka());
    }
    config.database_url = database.as_ref().map(|db| db.url.clone());
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.jwt_secret = Some(Secret::from(TEST_SECRET));
    config.workers.retry_delay = Duration::from_millis(5);
    // Stories register dozens of people from one address; the limits have tests of their own.
    config.rate_limits = false;
    // Stories' applicants do not read their mail; verification has a story of its own.
    config.email_verification = EmailVerification::Off;
    // The test binary is not pvara: CV files are read by children of the reader binary, as an
    // installation's are.
    config.sandbox_program = Some(PathBuf::from(env!("CARGO_BIN_EXE_pvara-cv-reader")));
    adjust(&mut config);
    let kafka = config.kafka.clone();
    let app = Application::build_with_scorer(config, scorer).await.unwrap();
    let address = format!("http://{}", app.local_addr().unwrap());
    let engines = app.engines().clone();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(app.run(shutdown.clone()));
    TestApp {
        address,
        client: reqwest::Client::new(),
        engines,
        data_dir,
        shutdown,
        server,
        database,
        kafka,
    }
}

/// Polls `check` until it returns `Some`, failing the test after [`DEADLINE`].
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    eventually_within(DEADLINE, what, check).await
}

/// As [`eventually`], for work that is expected to take longer than [`DEADLINE`].
pub async fn eventually_within<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    let mut ticks = tokio::time::interval(Duration::from_millis(20));
    loop {
        ticks.tick().await;
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
    }
}

pub fn job_body(title: &str, description: &str, required: &[&str], preferred: &[&str], years: f64) -> Value {
    json!({
        "title": title,
        "description": description,
        "location": "Islamabad",
        "requirements": {
            "requiredSkills": required,
            "preferredSkills": preferred,
            "minYearsExperience": years,
            "education": "bachelor"
        }
    })
}

pub fn application_body(
    job_id: &str,
    who: &Applicant,
    skills: &[&str],
    years: f64,
    education: &str,
    cv: &str,
) -> Value {
    json!({
        "jobId": job_id,
        "fullName": who.name,
        "email": who.email,
        "phone": "+92 51 1234567",
        "skills": skills,
        "yearsExperience": years,
        "education": education,
        "resumeText": cv,
        "coverLetter": "I would be glad to serve.",
        "acceptPrivacyNotice": true
    })
}

/// Everything a refused request must leave untouched.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub counts: Counts,
    pub log_ends: Vec<(String, u32, u64)>,
}

impl TestApp {
    /// The PostgreSQL database of this app, if it runs on one.
    pub fn database_url(&self) -> Option<&str> {
        self.database.as_ref().map(|db| db.url.as_str())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/auth/login",
            None,
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    pub async fn token(&self, email: &str) -> String {
        self.token_with(email, PASSWORD).await
    }

    pub async fn token_with(&self, email: &str, password: &str) -> String {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A staff account, created the way `pvara users create` does it, logged in over HTTP.
    pub async fn staff(&self, email: &str, role: Role) -> String {
        pvara_services::api::users::create_user(
            self.engines.store.as_ref(),
            Email::parse("email", email).unwrap(),
            FullName::parse("Staff Member").unwrap(),
            Password::parse(PASSWORD).unwrap(),
            role,
        )
        .await
        .unwrap();
        self.token(email).await
    }

    /// The ids of everyone who may sit on an interview panel (`GET /api/interviewers`), as
    /// a scheduling's `interviewerIds`.
    pub async fn panel(&self, token: &str) -> Value {
        let people = self.get_json("/api/interviewers", Some(token)).await;
        Value::Array(
            people
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].clone())
                .collect(),
        )
    }

    pub async fn applicant(&self, name: &str) -> Applicant {
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        let body = json!({ "email": email, "password": PASSWORD, "fullName": name });
        let response = self.post("/api/auth/register", None, &body).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let token = self.token(&email).await;
        Applicant {
            name: name.to_owned(),
            email,
            token,
        }
    }

    /// A recruiter's token, one open job of theirs requiring Rust, and `n` applicants.
    pub async fn recruiter_job_and_people(&self, n: usize) -> (String, String, Vec<Applicant>) {
        let recruiter = self.staff("r@pvara.gov", Role::Recruiter).await;
        let job = self
            .create_job(&recruiter, &job_body("Engineer", "Rust", &["Rust"], &[], 0.0))
            .await;
        let mut people = Vec::new();
        for i in 0..n {
            people.push(self.applicant(&format!("Person {i}")).await);
        }
        (recruiter, job, people)
    }

    pub async fn create_job(&self, token: &str, body: &Value) -> String {
        let response = self.post("/api/jobs", Some(token), body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Submits and expects 201; returns the application id.
    pub async fn submit(&self, who: &Applicant, body: &Value) -> String {
        let response = self.post("/api/applications", Some(&who.token), body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// GET that must answer 200, as JSON.
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        let response = self.get(path, token).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn application(&self, token: &str, id: &str) -> Value {
        let response = self.get(&format!("/api/applications/{id}"), Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    pub async fn wait_for_status(&self, token: &str, id: &str, status: &str) -> Value {
        eventually(&format!("{id} to be {status}"), || async {
            let application = self.application(token, id).await;
            (application["status"] == status).then_some(application)
        })
        .await
    }

    /// Every record of `topic`, all partitions.
    pub async fn records(&self, topic: &str) -> Vec<Record> {
        let mut records = Vec::new();
        for p in 0..3 {
            records.extend(self.engines.log.read(topic, p, 0, 1_000_000).await.unwrap());
        }
        records
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.path().join("mail")
    }

    /// Delivered mail, see [`mails_in`].
    pub fn mails(&self) -> Vec<(String, String)> {
        mails_in(&self.mail_dir())
    }

    pub async fn snapshot(&self) -> Snapshot {
        let counts = self.engines.store.counts().await.unwrap();
        let mut log_ends = Vec::new();
        for topic in self.engines.log.topics().await.unwrap() {
            for p in topic.partitions {
                log_ends.push((topic.name.clone(), p.partition, p.end_offset));
            }
        }
        Snapshot { counts, log_ends }
    }

    /// Waits until the outbox is empty and every group has caught up.
    /// A group appears in `groups()` only once it has committed; until then a worker that
    /// always runs here (scoring, notify, rescore) lags by its whole topic, or a settle between
    /// the relay's publish and the worker's first commit would pass too early.
    pub async fn settle(&self) {
        use pvara_domain::event::{NOTIFY_GROUP, RESCORE_GROUP, SCORING_GROUP};
        eventually("the pipeline to settle", || async {
            let outbox = self.engines.store.counts().await.unwrap().outbox;
            let groups = self.engines.log.groups().await.unwrap();
            let mut lag: u64 = groups.iter().map(|g| g.lag()).sum();
            for topic in self.engines.log.topics().await.unwrap() {
                for group in [SCORING_GROUP, NOTIFY_GROUP, RESCORE_GROUP] {
                    if group.topic.name() != topic.name {
                        continue;
                    }
                    for p in &topic.partitions {
                        let seen = groups.iter().any(|g| {
                            g.group == group.name && g.topic == topic.name && g.partition == p.partition
                        });
                        if !seen {
                            lag += p.end_offset;
                        }
                    }
                }
            }
            (outbox == 0 && lag == 0).then_some(())
        })
        .await;
    }

    /// Waits for the server to stop by itself (it is not told to) and returns how it ended.
    pub async fn stopped_by_itself(self) -> anyhow::Result<()> {
        let ended = tokio::time::timeout(DEADLINE, self.server)
            .await
            .expect("pvara kept running");
        if let Some(database) = self.database {
            database.drop_now().await;
        }
        ended.unwrap()
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        self.server.await.unwrap().unwrap();
        if let Some(database) = self.database {
            database.drop_now().await;
        }
    }
}

/// Announces a `content_length`-byte JSON body, sends its first 64 KiB and reads the answer's
/// status. A server that refuses by Content-Length answers before the rest arrives; an HTTP
/// library would instead fail on the broken pipe when the server hangs up.
pub async fn status_of_oversized_post(app: &TestApp, path: &str, token: &str, content_length: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {content_length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(&vec![b' '; 64 * 1024]).await;
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(DEADLINE, stream.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let status_line = String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// Every message in the mbox files of `dir`, as a person reads it: its header block, then its
/// plain-text part decoded (MIME parsed by an independent parser), in delivery order.
pub fn mail_copies_in(dir: &std::path::Path) -> Vec<String> {
    raw_mail_in(dir)
        .into_iter()
        .map(|raw| {
            let headers = raw
                .split("\r\n\r\n")
                .next()
                .unwrap_or_default()
                .replace("\r\n", "\n");
            let parsed = mail_parser::MessageParser::default()
                .parse(raw.as_bytes())
                .expect("a message that parses");
            let text = parsed.body_text(0).expect("a plain-text part").into_owned();
            format!("{headers}\n\n{text}")
        })
        .collect()
}

/// Every message in the mbox files of `dir`, as it was handed over (MIME), in delivery order.
pub fn raw_mail_in(dir: &std::path::Path) -> Vec<String> {
    let from: lettre::message::Mailbox = "PVARA <recruitment@pvara.invalid>".parse().unwrap();
    pvara_services::mail::FileMailer::new(dir, from)
        .messages()
        .unwrap()
}

/// Delivered mail as (`<event id>-<template>.eml`, message), sorted by name. A copy delivered
/// again (allowed after a crash: delivery is at least once) appears once, as a mail client that
/// drops duplicate Message-IDs shows it.
pub fn mails_in(dir: &std::path::Path) -> Vec<(String, String)> {
    let header = |message: &str, name: &str| -> String {
        message
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_else(|| panic!("a mail without {name}: {message}"))
            .trim()
            .to_owned()
    };
    let mut mails = std::collections::BTreeMap::new();
    for message in mail_copies_in(dir) {
        let id = header(&message, "Message-ID:");
        let id = id.trim_start_matches('<').trim_end_matches("@pvara>").to_owned();
        let template = header(&message, "X-Pvara-Template:");
        mails.insert(format!("{id}-{template}.eml"), message);
    }
    mails.into_iter().collect()
}

/// An application as the apply form posts it (multipart, the CV as a file `file_name`), for a
/// job requiring Rust.
pub fn cv_form(job: &str, full_name: &str, file_name: &str, file: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("jobId", job.to_owned())
        .text("fullName", full_name.to_owned())
        .text("skills", "Rust, PostgreSQL")
        .text("yearsExperience", "5")
        .text("education", "bachelor")
        .text("resumeText", "")
        .text("acceptPrivacyNotice", "true")
        .part(
            "cv",
            reqwest::multipart::Part::bytes(file).file_name(file_name.to_owned()),
        )
}

/// A browser's part that matters here: cookies kept, redirects not followed.
pub struct Pages {
    client: reqwest::Client,
    base: String,
    cookies: std::collections::BTreeMap<String, String>,
}

impl Pages {
    pub fn new(app: &TestApp) -> Pages {
        Pages {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.address.clone(),
            cookies: Default::default(),
        }
    }

    fn keep(&mut self, response: &reqwest::Response) {
        for cookie in response.headers().get_all("set-cookie") {
            let pair = cookie.to_str().unwrap().split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&response);
        response
    }

    /// The CSRF token of the form on `path`.
    pub async fn csrf(&mut self, path: &str) -> String {
        let html = self.get(path).await.text().await.unwrap();
        html.split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned()
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.post_with_accept(path, form, "*/*").await
    }

    /// "Check your answers" at `check`, then its one button: the application sent.
    pub async fn send_checked(&mut self, check: &str) -> reqwest::Response {
        let csrf = self.csrf(check).await;
        self.post(check, &[("csrf", csrf.as_str())]).await
    }
}

impl Pages {
    /// The value of cookie `name` this browser holds.
    pub fn cookie(&self, name: &str) -> String {
        self.cookies.get(name).cloned().unwrap_or_default()
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    /// Posts a form as a page's script does, asking for `accept`.
    pub async fn post_with_accept(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        accept: &str,
    ) -> reqwest::Response {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("accept", accept)
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep(&response);
        response
    }

    /// Signs in through the sign-in page, as a person would.
    pub async fn sign_in(&mut self, email: &str) {
        let csrf = self.csrf("/login").await;
        let answer = self
            .post(
                "/login",
                &[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "signed in");
    }

    /// Posts a multipart form (the apply form), with the CSRF token added.
    pub async fn post_multipart(&mut self, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        self.post_multipart_from(path, path, form).await
    }

    /// Posts a multipart form shown on `page` to `path`, with the CSRF token added.
    pub async fn post_multipart_from(
        &mut self,
        page: &str,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        let csrf = self.csrf(page).await;
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .multipart(form.text("csrf", csrf))
            .send()
            .await
            .unwrap();
        self.keep(&response);
        response
    }
}

pub async fn error_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    let error = body["error"].clone();
    assert!(
        error["code"].is_string() && error["message"].is_string(),
        "error shape: {body}"
    );
    (status, error)
}
