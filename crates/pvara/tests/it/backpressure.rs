//! Backpressure (issue 11): while the scorers are more than `--max-lag` records behind, new
//! applications get 503 with `Retry-After`, change nothing, and the shedding shows in `/metrics`.

use std::sync::Arc;

use pvara_services::scorer::RuleScorer;
use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_are_refused_while_the_scorers_are_behind() {
    // No scoring worker: every accepted application adds to the lag.
    let app = spawn_app_configured(Backend::Sqlite, Arc::new(RuleScorer), |config| {
        config.max_lag = Some(2);
        config.roles.scoring = false;
    })
    .await;
    let (_, job, people) = app.recruiter_job_and_people(4).await;
    for who in &people[..3] {
        app.submit(
            who,
            &application_body(&job, who, &["Rust"], 1.0, "bachelor", "Rust"),
        )
        .await;
    }
    let shedding = |text: String| text.lines().any(|l| l == "pvara_backpressure_shedding 1");
    eventually("the lag to be read", || async {
        let metrics = app.get("/metrics", None).await.text().await.unwrap();
        shedding(metrics).then_some(())
    })
    .await;
    let before = app.snapshot().await;
    let who = &people[3];
    let response = app
        .post(
            "/api/applications",
            Some(&who.token),
            &application_body(&job, who, &["Rust"], 1.0, "bachelor", "Rust"),
        )
        .await;
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("overloaded"))
    );
    assert_eq!(retry_after.as_deref(), Some("5"));
    assert_eq!(app.snapshot().await, before, "a shed application changes nothing");
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(metrics.contains("pvara_applications_shed_total 1"), "{metrics}");
    app.stop().await;
}
