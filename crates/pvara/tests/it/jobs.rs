//! A posted job edited, reopened and copied, with its vacancies, on every engine; the edit
//! page reports every problem at once.

use chrono::{Duration, Utc};
use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, Pages, application_body, error_of, job_body, spawn_app};

async fn a_job_is_edited_reopened_and_copied(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let mut body = job_body(
        "Data entry operator",
        "Enters land records",
        &["Typing"],
        &[],
        0.0,
    );
    body["vacancies"] = json!(0);
    let (status, error) = error_of(app.post("/api/jobs", Some(&recruiter), &body).await).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("vacancies"))
    );
    body["vacancies"] = json!(12);
    let job = app.create_job(&recruiter, &body).await;
    assert_eq!(
        app.get_json(&format!("/api/jobs/{job}"), None).await["vacancies"],
        12
    );

    // An edit refuses what it cannot take and changes nothing.
    let path = format!("/api/jobs/{job}");
    let edit = |title: &str, closes_at: Value, vacancies: u32| {
        json!({"title": title, "description": "Enters land records for the district",
               "location": "Quetta", "closesAt": closes_at, "vacancies": vacancies})
    };
    let refused = app
        .client
        .put(app.url(&path))
        .bearer_auth(&recruiter)
        .json(&edit(" ", Value::Null, 3))
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(refused).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("title"))
    );
    let past = json!(Utc::now() - Duration::days(1));
    let refused = app
        .client
        .put(app.url(&path))
        .bearer_auth(&recruiter)
        .json(&edit("Clerk", past, 3))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(refused).await.1["field"], "closesAt");
    assert_eq!(app.get_json(&path, None).await["title"], "Data entry operator");

    // Closed, then reopened by a later closing date: applications are taken again.
    let closed = app
        .post(&format!("/api/jobs/{job}/closure"), Some(&recruiter), &json!({}))
        .await;
    assert_eq!(closed.status(), StatusCode::OK);
    let who = app.applicant("Late Applicant").await;
    let late = application_body(&job, &who, &["Typing"], 1.0, "bachelor", "Typed records.");
    assert_eq!(
        app.post("/api/applications", Some(&who.token), &late)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let later = json!(Utc::now() + Duration::days(10));
    let reopened = app
        .client
        .put(app.url(&path))
        .bearer_auth(&recruiter)
        .json(&edit("Clerk", later, 3))
        .send()
        .await
        .unwrap();
    assert_eq!(reopened.status(), StatusCode::OK);
    let view: Value = reopened.json().await.unwrap();
    assert_eq!(
        (
            view["title"].as_str(),
            view["open"].as_bool(),
            view["vacancies"].as_u64()
        ),
        (Some("Clerk"), Some(true), Some(3))
    );
    assert_eq!(
        view["requirements"]["requiredSkills"],
        json!(["Typing"]),
        "the requirements stay"
    );
    crate::helpers::eventually("the board's closing-date cache to see the reopening", || async {
        let status = app
            .post("/api/applications", Some(&who.token), &late)
            .await
            .status();
        (status == StatusCode::CREATED).then_some(())
    })
    .await;

    // A copy: the same post advertised again, open until filled.
    let applicant_try = app
        .post(&format!("/api/jobs/{job}/copy"), Some(&who.token), &json!({}))
        .await;
    assert_eq!(applicant_try.status(), StatusCode::FORBIDDEN);
    let copied = app
        .post(&format!("/api/jobs/{job}/copy"), Some(&recruiter), &json!({}))
        .await;
    assert_eq!(copied.status(), StatusCode::CREATED);
    let copy: Value = copied.json().await.unwrap();
    assert_ne!(copy["id"], job.as_str());
    assert_eq!(
        (
            copy["title"].as_str(),
            copy["vacancies"].as_u64(),
            copy["closesAt"].is_null()
        ),
        (Some("Clerk"), Some(3), true)
    );
    assert_eq!(copy["requirements"], view["requirements"]);
    app.stop().await;
}

/// A job without an online test: review, then straight to the interview; an invitation to a
/// test is refused in words, and the funnel has no test stage.
async fn a_job_without_a_test_interviews_after_the_review(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let mut body = job_body("Driver", "Drives the district van", &["Driving"], &[], 0.0);
    body["stages"] = json!({"onlineTest": false});
    let job = app.create_job(&recruiter, &body).await;
    assert_eq!(
        app.get_json(&format!("/api/jobs/{job}"), None).await["requirements"]["stages"],
        json!({"onlineTest": false, "interviewRounds": 1})
    );
    let who = app.applicant("Driver Applicant").await;
    let id = app
        .submit(
            &who,
            &application_body(
                &job,
                &who,
                &["Driving"],
                5.0,
                "matric",
                "Drove vans for five years.",
            ),
        )
        .await;
    app.wait_for_status(&recruiter, &id, "Under Review").await;
    let invite =
        json!({"testUrl": "https://tests.pvara.gov/t/9", "deadline": Utc::now() + Duration::days(2)});
    let (status, error) = error_of(
        app.post(
            &format!("/api/applications/{id}/test-invitation"),
            Some(&recruiter),
            &invite,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        error["message"].as_str().unwrap().contains("no online test"),
        "{error}"
    );
    let panel = app.panel(&recruiter).await;
    let interview =
        json!({"scheduledAt": Utc::now() + Duration::days(3), "location": "Depot", "interviewerIds": panel});
    let response = app
        .post(
            &format!("/api/applications/{id}/interview"),
            Some(&recruiter),
            &interview,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let funnel = app
        .get_json(&format!("/api/reports/funnel?jobId={job}"), Some(&recruiter))
        .await;
    let stages: Vec<&str> = funnel["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert!(!stages.contains(&"Test Invited"), "{stages:?}");
    assert_eq!(funnel["stages"][2]["status"], "Interview Scheduled");
    assert_eq!(funnel["stages"][2]["conversion"], 1.0);
    app.stop().await;
}

crate::on_every_engine!(
    a_job_is_edited_reopened_and_copied,
    a_job_without_a_test_interviews_after_the_review
);

/// The edit page: filled with the job, every problem reported at once, the typed values kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edit_page_reports_every_problem_at_once() {
    let app = spawn_app(Backend::Sqlite).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Archivist", "Keeps the archive", &["Filing"], &[], 0.0),
        )
        .await;
    let mut pages = Pages::new(&app);
    pages.sign_in("r@pvara.gov").await;
    let form = pages
        .get(&format!("/staff/jobs/{job}/edit"))
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("value=\"Archivist\"") && form.contains("Number of vacancies"));
    let csrf = pages.csrf(&format!("/staff/jobs/{job}/edit")).await;
    let page = pages
        .post(
            &format!("/staff/jobs/{job}/edit"),
            &[
                ("csrf", csrf.as_str()),
                ("title", ""),
                ("description", "Keeps the archive"),
                ("location", "Gilgit"),
                ("closesAt", "2001-01-01T10:00"),
                ("vacancies", "a few"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    for message in [
        "Title must not be empty",
        "Closing date must be in the future",
        "Number of vacancies must be a whole number",
    ] {
        assert!(page.contains(message), "{message} in the summary");
    }
    assert!(page.contains("value=\"Gilgit\""), "what was typed is kept");
    app.stop().await;
}
