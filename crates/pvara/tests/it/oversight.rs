//! Human oversight: a job's automatic scoring paused, its applications assessed by hand, and the
//! rest scored on resuming.

use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn pause_story(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Clerk", "Records and filing", &["Filing"], &[], 0.0),
        )
        .await;
    let pause = |paused: bool| {
        app.client
            .put(app.url(&format!("/api/jobs/{job}/scoring")))
            .bearer_auth(&recruiter)
            .json(&json!({ "paused": paused }))
            .send()
    };
    let paused: Value = pause(true).await.unwrap().json().await.unwrap();
    assert_eq!(paused, json!({ "paused": true, "applicationsToScore": 0 }));
    let shown: Value = app
        .get(&format!("/api/jobs/{job}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["requirements"]["scoringPaused"], true);

    let mut ids = Vec::new();
    for name in ["Dua Hand", "Eli Waits"] {
        let who = app.applicant(name).await;
        let body = application_body(
            &job,
            &who,
            &["Filing"],
            2.0,
            "bachelor",
            "Kept the registry in order.",
        );
        ids.push(app.submit(&who, &body).await);
    }
    app.settle().await;
    for id in &ids {
        let waiting = app.application(&recruiter, id).await;
        assert_eq!(
            waiting["status"], "Submitted",
            "the scorer leaves a paused job's applications"
        );
        assert!(waiting["aiScore"].is_null());
    }

    // Assessed by hand: the application moves on as a score would move it.
    let url = app.url(&format!("/api/applications/{}/score-override", ids[0]));
    let body = json!({ "score": 77, "reason": "Read the CV: ten years of registry work." });
    let response = app
        .client
        .post(url)
        .bearer_auth(&recruiter)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let assessed = app.application(&recruiter, &ids[0]).await;
    assert_eq!(
        (
            assessed["status"].as_str(),
            assessed["aiScore"].as_u64(),
            assessed["scorerVersion"].as_str()
        ),
        (Some("Under Review"), Some(77), Some("override:by-hand"))
    );
    assert!(
        assessed["history"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("assessed by hand")
    );

    // Resumed: the one still waiting goes to the scorer; the one assessed by hand keeps its score.
    let resumed: Value = pause(false).await.unwrap().json().await.unwrap();
    assert_eq!(resumed["applicationsToScore"], 1);
    let scored = app.wait_for_status(&recruiter, &ids[1], "Under Review").await;
    assert_eq!(scored["history"][1]["actor"], "system:scoring");
    app.settle().await;
    assert_eq!(app.application(&recruiter, &ids[0]).await["aiScore"], 77);
    app.stop().await;
}

crate::on_every_engine!(pause_story);
