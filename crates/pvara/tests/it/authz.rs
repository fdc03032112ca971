//! Who may do what: the authorization matrix.

use chrono::{Duration, Utc};
use jsonwebtoken::{EncodingKey, Header};
use pvara_domain::ids::UserId;
use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

crate::on_every_engine!(
    applicants_see_only_their_own_and_cannot_act_as_staff,
    missing_forged_and_expired_tokens_get_401,
    login_does_not_reveal_which_emails_exist
);

fn forged(secret: &str, role: &str, expires_in: Duration) -> String {
    forged_for(UserId::new(), secret, role, expires_in)
}

fn forged_for(user: UserId, secret: &str, role: &str, expires_in: Duration) -> String {
    forged_at(user, secret, role, Utc::now(), expires_in)
}

/// A token as pvara issues them, valid from `from`.
fn forged_at(
    user: UserId,
    secret: &str,
    role: &str,
    from: chrono::DateTime<Utc>,
    expires_in: Duration,
) -> String {
    let now = Utc::now();
    let claims = json!({
        "nbf": from.timestamp(),
        "sub": user.to_string(),
        "role": role,
        "iat": now.timestamp(),
        "exp": (now + expires_in).timestamp(),
        "iss": "pvara",
    });
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn applicants_see_only_their_own_and_cannot_act_as_staff(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Analyst", "Data analysis", &["SQL"], &[], 1.0),
        )
        .await;
    let alice = app.applicant("Alice Anwar").await;
    let bob = app.applicant("Bob Baig").await;
    let alice_app = app
        .submit(
            &alice,
            &application_body(&job, &alice, &["SQL"], 2.0, "bachelor", "SQL reports"),
        )
        .await;

    assert_eq!(
        app.get(&format!("/api/applications/{alice_app}"), Some(&alice.token))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/applications/{alice_app}"), Some(&recruiter))
            .await
            .status(),
        StatusCode::OK
    );
    // Another applicant gets the same answer as for an id that does not exist.
    let (status, error) = error_of(
        app.get(&format!("/api/applications/{alice_app}"), Some(&bob.token))
            .await,
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let missing = pvara_domain::ids::ApplicationId::new();
    let (status, _) = error_of(
        app.get(&format!("/api/applications/{missing}"), Some(&recruiter))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, error) = error_of(app.get("/api/applications", Some(&alice.token)).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let job_request = job_body("Mine", "A job I made up", &[], &[], 0.0);
    assert_eq!(
        error_of(app.post("/api/jobs", Some(&alice.token), &job_request).await)
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    let later = (Utc::now() + Duration::days(3)).to_rfc3339();
    let actions: [(&str, Value); 4] = [
        (
            "test-invitation",
            json!({ "testUrl": "https://t.example/1", "deadline": later }),
        ),
        (
            "interview",
            json!({ "scheduledAt": later, "location": "HQ", "interviewerIds": []  }),
        ),
        (
            "offer",
            json!({ "salary": 1000, "startDate": (Utc::now() + Duration::days(9)).date_naive(), "expiresAt": later }),
        ),
        ("rejection", json!({ "reason": "no" })),
    ];
    for (action, body) in &actions {
        let response = app
            .post(
                &format!("/api/applications/{alice_app}/{action}"),
                Some(&alice.token),
                body,
            )
            .await;
        assert_eq!(error_of(response).await.0, StatusCode::FORBIDDEN, "{action}");
    }
    // Staff do not apply.
    let body = application_body(&job, &alice, &["SQL"], 2.0, "bachelor", "x");
    assert_eq!(
        error_of(app.post("/api/applications", Some(&recruiter), &body).await)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let still = app.application(&recruiter, &alice_app).await;
    assert_eq!(
        still["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["to"] == "Rejected")
            .count(),
        0
    );
    app.stop().await;
}

async fn missing_forged_and_expired_tokens_get_401(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Analyst", "Data analysis", &["SQL"], &[], 1.0),
        )
        .await;
    let staff_id = app
        .engines
        .store
        .user_by_email("r@pvara.gov")
        .await
        .unwrap()
        .unwrap()
        .id;
    let valid_staff = forged_for(staff_id, TEST_SECRET, "recruiter", Duration::minutes(5));
    assert_eq!(
        app.get("/api/applications", Some(&valid_staff)).await.status(),
        StatusCode::OK,
        "control: a well-formed token works"
    );

    let bad_tokens = [
        // Signed with the right key, for a user that does not exist.
        forged(TEST_SECRET, "admin", Duration::minutes(5)),
        // Signed with the right key for a real user, but not valid yet.
        forged_at(
            staff_id,
            TEST_SECRET,
            "recruiter",
            Utc::now() + Duration::minutes(10),
            Duration::minutes(30),
        ),
        forged(
            "some-other-secret-that-is-long-enough",
            "admin",
            Duration::minutes(5),
        ),
        forged(TEST_SECRET, "admin", Duration::minutes(-5)),
        "not-a-jwt".to_owned(),
    ];
    for token in bad_tokens.iter().map(Some).chain([None]) {
        for response in [
            app.get("/api/applications", token.map(String::as_str)).await,
            app.post(
                "/api/jobs",
                token.map(String::as_str),
                &job_body("J", "D", &[], &[], 0.0),
            )
            .await,
            app.post(
                "/api/applications",
                token.map(String::as_str),
                &json!({ "jobId": job }),
            )
            .await,
        ] {
            let (status, error) = error_of(response).await;
            assert_eq!(
                (status, error["code"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("unauthorized"))
            );
        }
    }
    // Public routes stay public.
    assert_eq!(app.get("/api/jobs", None).await.status(), StatusCode::OK);
    assert_eq!(
        app.get(&format!("/api/jobs/{job}"), None).await.status(),
        StatusCode::OK
    );
    app.stop().await;
}

async fn login_does_not_reveal_which_emails_exist(backend: Backend) {
    let app = spawn_app(backend).await;
    let someone = app.applicant("Dua Durrani").await;
    let wrong_password = error_of(app.login(&someone.email, "not the password 1").await).await;
    let unknown_email = error_of(app.login("nobody@example.org", PASSWORD).await).await;
    assert_eq!(wrong_password.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password, unknown_email);
    let ok: Value = app.login(&someone.email, PASSWORD).await.json().await.unwrap();
    assert_eq!(ok["role"], "applicant");
    assert!(ok["expiresAt"].as_str().unwrap() > Utc::now().to_rfc3339().as_str());
    app.stop().await;
}
