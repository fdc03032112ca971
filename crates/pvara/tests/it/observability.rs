//! What operators see: `/metrics` after real traffic, `--metrics-listen` on worker processes,
//! and `pvara status` on a running and a stopped installation.

use std::collections::HashMap;

use pvara_domain::user::Role;
use pvara_storage::model::OutboxMessage;

use crate::helpers::*;
use crate::processes;

/// Samples of the Prometheus text format: "name{labels}" -> value.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// Sum of every series of `name` whose labels contain all of `labels`.
fn sum(samples: &HashMap<String, f64>, name: &str, labels: &[&str]) -> f64 {
    samples
        .iter()
        .filter(|(series, _)| {
            (series.as_str() == name || series.starts_with(&format!("{name}{{")))
                && labels.iter().all(|l| series.contains(l))
        })
        .map(|(_, v)| v)
        .sum()
}

async fn scrape(app: &TestApp) -> (String, HashMap<String, f64>) {
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();
    let parsed = samples(&text);
    (text, parsed)
}

async fn metrics_follow_applications_through_the_pipeline(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Engineer", "Rust services", &["Rust"], &[], 0.0),
        )
        .await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let who = app.applicant(&format!("Metric Candidate {i}")).await;
        let body = application_body(&job, &who, &["Rust"], 3.0, "bachelor", "I build Rust services.");
        ids.push(app.submit(&who, &body).await);
    }
    for id in &ids {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }
    // Poison on the submitted topic: counted as a dead letter, not as a scored application.
    app.engines
        .log
        .append(vec![OutboxMessage {
            topic: "application-submitted".to_owned(),
            key: Some("poison".to_owned()),
            value: b"{not json".to_vec(),
            headers: vec![],
        }])
        .await
        .unwrap();

    let lag_series = |m: &HashMap<String, f64>, group: &str| {
        m.keys()
            .filter(|k| k.starts_with("pvara_consumer_lag_records{") && k.contains(group))
            .count()
    };
    let (text, m) = eventually("every figure to settle", || async {
        let (text, m) = scrape(&app).await;
        // Lag is reported per partition of each group: 0, and present, not merely missing.
        let lag_read = lag_series(&m, "pvara-scoring") == 3 && lag_series(&m, "pvara-notify") == 3;
        let settled = lag_read
            && sum(&m, "pvara_mails_delivered_total", &[]) == 6.0
            && sum(&m, "pvara_dead_letters_total", &[]) == 1.0
            && sum(&m, "pvara_records_produced_total", &[]) == 13.0
            // PostgreSQL publishes its statistics up to a second late.
            && sum(&m, "pvara_db_rows_written_total", &[]) > 0.0
            && sum(&m, "pvara_consumer_lag_records", &[]) == 0.0
            && sum(&m, "pvara_outbox_backlog_rows", &[]) == 0.0;
        settled.then_some((text, m))
    })
    .await;
    assert_eq!(sum(&m, "pvara_applications_submitted_total", &[]), 3.0);
    assert_eq!(
        sum(
            &m,
            "pvara_http_requests_total",
            &[
                r#"route="/api/applications""#,
                r#"method="POST""#,
                r#"status="201""#
            ]
        ),
        3.0
    );
    // Route templates, never raw paths with ids in them.
    assert!(text.contains(r#"route="/api/applications/{id}""#), "{text}");
    assert!(!ids.iter().any(|id| text.contains(id.as_str())));
    assert_eq!(sum(&m, "pvara_applications_scored_total", &[]), 3.0);
    assert_eq!(sum(&m, "pvara_submit_to_scored_seconds_count", &[]), 3.0);
    assert_eq!(sum(&m, "pvara_scoring_duration_seconds_count", &[]), 3.0);
    assert_eq!(
        sum(
            &m,
            "pvara_dead_letters_total",
            &[r#"topic="application-submitted""#]
        ),
        1.0
    );
    assert_eq!(
        sum(&m, "pvara_records_consumed_total", &[r#"group="pvara-scoring""#]),
        4.0,
        "3 applications and the poison"
    );
    // 3 submitted, 3 scored, 6 mails requested and 1 dead letter were produced.
    assert_eq!(sum(&m, "pvara_records_produced_total", &[]), 13.0);
    assert_eq!(
        sum(&m, "pvara_worker_running", &[r#"group="pvara-scoring""#]),
        1.0
    );
    assert!(sum(&m, "pvara_db_commits_total", &[]) > 0.0);
    // No personal data: names and e-mails stay in the database.
    assert!(
        !text.contains("Metric Candidate") && !text.contains('@'),
        "{text}"
    );
    app.stop().await;
}

crate::on_every_engine!(metrics_follow_applications_through_the_pipeline);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_tells_a_running_installation_from_a_stopped_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // A free port for the metrics listener (the API's own port is read from the start-up line).
    let metrics_addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let serve = processes::spawn(
        data,
        None,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            &metrics_addr,
        ],
        "serve",
    )
    .await;
    let base = serve.base().to_owned();
    let status = |api: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pvara"))
            .arg("--data-dir")
            .arg(data)
            .args(["status", "--api", api])
            .output()
            .unwrap()
    };
    let up = status(&base);
    let text = String::from_utf8_lossy(&up.stdout).into_owned();
    assert!(
        up.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&up.stderr)
    );
    for line in [
        "ok    api",
        "ok    database",
        "ok    outbox",
        "ok    event log",
        "ok    pvara-scoring",
        "ok    pvara-notify",
        "ok    backpressure",
        "ok    dead letters",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert!(
        text.contains("1 member") && text.trim_end().ends_with("healthy"),
        "{text}"
    );

    // The separate metrics listener, for processes without the API, answers too.
    let metrics = reqwest::get(format!("http://{metrics_addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("pvara_worker_running{group=\"pvara-scoring\"} 1"),
        "{metrics}"
    );

    serve.stop().await;
    let down = status(&base);
    let text = String::from_utf8_lossy(&down.stdout).into_owned();
    assert!(!down.status.success(), "{text}");
    assert!(text.contains("FAIL  api"), "{text}");
    assert!(
        text.contains("FAIL  pvara-scoring") && text.contains("no member running"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&down.stderr).contains("unhealthy: api, pvara-scoring, pvara-notify"));

    // A data directory with nothing in it is reported, not quietly given an empty database.
    let empty = tempfile::tempdir().unwrap();
    let nothing = std::process::Command::new(env!("CARGO_BIN_EXE_pvara"))
        .arg("--data-dir")
        .arg(empty.path())
        .args(["status", "--api", &base])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&nothing.stdout).into_owned();
    assert!(
        !nothing.status.success() && text.contains("FAIL  database") && text.contains("no database at"),
        "{text}"
    );
    assert!(!empty.path().join("pvara.db").exists());
}

/// The metric names a dashboard or rule file refers to (recording rules, `pvara:...`, excluded).
fn metric_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .match_indices("pvara_")
        .map(|(at, _)| {
            text[at..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect::<String>()
        })
        .map(|name| {
            ["_bucket", "_count", "_sum"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .map_or(name.clone(), str::to_owned)
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn the_shipped_dashboard_and_alert_rules_name_only_real_metrics() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy");
    let dashboard = std::fs::read_to_string(format!("{root}/grafana/pvara-dashboard.json")).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&dashboard).unwrap();
    assert!(parsed["panels"].as_array().unwrap().len() >= 10);
    let rules = std::fs::read_to_string(format!("{root}/prometheus/alerts.yml")).unwrap();
    for (file, text) in [("dashboard", &dashboard), ("alerts.yml", &rules)] {
        let names = metric_names(text);
        assert!(names.len() >= 8, "{file}: {names:?}");
        for name in names {
            assert!(
                pvara_services::metrics::ALL.contains(&name.as_str()),
                "{file} refers to {name}, which pvara does not export"
            );
        }
    }
    for alert in [
        "PvaraWorkerDown",
        "PvaraConsumerLagGrowing",
        "PvaraDeadLetters",
        "PvaraOutboxStale",
    ] {
        assert!(rules.contains(&format!("alert: {alert}")), "{alert}");
    }
}
