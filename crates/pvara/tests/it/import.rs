//! `pvara import mongodb` against a real MongoDB wire server (FerretDB, built by scripts/test),
//! filled by the test with an old-system dataset: bcrypt hashes, every status the old system
//! knew, broken records, and a second database with odd field names read through a mapping.

use std::process::{Child, Command, Stdio};

use mongodb::bson::{DateTime as BsonDate, Document, doc, oid::ObjectId};
use pvara_storage::imports::ImportKind;
use reqwest::StatusCode;
use tempfile::TempDir;

use crate::helpers::{Backend, TestApp, eventually, spawn_app};

/// A FerretDB server of the test's own, stopped when dropped.
struct Ferret {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Ferret {
    async fn start() -> Ferret {
        let bin = std::env::var("PVARA_TEST_FERRETDB")
            .expect("PVARA_TEST_FERRETDB: run the suite with scripts/test");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(bin)
            .arg("--handler=sqlite")
            .arg(format!("--sqlite-url=file:{}/", dir.path().display()))
            .arg(format!("--listen-addr=127.0.0.1:{port}"))
            .args([
                "--debug-addr=127.0.0.1:0",
                "--telemetry=disable",
                "--log-level=error",
            ])
            .arg(format!("--state-dir={}", dir.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let ferret = Ferret {
            child,
            port,
            _dir: dir,
        };
        eventually("FerretDB to listen", || async {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .ok()
                .map(|_| ())
        })
        .await;
        ferret
    }

    fn uri(&self, db: &str) -> String {
        format!("mongodb://127.0.0.1:{}/{db}", self.port)
    }

    async fn fill(&self, db: &str, collection: &str, docs: Vec<Document>) {
        let client = mongodb::Client::with_uri_str(self.uri(db)).await.unwrap();
        client
            .database(db)
            .collection::<Document>(collection)
            .insert_many(docs)
            .await
            .unwrap();
    }
}

impl Drop for Ferret {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the CLI against the app's data; (succeeded, stdout, stderr).
fn cli(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    crate::processes::run(app.data_dir.path(), app.database_url(), args)
}

fn date(days_ago: i64) -> BsonDate {
    BsonDate::from_millis((chrono::Utc::now() - chrono::Duration::days(days_ago)).timestamp_millis())
}

struct Old {
    recruiter: ObjectId,
    ayesha: ObjectId,
    bilal: ObjectId,
    open_job: ObjectId,
    waiting: ObjectId,
    reviewed: ObjectId,
}

/// The old system's data: two good applicants and a recruiter, one account with a bad address
/// and one with the same address as another; an open and a closed job; applications waiting,
/// reviewed with a score, shortlisted, and broken in four ways.
async fn old_system(ferret: &Ferret) -> Old {
    let hash = bcrypt::hash("old password 1", 4).unwrap();
    let [recruiter, ayesha, bilal, bad, twin] = std::array::from_fn(|_| ObjectId::new());
    let user = |id, email: &str, name: &str, role: &str| {
        doc! { "_id": id, "email": email, "password": &hash, "name": name, "role": role, "createdAt": date(400), "__v": 0 }
    };
    let users = vec![
        user(recruiter, "hr@old.example.org", "Hina Rauf", "recruiter"),
        user(ayesha, "Ayesha@Old.example.org", "Ayesha Khan", "user"),
        user(bilal, "bilal@old.example.org", "Bilal Ahmed", "candidate"),
        user(bad, "not an address", "Broken Address", "user"),
        user(twin, "bilal@old.example.org", "Bilal Twin", "user"),
    ];
    ferret.fill("oldats", "users", users).await;
    let [open_job, closed_job] = std::array::from_fn(|_| ObjectId::new());
    ferret
        .fill("oldats", "jobs", vec![
            doc! { "_id": open_job, "title": "Rust Engineer", "description": "Build services", "location": "Lahore",
                   "deadline": date(-30), "requirements": ["Rust", "SQL"], "status": "open", "createdBy": recruiter, "createdAt": date(60) },
            doc! { "_id": closed_job, "title": "Data Analyst", "description": "Reports", "skills": "Excel, SQL",
                   "deadline": date(100), "status": "closed", "createdBy": recruiter, "createdAt": date(200) },
        ])
        .await;
    let [waiting, reviewed, shortlisted, promoted, orphan, nobody, again] =
        std::array::from_fn(|_| ObjectId::new());
    let app = |id, job, user, status: &str, days: i64| {
        doc! { "_id": id, "jobId": job, "userId": user, "fullName": "Ayesha Khan", "email": "ayesha@old.example.org",
        "phone": "+92 300 1234567", "resumeText": "Five years of Rust and SQL services.", "skills": ["Rust", "SQL"],
        "experience": "5 years", "education": "BS Computer Science", "status": status, "createdAt": date(days) }
    };
    let mut scored = app(reviewed, closed_job, bilal, "Under Review", 150);
    scored.insert("aiScore", 82);
    scored.insert("fullName", "Bilal Ahmed");
    ferret
        .fill(
            "oldats",
            "applications",
            vec![
                app(waiting, open_job, ayesha, "Submitted", 2),
                scored,
                app(shortlisted, closed_job, ayesha, "Shortlisted", 140),
                app(promoted, open_job, bilal, "Promoted", 3),
                app(orphan, ObjectId::new(), ayesha, "Submitted", 3),
                app(nobody, open_job, ObjectId::new(), "Submitted", 3),
                app(again, open_job, ayesha, "Submitted", 1),
            ],
        )
        .await;
    Old {
        recruiter,
        ayesha,
        bilal,
        open_job,
        waiting,
        reviewed,
    }
}

async fn the_old_system_comes_across_once(backend: Backend) {
    let ferret = Ferret::start().await;
    let old = old_system(&ferret).await;
    let app = spawn_app(backend).await;
    let store = app.engines.store.as_ref();
    let uri = ferret.uri("oldats");
    let before = store.counts().await.unwrap();

    let (ok, dry, _) = cli(&app, &["import", "mongodb", "--uri", &uri, "--dry-run"]);
    assert!(!ok, "a dry run with problems fails");
    assert!(
        dry.contains("users         5 read, would import 3, 0 already imported, 2 with problems"),
        "{dry}"
    );
    assert!(
        dry.contains("applications  7 read, would import 3, 0 already imported, 4 with problems"),
        "{dry}"
    );
    for problem in [
        "email: must be an e-mail address",
        "its e-mail address is also user",
        "status \"Promoted\" is not one pvara knows",
        "is not among the imported jobs",
        "is not among the imported accounts",
        "the same person applied to this job before",
    ] {
        assert!(dry.contains(problem), "{problem}: {dry}");
    }
    assert!(dry.contains("nothing was written"), "{dry}");
    assert_eq!(store.counts().await.unwrap(), before, "a dry run writes nothing");

    let (ok, first, stderr) = cli(&app, &["import", "mongodb", "--uri", &uri]);
    assert!(
        !ok && stderr.contains("6 records were not imported"),
        "{first}{stderr}"
    );
    assert!(first.contains("applications  7 read, imported 3"), "{first}");
    assert!(
        first.contains("1 application the old system had not scored is scored by pvara"),
        "{first}"
    );
    assert!(
        !first.contains(&uri) && !stderr.contains(&uri),
        "the address is not printed"
    );

    let users = store.imported("mongodb:oldats", ImportKind::User).await.unwrap();
    let jobs = store.imported("mongodb:oldats", ImportKind::Job).await.unwrap();
    let applications = store
        .imported("mongodb:oldats", ImportKind::Application)
        .await
        .unwrap();
    assert_eq!((users.len(), jobs.len(), applications.len()), (3, 2, 3));
    let job = store
        .job(pvara_domain::ids::JobId(jobs[&old.open_job.to_hex()]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        job.created_by.0,
        users[&old.recruiter.to_hex()],
        "posted by its old creator"
    );

    // The old password signs in, and is replaced by pvara's own hash.
    assert_eq!(
        app.login("ayesha@old.example.org", "old password 1")
            .await
            .status(),
        StatusCode::OK
    );
    let ayesha = store
        .user_by_email("ayesha@old.example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ayesha.id.0, users[&old.ayesha.to_hex()]);
    assert!(ayesha.password_hash.starts_with("$argon2id$"));

    // The waiting application is scored by pvara; the reviewed one keeps the old score as history.
    let recruiter = app.token_with("hr@old.example.org", "old password 1").await;
    let waiting = applications[&old.waiting.to_hex()].to_string();
    let scored = app.wait_for_status(&recruiter, &waiting, "Under Review").await;
    assert!(scored["aiScore"].as_f64().is_some(), "{scored}");
    let reviewed = app
        .application(&recruiter, &applications[&old.reviewed.to_hex()].to_string())
        .await;
    assert_eq!(reviewed["status"], "Under Review");
    assert!(
        reviewed["aiScore"].is_null(),
        "the old score is not pvara's: {reviewed}"
    );
    let history = reviewed["history"].to_string();
    assert!(history.contains("with the old system's score of 82"), "{history}");
    let bilal = store
        .user(pvara_domain::ids::UserId(users[&old.bilal.to_hex()]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bilal.full_name, "Bilal Ahmed");

    // A second run imports nothing new and writes nothing.
    app.settle().await;
    let after = store.counts().await.unwrap();
    let (_, second, _) = cli(&app, &["import", "mongodb", "--uri", &uri]);
    assert!(
        second.contains("applications  7 read, imported 0, 3 already imported"),
        "{second}"
    );
    assert_eq!(store.counts().await.unwrap().applications, after.applications);

    // What the old system took in since is all a third run brings across.
    let (sana, late) = (ObjectId::new(), ObjectId::new());
    let hash = bcrypt::hash("old password 2", 4).unwrap();
    ferret
        .fill("oldats", "users", vec![
            doc! { "_id": sana, "email": "sana@old.example.org", "password": &hash, "name": "Sana Mir", "role": "user" },
        ])
        .await;
    ferret
        .fill("oldats", "applications", vec![doc! {
            "_id": late, "jobId": old.open_job, "userId": sana, "fullName": "Sana Mir", "email": "sana@old.example.org",
            "resumeText": "Four years of SQL reporting.", "skills": ["SQL"], "experience": "4 years",
            "education": "BS Statistics", "status": "Submitted", "createdAt": date(0) }])
        .await;
    let (_, third, _) = cli(&app, &["import", "mongodb", "--uri", &uri]);
    assert!(
        third.contains("users         6 read, imported 1, 3 already imported"),
        "{third}"
    );
    assert!(
        third.contains("applications  8 read, imported 1, 3 already imported"),
        "{third}"
    );
    assert_eq!(store.counts().await.unwrap().applications, after.applications + 1);
    app.stop().await;
}

/// Odd field names and status words, read through a mapping; a field it cannot place is
/// reported by name.
async fn a_mapping_reads_other_names(backend: Backend) {
    let ferret = Ferret::start().await;
    let member = ObjectId::new();
    let posting = ObjectId::new();
    let hash = bcrypt::hash("old password 1", 4).unwrap();
    ferret
        .fill("legacy", "members", vec![doc! { "_id": member, "mail": "zara@legacy.example.org", "pwd": hash, "displayName": "Zara Shah", "kind": "staff" }])
        .await;
    ferret
        .fill("legacy", "postings", vec![doc! { "_id": posting, "heading": "Clerk", "body": "Filing", "requirements": "Typing", "owner": member }])
        .await;
    ferret
        .fill("legacy", "candidacies", vec![doc! { "_id": ObjectId::new(), "posting": posting, "member": member, "cv": "Typing at 60 words a minute.",
            "skills": "Typing", "stage": "In Process", "favouriteColour": "green" }])
        .await;
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mapping.toml");
    std::fs::write(
        &file,
        r#"
[collections]
users = "members"
jobs = "postings"
applications = "candidacies"
[users]
email = "mail"
password = "pwd"
name = "displayName"
role = "kind"
[jobs]
title = "heading"
description = "body"
created_by = "owner"
[applications]
job = "posting"
user = "member"
resume = "cv"
status = "stage"
[roles]
staff = "recruiter"
[statuses]
"In Process" = "Under Review"
"#,
    )
    .unwrap();
    let uri = ferret.uri("legacy");
    let (ok, out, err) = cli(
        &app,
        &[
            "import",
            "mongodb",
            "--uri",
            &uri,
            "--mapping",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("applications  1 read, imported 1"), "{out}");
    assert!(out.contains("applications.favouriteColour: in 1 record"), "{out}");
    let ids = app
        .engines
        .store
        .imported("mongodb:legacy", ImportKind::Application)
        .await
        .unwrap();
    let record = app
        .engines
        .store
        .application(pvara_domain::ids::ApplicationId(*ids.values().next().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.status, pvara_domain::status::Status::UnderReview);
    assert_eq!(
        record.candidate.full_name.as_str(),
        "Zara Shah",
        "the account's name where the application has none"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_old_system_comes_across_once_sqlite() {
    the_old_system_comes_across_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_old_system_comes_across_once_postgres() {
    the_old_system_comes_across_once(Backend::Postgres).await;
}

#[tokio::test]
async fn a_mapping_reads_other_names_sqlite() {
    a_mapping_reads_other_names(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_mapping_reads_other_names_postgres() {
    a_mapping_reads_other_names(Backend::Postgres).await;
}
