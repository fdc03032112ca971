//! Rubrics end to end: a job's weights and knock-outs set by its recruiter, a change re-scoring
//! the open applications once each through the event log, with the old and new score in their
//! history.

use std::sync::Arc;

use pvara_domain::user::Role;
use pvara_services::scorer::RuleScorer;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn weights(required: u8, relevance: u8) -> Value {
    json!({ "requiredSkills": required, "preferredSkills": 15, "experience": 20, "education": 10, "relevance": relevance })
}

async fn rubric_story(backend: Backend) {
    let app = spawn_app_configured(backend, Arc::new(RuleScorer), |_| {}).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let mut body = job_body(
        "Engineer",
        "Rust services on PostgreSQL",
        &["Rust", "PostgreSQL"],
        &[],
        3.0,
    );
    body["rubric"] = json!({ "weights": weights(40, 15) });
    let job = app.create_job(&recruiter, &body).await;
    let created: Value = app
        .get(&format!("/api/jobs/{job}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["requirements"]["rubric"]["version"], 1);

    let mut ids = Vec::new();
    for (name, skills) in [
        ("Ann Both", vec!["Rust", "PostgreSQL"]),
        ("Ben One", vec!["Rust"]),
        ("Cy None", vec!["Cooking"]),
    ] {
        let who = app.applicant(name).await;
        let body = application_body(&job, &who, &skills, 5.0, "bachelor", "Rust services for a bank.");
        ids.push(app.submit(&who, &body).await);
    }
    let mut before = Vec::new();
    for id in &ids {
        let scored = app.wait_for_status(&recruiter, id, "Under Review").await;
        assert_eq!(scored["scorerVersion"], "rules-3/rubric-1");
        before.push(scored["aiScore"].as_u64().unwrap());
    }
    assert_eq!(before[1], 40, "Ben misses a required skill: capped");
    let reject = json!({ "reason": "Not a fit" });
    let response = app
        .post(
            &format!("/api/applications/{}/rejection", ids[2]),
            Some(&recruiter),
            &reject,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // Weights that do not add up to 100 are refused, naming the field, and change nothing.
    app.settle().await;
    let snapshot = app.snapshot().await;
    let bad = json!({ "weights": weights(50, 15) });
    let (status, error) = error_of(
        app.client
            .put(app.url(&format!("/api/jobs/{job}/rubric")))
            .bearer_auth(&recruiter)
            .json(&bad)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["field"], "rubric.weights");
    assert_eq!(app.snapshot().await, snapshot);

    let new = json!({
        "weights": weights(30, 25),
        "knockouts": { "missingRequiredSkill": false, "belowMinimumExperience": true },
    });
    let response = app
        .client
        .put(app.url(&format!("/api/jobs/{job}/rubric")))
        .bearer_auth(&recruiter)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["rubric"]["version"], 2);
    assert_eq!(
        changed["applicationsToRescore"], 2,
        "the rejected application is not re-scored"
    );

    let progress = eventually("every open application re-scored", || async {
        let view: Value = app
            .get(&format!("/api/jobs/{job}/rubric"), Some(&recruiter))
            .await
            .json()
            .await
            .unwrap();
        (view["progress"]["current"] == 2).then_some(view)
    })
    .await;
    assert_eq!(progress["progress"]["open"], 2);
    for (i, id) in ids.iter().enumerate().take(2) {
        let now = app.application(&recruiter, id).await;
        assert_eq!(now["scorerVersion"], "rules-3/rubric-2");
        assert_eq!(now["status"], "Under Review", "a re-score changes no status");
        let changes = now["scoreChanges"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "re-scored once");
        assert_eq!(changes[0]["previous"].as_u64(), Some(before[i]));
        assert_eq!(changes[0]["total"], now["aiScore"]);
        assert!(changes[0]["reason"].as_str().unwrap().contains("rubric 2"));
    }
    let ben = app.application(&recruiter, &ids[1]).await;
    assert!(
        ben["aiScore"].as_u64().unwrap() > 40,
        "the knock-out is off now: {}",
        ben["aiScore"]
    );
    let cy = app.application(&recruiter, &ids[2]).await;
    assert_eq!(
        cy["scorerVersion"], "rules-3/rubric-1",
        "a rejected application keeps its score"
    );
    override_story(&app, &recruiter, &job, &ids[1]).await;
    eventually(
        "one re-score event per open application and rubric change",
        || async { (app.records("rescore-requested").await.len() == 4).then_some(()) },
    )
    .await;
    app.stop().await;
}

/// A recruiter's score over the machine's: kept beside it, in the history, and left alone by a
/// later rubric change.
async fn override_story(app: &TestApp, recruiter: &str, job: &str, id: &str) {
    let url = app.url(&format!("/api/applications/{id}/score-override"));
    let send = |body: Value| {
        app.client
            .post(url.clone())
            .bearer_auth(recruiter)
            .json(&body)
            .send()
    };
    for (body, field) in [
        (json!({ "score": 101, "reason": "x" }), "score"),
        (json!({ "score": 80, "reason": "  " }), "reason"),
    ] {
        let (status, error) = error_of(send(body).await.unwrap()).await;
        assert_eq!(
            (status, error["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field))
        );
    }
    let machine = app.application(recruiter, id).await;
    let response = send(json!({ "score": 88, "reason": "Strong references from two panels" }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let now = app.application(recruiter, id).await;
    assert_eq!(now["aiScore"], 88);
    assert_eq!(
        now["scorerVersion"],
        format!("override:{}", machine["scorerVersion"].as_str().unwrap())
    );
    assert_eq!(
        now["scoreBreakdown"]["total"], machine["aiScore"],
        "the machine's card stays"
    );
    assert_eq!(
        now["scoreBreakdown"]["overridden"]["reason"],
        "Strong references from two panels"
    );
    let last = now["scoreChanges"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["previous"].clone(), last["total"].clone()),
        (machine["aiScore"].clone(), json!(88))
    );
    let new = json!({ "weights": weights(40, 15) });
    let response = app
        .client
        .put(app.url(&format!("/api/jobs/{job}/rubric")))
        .bearer_auth(recruiter)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    eventually("the other application re-scored under rubric 3", || async {
        let view: Value = app
            .get(&format!("/api/jobs/{job}/rubric"), Some(recruiter))
            .await
            .json()
            .await
            .unwrap();
        (view["progress"]["current"] == view["progress"]["open"]).then_some(())
    })
    .await;
    assert_eq!(
        app.application(recruiter, id).await["aiScore"],
        88,
        "a new rubric leaves an override alone"
    );
}

crate::on_every_engine!(rubric_story);

const APPLICANTS: usize = 60;

/// The job's re-scoring progress through the API: (open, current).
async fn progress(client: &reqwest::Client, base: &str, staff: &str, job: &str) -> Option<(u64, u64)> {
    let view = crate::processes::get_json(client, format!("{base}/api/jobs/{job}/rubric"), staff).await?;
    Some((
        view["progress"]["open"].as_u64()?,
        view["progress"]["current"].as_u64()?,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoring_worker_killed_during_a_rescore_rescores_each_application_once() {
    use crate::processes::*;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    create_staff(data, None, "staff@pvara.gov").await;
    // One application per transaction, so that the kill lands between two re-scores.
    let args = ["serve", "--listen", "127.0.0.1:0", "--worker-batch", "1"];
    let mut server = spawn(data, None, &args, "server-0").await;
    let client = reqwest::Client::new();
    let base = server.base().to_owned();
    let staff = login(&client, &base, "staff@pvara.gov").await;
    let body = job_body("Engineer", "Rust services", &["Rust"], &[], 1.0);
    let (status, job) = post(&client, format!("{base}/api/jobs"), Some(&staff), &body)
        .await
        .unwrap();
    assert_eq!(status, StatusCode::CREATED);
    let job = job["id"].as_str().unwrap().to_owned();
    applicants_apply(&client, &base, &job, APPLICANTS, |a, _| {
        json!({
            "skills": ["Rust"], "yearsExperience": (a % 5) as f64, "education": "bachelor",
            "resumeText": format!("Applicant {a} wrote Rust services."),
        })
    })
    .await;
    eventually("every application scored", || async {
        progress(&client, &base, &staff, &job)
            .await
            .filter(|(open, _)| *open == APPLICANTS as u64)
    })
    .await;
    let rubric = json!({ "weights": weights(30, 25) });
    let url = format!("{base}/api/jobs/{job}/rubric");
    let response = client
        .put(url)
        .bearer_auth(&staff)
        .json(&rubric)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, at_kill) = eventually("a first re-score", || async {
        progress(&client, &base, &staff, &job)
            .await
            .filter(|(_, current)| *current > 0)
    })
    .await;
    server.sigkill().await;
    assert!(
        at_kill < APPLICANTS as u64,
        "killed with everything re-scored already"
    );
    let server = spawn(data, None, &args, "server-1").await;
    let base = server.base().to_owned();
    let staff = login(&client, &base, "staff@pvara.gov").await;
    eventually("every application re-scored", || async {
        progress(&client, &base, &staff, &job)
            .await
            .filter(|(_, current)| *current == APPLICANTS as u64)
    })
    .await;
    server.stop().await;
    eprintln!("killed with {at_kill} of {APPLICANTS} re-scored");
    let engines = assert_each_score_changed_once(data).await;
    let requested = per_key(&engines, "rescore-requested").await;
    assert_eq!(requested.len(), APPLICANTS);
    let scored = per_key(&engines, "ai-scoring-complete").await;
    assert!(
        scored.values().all(|n| *n == 2),
        "one score event each, and one re-score event: {scored:?}"
    );
}

/// An erased application keeps its status (the counts add up) but no worker scores its blanked
/// data again: a rubric change re-scores the others, and its history gains nothing.
async fn erased_applications_are_not_rescored(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Engineer", "Rust services", &["Rust"], &[], 1.0),
        )
        .await;
    let kept = app.applicant("Kept Person").await;
    let gone = app.applicant("Erased Person").await;
    let kept_id = app
        .submit(
            &kept,
            &application_body(&job, &kept, &["Rust"], 3.0, "bachelor", "Rust services."),
        )
        .await;
    let gone_id = app
        .submit(
            &gone,
            &application_body(&job, &gone, &["Rust"], 3.0, "bachelor", "Rust services."),
        )
        .await;
    app.wait_for_status(&recruiter, &kept_id, "Under Review").await;
    app.wait_for_status(&recruiter, &gone_id, "Under Review").await;
    let erased = app
        .client
        .delete(app.url("/api/me"))
        .bearer_auth(&gone.token)
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);
    let before = app.application(&recruiter, &gone_id).await;
    let response = app
        .client
        .put(app.url(&format!("/api/jobs/{job}/rubric")))
        .bearer_auth(&recruiter)
        .json(&json!({ "weights": weights(30, 25) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    eventually("the kept application re-scored", || async {
        let now = app.application(&recruiter, &kept_id).await;
        (now["scorerVersion"] == "rules-3/rubric-2").then_some(())
    })
    .await;
    // Both re-score events were consumed (the group's lag is 0) before looking at the erased one.
    app.settle().await;
    let after = app.application(&recruiter, &gone_id).await;
    assert_eq!(
        after["scoreChanges"], before["scoreChanges"],
        "no score change on erased data"
    );
    assert_eq!(
        after["history"], before["history"],
        "no history entry on erased data"
    );
    assert_eq!(after["scorerVersion"], before["scorerVersion"]);
    app.stop().await;
}

crate::on_every_engine!(erased_applications_are_not_rescored);
