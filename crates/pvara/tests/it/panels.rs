//! Interview rounds, panels of users and their scorecards, on every engine: a job with no test
//! and two rounds; a hiring manager who decides on their job alone; two interviewers who file
//! their cards without seeing each other's first; an outsider who sees nothing; an offer that
//! waits for the last round; the panel mailed its invitations, the candidate none of them.

use chrono::{Duration, Utc};
use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, application_body, error_of, eventually, spawn_app};

async fn id_of(app: &TestApp, email: &str) -> String {
    let user = app.engines.store.user_by_email(email).await.unwrap().unwrap();
    user.id.to_string()
}

fn card(round: u8, recommendation: &str) -> Value {
    let rating = |criterion: &str| json!({"criterion": criterion, "score": 3, "evidence": format!("Good {criterion}")});
    let ratings = [
        "requiredSkills",
        "preferredSkills",
        "experience",
        "education",
        "relevance",
    ]
    .map(rating);
    json!({"round": round, "recommendation": recommendation, "ratings": ratings})
}

async fn panels_decide_in_rounds(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let manager = app.staff("m@pvara.gov", Role::HiringManager).await;
    let other_manager = app.staff("m2@pvara.gov", Role::HiringManager).await;
    let first = app.staff("i1@pvara.gov", Role::Interviewer).await;
    let second = app.staff("i2@pvara.gov", Role::Interviewer).await;
    let outsider = app.staff("i3@pvara.gov", Role::Interviewer).await;
    let manager_id = id_of(&app, "m@pvara.gov").await;
    let interviewers = [
        id_of(&app, "i1@pvara.gov").await,
        id_of(&app, "i2@pvara.gov").await,
    ];
    let mut body = crate::helpers::job_body("Engineer", "Rust services", &["Rust"], &[], 0.0);
    body["stages"] = json!({"onlineTest": false, "interviewRounds": 2});
    body["hiringManagerId"] = json!(manager_id);
    let job = app.create_job(&recruiter, &body).await;
    let who = app.applicant("Panel Candidate").await;
    let id = app
        .submit(
            &who,
            &application_body(&job, &who, &["Rust"], 3.0, "bachelor", "Rust services for years."),
        )
        .await;
    app.wait_for_status(&recruiter, &id, "Under Review").await;

    // Only the job's own hiring manager decides on it.
    let later = |days| Utc::now() + Duration::days(days);
    let round = |n: u8| json!({"scheduledAt": later(2 + i64::from(n)), "location": "Room 4", "interviewerIds": interviewers, "round": n});
    let path = |action: &str| format!("/api/applications/{id}/{action}");
    let refused = app
        .post(&path("interview"), Some(&other_manager), &round(1))
        .await;
    assert_eq!(error_of(refused).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        error_of(
            app.get(&format!("/api/applications/{id}"), Some(&other_manager))
                .await
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let listed = app
        .get_json(&format!("/api/applications?jobId={job}"), Some(&manager))
        .await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "their job's pipeline"
    );
    for (token, query) in [
        (&manager, String::new()),
        (&other_manager, format!("?jobId={job}")),
    ] {
        let refused = app.get(&format!("/api/applications{query}"), Some(token)).await;
        assert_eq!(error_of(refused).await.0, StatusCode::FORBIDDEN, "{query}");
    }
    let skipped = app.post(&path("interview"), Some(&manager), &round(2)).await;
    assert_eq!(
        error_of(skipped).await.0,
        StatusCode::CONFLICT,
        "round 2 before round 1"
    );
    let scheduled = app.post(&path("interview"), Some(&manager), &round(1)).await;
    assert_eq!(scheduled.status(), StatusCode::OK);
    let offer = json!({"salary": 150000, "startDate": later(30).date_naive(), "expiresAt": later(20)});
    let (status, error) = error_of(app.post(&path("offer"), Some(&manager), &offer).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        error["message"].as_str().unwrap().contains("schedule round 2"),
        "{error}"
    );

    // The outsider sees nothing; the panel sees the candidate.
    assert_eq!(
        error_of(app.get(&format!("/api/applications/{id}"), Some(&outsider)).await)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let stray = app
        .post(&path("scorecards"), Some(&outsider), &card(1, "yes"))
        .await;
    assert_eq!(error_of(stray).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.application(&first, &id).await["status"],
        "Interview Scheduled"
    );

    // Independent judgement: the second files first; the first does not see it until filing.
    let incomplete = json!({"round": 1, "recommendation": "yes", "ratings": []});
    let (status, error) = error_of(app.post(&path("scorecards"), Some(&second), &incomplete).await).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("ratings.requiredSkills.score")
        )
    );
    let filed = app
        .post(&path("scorecards"), Some(&second), &card(1, "strongYes"))
        .await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    let cards = |token: &str| {
        let token = token.to_owned();
        let app = &app;
        let url = path("scorecards");
        async move { app.get_json(&url, Some(&token)).await }
    };
    let before = cards(&first).await;
    let seen = |panel: &Value| {
        panel[0]["seats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s.get("recommendation").is_some())
            .count()
    };
    assert_eq!(seen(&before), 0, "hidden before filing one's own: {before}");
    assert_eq!(before[0]["complete"], false);
    assert_eq!(
        seen(&cards(&manager).await),
        1,
        "the hiring manager reads what is filed"
    );
    app.post(&path("scorecards"), Some(&first), &card(1, "yes")).await;
    let after = cards(&first).await;
    assert_eq!((seen(&after), after[0]["complete"].as_bool()), (2, Some(true)));
    let again = app.post(&path("scorecards"), Some(&first), &card(1, "no")).await;
    assert_eq!(error_of(again).await.0, StatusCode::CONFLICT, "a card is final");
    let mine = app.get_json("/api/me/interviews", Some(&first)).await;
    assert_eq!(
        (mine[0]["round"].as_u64(), mine[0]["submitted"].as_bool()),
        (Some(1), Some(true))
    );

    // The cards make the interview mark of a national drive: 3 of 4 everywhere is 75.
    let from_cards = format!("/api/jobs/{job}/marks/from-scorecards");
    let taken = app
        .post(&from_cards, Some(&recruiter), &json!({}))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        (taken["lines"].as_u64(), taken["changed"].as_u64()),
        (Some(1), Some(1))
    );
    let job_id: pvara_domain::ids::JobId = job.parse().unwrap();
    let held = app.engines.store.merit_candidates(job_id).await.unwrap();
    assert_eq!(held[0].interview.map(|m| m.hundredths()), Some(7500));

    // Round 2, then the offer.
    assert_eq!(
        app.post(&path("interview"), Some(&manager), &round(2))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post(&path("offer"), Some(&manager), &offer).await.status(),
        StatusCode::OK
    );

    // Each panel member was invited to each round; the candidate does not see those mails.
    let invitations = eventually("the panel's invitations", || async {
        let mails: Vec<String> = app
            .mails()
            .into_iter()
            .filter(|(name, _)| name.ends_with("-panelInvitation.eml"))
            .map(|(_, text)| text)
            .collect();
        (mails.len() == 4).then_some(mails)
    })
    .await;
    assert!(
        invitations
            .iter()
            .any(|m| m.contains("i1@pvara.gov") && m.contains("round 2"))
    );
    let raw = crate::helpers::raw_mail_in(&app.mail_dir());
    let with_calendar = raw
        .iter()
        .filter(|m| m.contains("X-Pvara-Template: panelInvitation") && m.contains("text/calendar"))
        .count();
    assert_eq!(with_calendar, 4, "each with its calendar invitation");
    let own = app.application(&who.token, &id).await;
    assert!(
        own["mail"]
            .as_array()
            .is_none_or(|mail| mail.iter().all(|m| m["template"] != "panelInvitation")),
        "{own}"
    );
    app.stop().await;
}

crate::on_every_engine!(panels_decide_in_rounds);
