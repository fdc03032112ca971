//! What the web portal brought to the JSON API and the store, on every engine: withdrawal by
//! the applicant, closing a job, deactivated staff losing their tokens, and the counts per job
//! and status kept by the writes themselves.

use pvara_domain::ids::JobId;
use pvara_domain::status::Status;
use pvara_domain::user::Role;
use pvara_storage::model::StatusCount;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

crate::on_every_engine!(
    an_application_comes_with_a_cv_file_as_multipart,
    an_applicant_withdraws_their_own_application_once,
    a_closed_job_takes_no_more_applications,
    a_deactivated_recruiter_loses_their_token_at_once,
    counts_per_job_and_status_follow_the_pipeline
);

async fn an_applicant_withdraws_their_own_application_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Analyst", "Data", &["SQL"], &[], 0.0))
        .await;
    let alice = app.applicant("Alice Anwar").await;
    let bob = app.applicant("Bob Baig").await;
    let id = app
        .submit(
            &alice,
            &application_body(&job, &alice, &["SQL"], 2.0, "bachelor", "SQL"),
        )
        .await;
    let path = format!("/api/applications/{id}/withdrawal");

    // Staff cannot withdraw for a candidate; another applicant cannot see it at all.
    let (status, _) = error_of(app.post(&path, Some(&recruiter), &json!({})).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = error_of(app.post(&path, Some(&bob.token), &json!({})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let response = app
        .post(
            &path,
            Some(&alice.token),
            &json!({"reason": "I took another job"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: serde_json::Value = response.json().await.unwrap();
    assert_eq!(view["status"], "Withdrawn");
    let (status, error) = error_of(app.post(&path, Some(&alice.token), &json!({})).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );

    let record = app.application(&recruiter, &id).await;
    let last = record["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["to"], "Withdrawn");
    assert_eq!(last["details"]["reason"], "I took another job");
    app.settle().await;
    assert_eq!(app.records("application-withdrawn").await.len(), 1);
    eventually("the withdrawal mail", || async {
        app.mails()
            .iter()
            .any(|(name, _)| name.ends_with("-withdrawal.eml"))
            .then_some(())
    })
    .await;
    app.stop().await;
}

async fn a_closed_job_takes_no_more_applications(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Analyst", "Data", &["SQL"], &[], 0.0))
        .await;
    let alice = app.applicant("Alice Anwar").await;
    let bob = app.applicant("Bob Baig").await;
    // The first submission makes this API process remember the job's (open-ended) deadline.
    app.submit(
        &alice,
        &application_body(&job, &alice, &["SQL"], 2.0, "bachelor", "SQL"),
    )
    .await;
    let (status, _) = error_of(
        app.post(
            &format!("/api/jobs/{job}/closure"),
            Some(&alice.token),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = app
        .post(&format!("/api/jobs/{job}/closure"), Some(&recruiter), &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["open"], false);

    let before = app.engines.store.counts().await.unwrap().applications;
    let (status, error) = error_of(
        app.post(
            "/api/applications",
            Some(&bob.token),
            &application_body(&job, &bob, &["SQL"], 2.0, "bachelor", "SQL"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("job_closed"))
    );
    assert_eq!(app.engines.store.counts().await.unwrap().applications, before);
    let open: Vec<serde_json::Value> = app.get("/api/jobs", None).await.json().await.unwrap();
    assert!(open.is_empty(), "a closed job is no longer listed: {open:?}");
    app.stop().await;
}

async fn a_deactivated_recruiter_loses_their_token_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    assert_eq!(
        app.get("/api/applications", Some(&recruiter)).await.status(),
        StatusCode::OK
    );
    let user = app
        .engines
        .store
        .user_by_email("r@pvara.gov")
        .await
        .unwrap()
        .unwrap();
    app.engines
        .store
        .deactivate_user(user.id, pvara_services::now())
        .await
        .unwrap();
    // Another process deactivated the account: this one notices within the cache's few seconds.
    eventually("the token to stop working", || async {
        let status = app.get("/api/applications", Some(&recruiter)).await.status();
        (status == StatusCode::UNAUTHORIZED).then_some(())
    })
    .await;
    assert_eq!(
        app.login("r@pvara.gov", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

fn count(counts: &[StatusCount], job: JobId, status: Status) -> u64 {
    counts
        .iter()
        .find(|c| c.job_id == job && c.status == status)
        .map_or(0, |c| c.count)
}

async fn counts_per_job_and_status_follow_the_pipeline(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Analyst", "Data", &["SQL"], &[], 0.0))
        .await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let who = app.applicant(&format!("Person {i}")).await;
        ids.push(
            app.submit(
                &who,
                &application_body(&job, &who, &["SQL"], 2.0, "bachelor", "SQL"),
            )
            .await,
        );
    }
    for id in &ids {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }
    let reject = json!({"reason": "Another candidate was stronger."});
    for id in &ids[..2] {
        let response = app
            .post(
                &format!("/api/applications/{id}/rejection"),
                Some(&recruiter),
                &reject,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let job: JobId = job.parse().unwrap();
    let counts = app.engines.store.status_counts(&[job]).await.unwrap();
    assert_eq!(count(&counts, job, Status::UnderReview), 3);
    assert_eq!(count(&counts, job, Status::Rejected), 2);
    assert_eq!(count(&counts, job, Status::Submitted), 0);
    assert_eq!(counts.iter().map(|c| c.count).sum::<u64>(), 5);
    app.stop().await;
}

async fn an_application_comes_with_a_cv_file_as_multipart(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Engineer", "Rust services", &["Rust"], &[], 0.0),
        )
        .await;
    let alice = app.applicant("Alice Anwar").await;
    let cv = "Alice Anwar. Five years of Rust services on PostgreSQL, and the on-call rota.";
    let form = |cv_bytes: Vec<u8>, name: &str| {
        cv_form(&job, "Alice Anwar", name, cv_bytes).text("email", alice.email.clone())
    };
    let submit = |form| {
        app.client
            .post(app.url("/api/applications"))
            .bearer_auth(&alice.token)
            .multipart(form)
            .send()
    };

    // An executable named like a PDF is refused by its content, and changes nothing.
    app.settle().await;
    let before = app.snapshot().await;
    let elf = [b"\x7fELF\x02\x01\x01".as_slice(), &[0u8; 64]].concat();
    let (status, error) = error_of(submit(form(elf, "cv.pdf")).await.unwrap()).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cv"))
    );
    assert_eq!(app.snapshot().await, before);

    let response = submit(form(cv.as_bytes().to_vec(), "alice.txt")).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = response.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let record = app.application(&recruiter, &id).await;
    assert_eq!(record["resumeText"], cv, "the file's text is what gets scored");
    let file = app
        .get(&format!("/api/applications/{id}/cv"), Some(&recruiter))
        .await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(
        file.headers()["content-disposition"],
        "attachment; filename=\"alice.txt\""
    );
    assert_eq!(file.bytes().await.unwrap().as_ref(), cv.as_bytes());
    let other = app.applicant("Bob Baig").await;
    assert_eq!(
        app.get(&format!("/api/applications/{id}/cv"), Some(&other.token))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}
