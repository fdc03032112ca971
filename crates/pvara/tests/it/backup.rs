//! `pvara backup` under load and `pvara restore` into a fresh directory: the restored server
//! answers what the original did for everything the backup held, and a person erased after the
//! backup does not come back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pvara_domain::user::Role;
use pvara_services::scorer::RuleScorer;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::processes::run as cli;

async fn listing(app: &TestApp, token: &str) -> Vec<Value> {
    let page = app.get_json("/api/applications?limit=100", Some(token)).await;
    page["items"].as_array().cloned().unwrap_or_default()
}

/// What a restore must keep of an application: who, for what, when, under which reference
/// (its status may have moved on after the backup).
fn lasting(application: &Value) -> Value {
    serde_json::json!([
        application["id"],
        application["reference"],
        application["jobId"],
        application["fullName"],
        application["submittedAt"]
    ])
}

#[tokio::test]
async fn a_backup_under_load_restores_what_the_api_answered() {
    let app = spawn_app(Backend::Sqlite).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Engineer", "Rust services", &["Rust"], &[], 1.0),
        )
        .await;
    let gone = app.applicant("Gul Erased").await;
    let body = |who: &Applicant| application_body(&job, who, &["Rust"], 2.0, "bachelor", "Rust services");
    app.submit(&gone, &body(&gone)).await;
    let mut people = Vec::new();
    for n in 0..30 {
        people.push(app.applicant(&format!("Load Person {n}")).await);
    }
    // Submissions go on while the backup runs.
    let running = Arc::new(AtomicBool::new(true));
    let load = {
        let (client, url, running) = (app.client.clone(), app.url("/api/applications"), running.clone());
        let bodies: Vec<(String, Value)> = people.iter().map(|p| (p.token.clone(), body(p))).collect();
        tokio::spawn(async move {
            for (sent, (token, body)) in bodies.into_iter().enumerate() {
                if !running.load(Ordering::Relaxed) && sent > 0 {
                    break;
                }
                let answer = client
                    .post(&url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert!(answer.status().is_success(), "{}", answer.status());
            }
        })
    };
    let backups = tempfile::tempdir().unwrap();
    let copy = backups.path().join("monday");
    let data = app.data_dir.path().to_path_buf();
    let (ok, out, err) = {
        let copy = copy.clone();
        tokio::task::spawn_blocking(move || cli(&data, None, &["backup", copy.to_str().unwrap()]))
            .await
            .unwrap()
    };
    running.store(false, Ordering::Relaxed);
    load.await.unwrap();
    assert!(ok, "{out}{err}");
    assert!(out.contains("integrity check passed"), "{out}");
    let (again, _, refused) = cli(app.data_dir.path(), None, &["backup", copy.to_str().unwrap()]);
    assert!(!again && refused.contains("is not empty"), "{refused}");

    // After the backup, a person is erased.
    let erased = app
        .client
        .delete(app.url("/api/me"))
        .bearer_auth(&gone.token)
        .send()
        .await
        .unwrap();
    assert!(erased.status().is_success(), "{}", erased.status());
    app.settle().await;

    let restored_dir = backups.path().join("restored");
    let (ok, out, err) = cli(
        &restored_dir,
        None,
        &[
            "restore",
            copy.to_str().unwrap(),
            "--erasures-from",
            app.data_dir.path().to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("replayed 1 erasures"), "{out}");
    let kept = raw_mail_in(&restored_dir.join("mail"));
    assert!(!kept.is_empty(), "the delivered mail came back");
    assert!(
        kept.iter().all(|m| !m.contains(&gone.email)),
        "but not the erased person's"
    );
    let (twice, _, refused) = cli(&restored_dir, None, &["restore", copy.to_str().unwrap()]);
    assert!(!twice && refused.contains("is not empty"), "{refused}");

    let restored = spawn_app_configured(Backend::Sqlite, Arc::new(RuleScorer), |c| {
        c.data_dir = restored_dir.clone()
    })
    .await;
    let before: Vec<Value> = listing(&app, &recruiter).await;
    let after: Vec<Value> = listing(&restored, &recruiter).await;
    assert!(
        after.len() > 1 && after.len() <= before.len(),
        "{} of {}",
        after.len(),
        before.len()
    );
    let manifest = std::fs::read_to_string(copy.join("backup.txt")).unwrap();
    assert!(
        manifest.contains(&format!("{} applications", after.len())),
        "{manifest}"
    );
    for application in &after {
        let original = before
            .iter()
            .find(|b| b["id"] == application["id"])
            .expect("in the original");
        assert_eq!(lasting(application), lasting(original));
    }
    assert_eq!(
        restored.login(&gone.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED,
        "erased again"
    );
    assert_eq!(
        restored.login(&people[0].email, PASSWORD).await.status(),
        StatusCode::OK
    );
    restored.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn postgres_is_backed_up_by_its_own_tools() {
    let app = spawn_app(Backend::Postgres).await;
    let target = tempfile::tempdir().unwrap();
    let (ok, _, err) = cli(
        app.data_dir.path(),
        app.database_url(),
        &["backup", target.path().join("b").to_str().unwrap()],
    );
    assert!(!ok && err.contains("pg_dump"), "{err}");
    app.stop().await;
}
