//! Verified addresses, password reset and consent (issue 10, finding 4): an application is
//! answered at its account's verified address only, and links in mail work once.

use pvara_services::scorer::RuleScorer;
use pvara_services::usecase::verification::EmailVerification;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Applicant, Backend, PASSWORD, TestApp, application_body, eventually, job_body, spawn_app_configured,
};
use crate::on_every_engine;

on_every_engine!(verified_addresses_and_password_reset);

/// The `nth` mail to `address` whose subject starts so, once delivered.
pub(crate) async fn mail_to(app: &TestApp, address: &str, subject: &str, nth: usize) -> String {
    eventually(&format!("mail {subject:?} #{nth} to {address}"), || async {
        app.mails()
            .into_iter()
            .map(|(_, m)| m)
            .filter(|m| m.contains(&format!("<{address}>")) && m.contains(&format!("Subject: {subject}")))
            .nth(nth)
    })
    .await
}

/// The token of the link in that mail.
pub(crate) async fn link_token(app: &TestApp, address: &str, subject: &str, nth: usize) -> String {
    let mail = mail_to(app, address, subject, nth).await;
    let at = mail.find("token=").expect("a link with a token") + "token=".len();
    mail[at..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn verified_addresses_and_password_reset(backend: Backend) {
    let app = spawn_app_configured(backend, std::sync::Arc::new(RuleScorer), |config| {
        config.email_verification = EmailVerification::Required;
        config.public_url = Some("https://jobs.example.gov/".to_owned());
    })
    .await;
    let recruiter = app
        .staff("recruiter@pvara.gov", pvara_domain::user::Role::Recruiter)
        .await;
    let job = app
        .create_job(&recruiter, &job_body("Engineer", "Rust", &["Rust"], &[], 0.0))
        .await;

    let email = "nadia@example.org";
    let body = json!({ "email": email, "password": PASSWORD, "fullName": "Nadia Malik" });
    let response = app.post("/api/auth/register", None, &body).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let nadia = Applicant {
        name: "Nadia Malik".to_owned(),
        email: email.to_owned(),
        token: app.token(email).await,
    };
    let application = application_body(&job, &nadia, &["Rust"], 3.0, "bachelor", "Rust services");

    // Not verified yet: applying is refused and changes nothing.
    // The registration's mail event first leaves the outbox, so that only the refusal is compared.
    app.settle().await;
    let before = app.snapshot().await;
    let response = app
        .post("/api/applications", Some(&nadia.token), &application)
        .await;
    let (status, error) = crate::helpers::error_of(response).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("email_unverified"))
    );
    assert_eq!(app.snapshot().await.counts, before.counts);

    // The mail's link, and only it, verifies; once.
    let token = link_token(&app, email, "Confirm your e-mail address", 0).await;
    let mail = app
        .mails()
        .into_iter()
        .map(|(_, m)| m)
        .find(|m| m.contains(&token))
        .unwrap();
    assert!(
        mail.contains("https://jobs.example.gov/verify-email?token="),
        "{mail}"
    );
    let id = token.split('.').next().unwrap();
    for forged in [id.to_owned(), format!("{id}.AAAA"), "nonsense".to_owned()] {
        let response = app
            .post("/api/auth/email-verification", None, &json!({ "token": forged }))
            .await;
        let (status, error) = crate::helpers::error_of(response).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_token"))
        );
    }
    let verify = app
        .post("/api/auth/email-verification", None, &json!({ "token": token }))
        .await;
    assert_eq!(verify.status(), StatusCode::NO_CONTENT);
    let again = app
        .post("/api/auth/email-verification", None, &json!({ "token": token }))
        .await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a link works once"
    );

    // Finding 4: an application cannot name another address; pvara writes to the account's.
    let mut elsewhere = application.clone();
    elsewhere["email"] = json!("victim@elsewhere.test");
    let response = app
        .post("/api/applications", Some(&nadia.token), &elsewhere)
        .await;
    let (status, error) = crate::helpers::error_of(response).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("email"))
    );
    let mut without_consent = application.clone();
    without_consent
        .as_object_mut()
        .unwrap()
        .remove("acceptPrivacyNotice");
    let response = app
        .post("/api/applications", Some(&nadia.token), &without_consent)
        .await;
    let (status, error) = crate::helpers::error_of(response).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("acceptPrivacyNotice"))
    );
    let mut no_email = application.clone();
    no_email.as_object_mut().unwrap().remove("email");
    let id = app.submit(&nadia, &no_email).await;
    let record = app.application(&nadia.token, &id).await;
    assert_eq!(
        (record["email"].as_str(), record["consentVersion"].as_str()),
        (
            Some(email),
            Some(pvara_services::usecase::privacy::NOTICE_VERSION)
        )
    );
    mail_to(&app, email, "We received your application", 0).await;
    assert!(
        app.mails()
            .iter()
            .all(|(_, m)| !m.contains("victim@elsewhere.test"))
    );

    // Password reset: the same answer for a stranger's address, a mail only to a real one.
    for who in ["nobody@example.org", email] {
        let response = app
            .post("/api/auth/password-reset-request", None, &json!({ "email": who }))
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let reset = link_token(&app, email, "Reset your password", 0).await;
    assert!(
        app.mails()
            .iter()
            .all(|(_, m)| !m.contains("<nobody@example.org>"))
    );
    let weak = app
        .post(
            "/api/auth/password-reset",
            None,
            &json!({ "token": reset, "password": "password12" }),
        )
        .await;
    let (status, error) = crate::helpers::error_of(weak).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("password"))
    );
    let old_token = nadia.token.clone();
    let new_password = "a brand new passphrase 7";
    let body = json!({ "token": reset, "password": new_password });
    assert_eq!(
        app.post("/api/auth/password-reset", None, &body).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.post("/api/auth/password-reset", None, &body).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.login(email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.login(email, new_password).await.status(), StatusCode::OK);
    let fresh = app.token_with(email, new_password).await;
    assert_eq!(
        app.get("/api/me/export", Some(&fresh)).await.status(),
        StatusCode::OK
    );
    let stale = app.get("/api/me/export", Some(&old_token)).await.status();
    assert_eq!(
        stale,
        StatusCode::UNAUTHORIZED,
        "tokens from before the reset stop working"
    );

    // The events asking for these mails name the user and the token, never the address.
    app.settle().await;
    let records = app.records("email-notification").await;
    let account_mails: Vec<_> = records
        .iter()
        .filter(|r| {
            r.headers
                .iter()
                .any(|(k, v)| k == "ce_type" && v.contains("account_email"))
        })
        .collect();
    assert_eq!(account_mails.len(), 2);
    for record in account_mails {
        let text = format!("{:?}{}", record.headers, String::from_utf8_lossy(&record.value));
        assert!(!text.contains(email) && !text.contains(&reset), "{text}");
    }
    let admin = app
        .staff("admin@pvara.gov", pvara_domain::user::Role::Admin)
        .await;
    let audit: Value = app.get("/api/audit", Some(&admin)).await.json().await.unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"user.verify_email") && actions.contains(&"user.reset_password"),
        "{actions:?}"
    );
    app.stop().await;
}
