//! Export and erasure (issue 10): after an erasure no table, log record or mail file holds the
//! person's name, e-mail, phone or CV text, and the pipeline's counts still add up.

use pvara_domain::ids::JobId;
use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

crate::on_every_engine!(an_applicant_exports_then_erases_their_data);

/// Every row of every table, as text.
async fn everything_stored(app: &TestApp) -> String {
    match app.database_url() {
        None => {
            let path = app.data_dir.path().join("pvara.db");
            let conn = rusqlite::Connection::open(path).unwrap();
            let tables: Vec<String> = conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let mut text = String::new();
            for table in tables {
                let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
                let columns = stmt.column_count();
                let mut rows = stmt.query([]).unwrap();
                while let Some(row) = rows.next().unwrap() {
                    for i in 0..columns {
                        match row.get_ref(i).unwrap() {
                            rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                                text.push_str(&String::from_utf8_lossy(t));
                            }
                            other => text.push_str(&format!("{other:?}")),
                        }
                        text.push(' ');
                    }
                }
            }
            text
        }
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            let mut text = String::new();
            for table in tables {
                let rows: Vec<String> = sqlx::query_scalar(&format!(
                    "SELECT convert_from(convert_to(t::text, 'UTF8'), 'UTF8') FROM \"{table}\" t"
                ))
                .fetch_all(&pool)
                .await
                .unwrap();
                for row in rows {
                    text.push_str(&row);
                    text.push(' ');
                }
                // bytea values print as hex in t::text; decode the log's and outbox's values.
                if ["log_records", "outbox", "application_files"].contains(&table.as_str()) {
                    let column = if table == "application_files" {
                        "content"
                    } else {
                        "value"
                    };
                    let blobs: Vec<Vec<u8>> = sqlx::query_scalar(&format!("SELECT {column} FROM {table}"))
                        .fetch_all(&pool)
                        .await
                        .unwrap();
                    for blob in blobs {
                        text.push_str(&String::from_utf8_lossy(&blob));
                    }
                }
            }
            pool.close().await;
            text
        }
    }
}

/// Every file under `dir`, read whole.
fn bytes_of_every_file(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.push((path, bytes));
        }
    }
    files
}

fn mail_text(app: &TestApp) -> String {
    app.mails()
        .into_iter()
        .map(|(_, m)| m)
        .collect::<Vec<_>>()
        .join("\n")
}

async fn an_applicant_exports_then_erases_their_data(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let admin = app.staff("a@pvara.gov", Role::Admin).await;
    let job = app
        .create_job(&recruiter, &job_body("Analyst", "Data work", &["SQL"], &[], 0.0))
        .await;
    let zainab = app.applicant("Zainab Qureshi").await;
    // A unique passage longer than a B-tree cell's inline part, so that it lives in overflow
    // pages too.
    let marker = "Xylophonist of the Karakoram archives, who catalogued eleven thousand folios of \
                  the Gilgit manuscripts by lamplight, rebound the Hunza ledgers in goatskin and \
                  taught the Shigar apprentices to read Kharosthi inscriptions on river stones.";
    assert!(marker.len() >= 200);
    let mut body = application_body(&job, &zainab, &["SQL"], 3.0, "bachelor", marker);
    body["phone"] = json!("+92 333 7654321");
    let id = app.submit(&zainab, &body).await;
    let other = app.applicant("Bilal Ahmed").await;
    let kept = app
        .submit(
            &other,
            &application_body(&job, &other, &["SQL"], 1.0, "bachelor", "SQL reports"),
        )
        .await;
    app.wait_for_status(&recruiter, &id, "Under Review").await;
    app.wait_for_status(&recruiter, &kept, "Under Review").await;
    // A score override's reason is free text in the score history: erasure clears it too.
    let response = app
        .post(
            &format!("/api/applications/{id}/score-override"),
            Some(&recruiter),
            &json!({"score": 70, "reason": "Zainab Qureshi interviewed well elsewhere."}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let reject = json!({"reason": "Zainab Qureshi lacks the clearance."});
    let response = app
        .post(
            &format!("/api/applications/{id}/rejection"),
            Some(&recruiter),
            &reject,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    eventually("the mail to be delivered", || async {
        (mail_text(&app).matches("zainab.qureshi@example.org").count() >= 3).then_some(())
    })
    .await;

    // Export: everything about her, including who read it.
    let export: Value = app
        .get("/api/me/export", Some(&zainab.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export["account"]["email"], "zainab.qureshi@example.org");
    assert_eq!(export["applications"][0]["resumeText"], marker);
    assert!(
        export["auditTrail"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "application.rejected")
    );

    // Only she or an admin may erase her; staff are deactivated, not erased.
    let zainab_id = app
        .engines
        .store
        .user_by_email("zainab.qureshi@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let recruiter_id = app
        .engines
        .store
        .user_by_email("r@pvara.gov")
        .await
        .unwrap()
        .unwrap()
        .id;
    let path = format!("/api/users/{zainab_id}");
    assert_eq!(
        app.client
            .delete(app.url(&path))
            .bearer_auth(&recruiter)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let staff_path = format!("/api/users/{recruiter_id}");
    assert_eq!(
        app.client
            .delete(app.url(&staff_path))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT
    );

    let job: JobId = job.parse().unwrap();
    let counts_before = app.engines.store.status_counts(&[job]).await.unwrap();
    app.settle().await;
    let erased = app
        .client
        .delete(app.url("/api/me"))
        .bearer_auth(&zainab.token)
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);

    let stored = everything_stored(&app).await;
    let mail = mail_text(&app);
    for personal in [
        "Zainab",
        "Qureshi",
        "zainab.qureshi@example.org",
        "7654321",
        marker,
    ] {
        assert!(!stored.contains(personal), "{personal} is still stored");
        assert!(!mail.contains(personal), "{personal} is still in the mail folder");
    }
    assert!(
        stored.contains("Bilal Ahmed") && mail.contains("bilal.ahmed@example.org"),
        "others are kept"
    );
    if backend == Backend::Sqlite {
        // Down to the bytes: not in the database file, its WAL or any other file of the data
        // directory (deleted content is zeroed, and the WAL is checkpointed and truncated).
        let files = bytes_of_every_file(app.data_dir.path());
        for personal in [
            "Zainab",
            "Qureshi",
            "zainab.qureshi@example.org",
            "7654321",
            &marker[..60],
            &marker[140..],
        ] {
            for (path, bytes) in &files {
                assert!(
                    !bytes.windows(personal.len()).any(|w| w == personal.as_bytes()),
                    "{personal:?} is still in {}",
                    path.display()
                );
            }
        }
        assert!(
            files
                .iter()
                .any(|(_, b)| b.windows(11).any(|w| w == b"Bilal Ahmed")),
            "the search does find what is kept"
        );
    }
    assert_eq!(
        app.engines.store.status_counts(&[job]).await.unwrap(),
        counts_before
    );
    assert_eq!(
        app.login("zainab.qureshi@example.org", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/me/export", Some(&zainab.token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let trail: Vec<Value> = app
        .get(&format!("/api/audit?subject=user:{zainab_id}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(trail.iter().any(|e| e["action"] == "user.erase"), "{trail:?}");
    app.stop().await;
}

crate::on_every_engine!(retention_anonymises_applications_of_closed_jobs_only);

async fn retention_anonymises_applications_of_closed_jobs_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let closed = app
        .create_job(&recruiter, &job_body("Analyst", "Data work", &["SQL"], &[], 0.0))
        .await;
    let open = app
        .create_job(
            &recruiter,
            &job_body("Engineer", "Rust work", &["Rust"], &[], 0.0),
        )
        .await;
    let who = app.applicant("Nadia Siddiqui").await;
    let old = app
        .submit(
            &who,
            &application_body(&closed, &who, &["SQL"], 3.0, "bachelor", "Old CV text"),
        )
        .await;
    let current = app
        .submit(
            &who,
            &application_body(&open, &who, &["Rust"], 3.0, "bachelor", "Current CV text"),
        )
        .await;
    app.wait_for_status(&recruiter, &old, "Under Review").await;
    let response = app
        .post(
            &format!("/api/jobs/{closed}/closure"),
            Some(&recruiter),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // The retention task's pass, with a period that has already run out for the closed job.
    let store = &app.engines.store;
    let now = pvara_services::now();
    let cutoff = now + chrono::Duration::minutes(1);
    assert_eq!(store.retire_applications(cutoff, now, 500).await.unwrap(), 1);
    assert_eq!(
        store.retire_applications(cutoff, now, 500).await.unwrap(),
        0,
        "done once"
    );
    let retired = app.application(&recruiter, &old).await;
    assert_eq!(
        (retired["fullName"].as_str(), retired["resumeText"].as_str()),
        (Some("Erased"), Some(""))
    );
    assert_eq!(retired["status"], "Under Review", "statuses stay");
    let kept = app.application(&recruiter, &current).await;
    assert_eq!(kept["resumeText"], "Current CV text");
    app.stop().await;
}
