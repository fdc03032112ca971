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

async fn name_blind_story(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let mut body = job_body("Analyst", "Data analysis for the ministry", &["SQL"], &[], 1.0);
    body["nameBlind"] = json!(true);
    let job = app.create_job(&recruiter, &body).await;
    let sana = app.applicant("Sana Mirza").await;
    let cv = "SANA MIRZA, sana.mirza@example.org, +92 51 1234567\nMirza wrote SQL reports for a bank.\n\
              Sana's dashboards; the Mirza-Khan audit; mail s.m@gmail.com; call 0301 2345678, \
              0301-7654321 or (051) 123 4567; CNIC 12345-1234567-1; github.com/sanamirza and \
              @sana_m.\nAddress: House 12, Street 5, F-7/2, Islamabad\nDate of birth: 4 May 1994";
    let id = app
        .submit(
            &sana,
            &application_body(&job, &sana, &["SQL"], 3.0, "bachelor", cv),
        )
        .await;
    let hidden = app.wait_for_status(&recruiter, &id, "Under Review").await;
    assert_eq!(hidden["identityHidden"], true);
    assert!(hidden["fullName"].as_str().unwrap().starts_with("Candidate "));
    assert_eq!(hidden["email"], "withheld@withheld.invalid");
    assert!(hidden["phone"].is_null() && hidden["coverLetter"].is_null());
    let text = hidden.to_string();
    for personal in [
        "Sana",
        "SANA",
        "Mirza",
        "MIRZA",
        "sana.mirza",
        "1234567",
        "glad to serve",
        "s.m@gmail.com",
        "2345678",
        "7654321",
        "123 4567",
        "1234567-1",
        "github",
        "sana_m",
        "House 12",
        "Islamabad",
        "1994",
    ] {
        assert!(
            !text.contains(personal),
            "{personal} shown to staff under name-blind sifting"
        );
    }
    assert!(
        hidden["resumeText"]
            .as_str()
            .unwrap()
            .contains("wrote SQL reports"),
        "what they did stays"
    );
    // No id that leads back to the person: not her account's, and not shared by her other
    // applications.
    let sana_id = app.get_json("/api/me/export", Some(&sana.token)).await["account"]["id"].clone();
    assert_ne!(hidden["applicantId"], sana_id);
    let mut second = job_body("Analyst II", "More data analysis", &["SQL"], &[], 1.0);
    second["nameBlind"] = json!(true);
    let second = app.create_job(&recruiter, &second).await;
    let other = app
        .submit(
            &sana,
            &application_body(&second, &sana, &["SQL"], 3.0, "bachelor", "SQL."),
        )
        .await;
    let other = app.wait_for_status(&recruiter, &other, "Under Review").await;
    assert_ne!(other["applicantId"], hidden["applicantId"]);
    assert_ne!(other["applicantId"], sana_id);
    // The workspace's page for her, and the pipeline's: the same withheld.
    let mut pages = Pages::new(&app);
    pages.sign_in("r@pvara.gov").await;
    for path in [format!("/staff/applications/{id}"), format!("/staff/jobs/{job}")] {
        let html = pages.get(&path).await.text().await.unwrap();
        for personal in [
            "Sana",
            "Mirza",
            "sana.mirza",
            "2345678",
            "1234567-1",
            "github",
            "Islamabad",
            "1994",
        ] {
            assert!(!html.contains(personal), "{personal} on {path}");
        }
    }
    let page: Value = app
        .get(&format!("/api/applications?jobId={job}"), Some(&recruiter))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["fullName"], hidden["fullName"]);
    let cv_file = app
        .get(&format!("/api/applications/{id}/cv"), Some(&recruiter))
        .await;
    assert_eq!(cv_file.status(), StatusCode::FORBIDDEN);
    // The candidate sees herself as she is.
    assert_eq!(app.application(&sana.token, &id).await["fullName"], "Sana Mirza");

    // Still hidden at the test; shown once the interview is scheduled.
    let later = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339();
    let invite = json!({ "testUrl": "https://tests.pvara.gov/t/1", "deadline": later(7) });
    let response = app
        .post(
            &format!("/api/applications/{id}/test-invitation"),
            Some(&recruiter),
            &invite,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.application(&recruiter, &id).await["identityHidden"], true);
    let panel = app.panel(&recruiter).await;
    let interview = json!({ "scheduledAt": later(14), "location": "Room 4", "interviewerIds": panel });
    let response = app
        .post(
            &format!("/api/applications/{id}/interview"),
            Some(&recruiter),
            &interview,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let shown = app.application(&recruiter, &id).await;
    assert_eq!(
        (shown["identityHidden"].clone(), shown["fullName"].clone()),
        (json!(false), json!("Sana Mirza"))
    );
    app.stop().await;
}

crate::on_every_engine!(name_blind_story);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scorer_never_sees_who_the_candidate_is() {
    // Every scorer gets the application without the candidate's name, address or phone.
    let recording = std::sync::Arc::new(RecordingScorer::default());
    let app = spawn_app_with(Backend::Sqlite, recording.clone()).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Clerk", "Filing", &["Filing"], &[], 0.0))
        .await;
    let who = app.applicant("Omar Farooq").await;
    let id = app
        .submit(
            &who,
            &application_body(&job, &who, &["Filing"], 1.0, "bachelor", "Filing."),
        )
        .await;
    app.wait_for_status(&recruiter, &id, "Under Review").await;
    let seen: Vec<String> = recording
        .inputs()
        .iter()
        .map(|input| {
            let c = &input.candidate;
            format!("{} {} {:?}", c.full_name.as_str(), c.email.as_str(), c.phone)
        })
        .collect();
    assert_eq!(seen, ["Withheld withheld@withheld.invalid None"]);
    app.stop().await;
}
