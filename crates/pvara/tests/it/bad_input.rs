//! Bad input gets a clear 4xx and changes nothing: not the database, not the log.

use chrono::{Duration, Utc};
use pvara_domain::user::Role;
use pvara_storage::testing::{a_closed_job, a_user};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

crate::on_every_engine!(refused_requests_leave_database_and_log_unchanged);

async fn refused_requests_leave_database_and_log_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Engineer", "Rust services", &["Rust"], &[], 1.0),
        )
        .await;
    let applicant = app.applicant("Erum Ejaz").await;
    let good = application_body(&job, &applicant, &["Rust"], 2.0, "bachelor", "Rust services");
    let accepted = app.submit(&applicant, &good).await;
    app.wait_for_status(&recruiter, &accepted, "Under Review").await;
    let owner = a_user(app.engines.store.as_ref(), "closer@pvara.gov", Role::Admin).await;
    let closed = a_closed_job(owner);
    app.engines.store.create_job(closed.clone()).await.unwrap();
    let other = app.applicant("Faraz Farooq").await;
    app.settle().await;
    let before = app.snapshot().await;

    let with = |key: &str, value: Value| {
        let mut body = application_body(&job, &other, &["Rust"], 2.0, "bachelor", "Rust services");
        body[key] = value;
        body
    };
    let mut without_cv = with("jobId", json!(job));
    without_cv.as_object_mut().unwrap().remove("resumeText");
    let apply = "/api/applications";
    let cases: Vec<(&str, reqwest::Response, StatusCode, Option<&str>)> = vec![
        (
            "malformed JSON",
            app.client.post(app.url(apply)).bearer_auth(&other.token).header("content-type", "application/json").body("{\"jobId\":").send().await.unwrap(),
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            "not JSON at all",
            app.client.post(app.url(apply)).bearer_auth(&other.token).header("content-type", "text/plain").body("hello").send().await.unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        ),
        ("wrong type", app.post(apply, Some(&other.token), &with("yearsExperience", json!("ten"))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("yearsExperience")),
        ("missing field", app.post(apply, Some(&other.token), &without_cv).await, StatusCode::UNPROCESSABLE_ENTITY, Some("resumeText")),
        ("bad e-mail", app.post(apply, Some(&other.token), &with("email", json!("not-an-email"))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("email")),
        ("unknown education", app.post(apply, Some(&other.token), &with("education", json!("wizardry"))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("education")),
        ("negative experience", app.post(apply, Some(&other.token), &with("yearsExperience", json!(-1))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("yearsExperience")),
        ("no skills listed", app.post(apply, Some(&other.token), &with("skills", json!([]))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("skills")),
        ("no years of experience", app.post(apply, Some(&other.token), &with("yearsExperience", json!(null))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("yearsExperience")),
        ("CV over the field limit", app.post(apply, Some(&other.token), &with("resumeText", json!("x".repeat(150_000)))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("resumeText")),
        ("unknown job", app.post(apply, Some(&other.token), &with("jobId", json!(pvara_domain::ids::JobId::new()))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("jobId")),
        ("job id not an id", app.post(apply, Some(&other.token), &with("jobId", json!("job-1"))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("jobId")),
        ("closed job", app.post(apply, Some(&other.token), &with("jobId", json!(closed.id))).await, StatusCode::UNPROCESSABLE_ENTITY, Some("jobId")),
        ("second application", app.post(apply, Some(&applicant.token), &good).await, StatusCode::CONFLICT, Some("jobId")),
        (
            "test deadline in the past",
            app.post(&format!("/api/applications/{accepted}/test-invitation"), Some(&recruiter), &json!({ "testUrl": "https://t.example", "deadline": (Utc::now() - Duration::days(1)).to_rfc3339() })).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("deadline"),
        ),
        (
            "offer before interview",
            app.post(&format!("/api/applications/{accepted}/offer"), Some(&recruiter), &json!({ "salary": 5, "startDate": (Utc::now() + Duration::days(40)).date_naive(), "expiresAt": (Utc::now() + Duration::days(5)).to_rfc3339() })).await,
            StatusCode::CONFLICT,
            None,
        ),
        (
            "job requirements missing",
            app.post("/api/jobs", Some(&recruiter), &json!({ "title": "T", "description": "D" })).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("requirements"),
        ),
        (
            "job closing in the past",
            app.post("/api/jobs", Some(&recruiter), &json!({ "title": "T", "description": "D", "closesAt": "2001-01-01T00:00:00Z", "requirements": { "requiredSkills": [] } })).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("closesAt"),
        ),
        ("listing limit", app.get("/api/applications?limit=1000", Some(&recruiter)).await, StatusCode::BAD_REQUEST, Some("limit")),
        ("listing status", app.get("/api/applications?status=Promoted", Some(&recruiter)).await, StatusCode::BAD_REQUEST, Some("status")),
        ("listing cursor", app.get("/api/applications?cursor=forged", Some(&recruiter)).await, StatusCode::BAD_REQUEST, Some("cursor")),
        ("weak password", app.post("/api/auth/register", None, &json!({ "email": "g@example.org", "password": "short", "fullName": "G" })).await, StatusCode::UNPROCESSABLE_ENTITY, Some("password")),
        ("wrong method", app.client.delete(app.url("/api/jobs")).send().await.unwrap(), StatusCode::METHOD_NOT_ALLOWED, None),
    ];
    let oversized = status_of_oversized_post(&app, apply, &other.token, 10 * 1024 * 1024).await;
    assert_eq!(oversized, 413, "a 10 MB CV is refused by size");
    for (what, response, status, field) in cases {
        let (got, error) = error_of(response).await;
        assert_eq!(got, status, "{what}: {error}");
        assert_eq!(error["field"].as_str(), field, "{what}: {error}");
    }
    assert_eq!(
        app.snapshot().await,
        before,
        "a refused request changed something"
    );
    app.stop().await;
}
