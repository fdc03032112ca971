//! Throttling of sign-in and of reset mails (issue 10, finding 1): in one process, and shared by two API processes
//! through Redis (`PVARA_TEST_REDIS_URL`, started by the test script).

use std::sync::Arc;

use pvara_services::scorer::RuleScorer;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

fn redis_url() -> String {
    std::env::var("PVARA_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".to_owned())
}

async fn throttled_app(redis: Option<String>) -> TestApp {
    spawn_app_configured(Backend::Sqlite, Arc::new(RuleScorer), move |config| {
        config.rate_limits = true;
        config.redis_url = redis.map(pvara::config::Secret::from);
    })
    .await
}

async fn wrong_sign_ins(app: &TestApp, email: &str, times: usize) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for _ in 0..times {
        statuses.push(app.login(email, "not the password 1").await.status());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_that_keeps_failing_is_locked_with_retry_after() {
    let app = throttled_app(None).await;
    let who = app.applicant("Locked Out").await;
    let statuses = wrong_sign_ins(&app, &who.email, 5).await;
    assert_eq!(statuses, vec![StatusCode::UNAUTHORIZED; 5]);
    // Locked now: even the right password waits, and the answer says for how long.
    let response = app.login(&who.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    let (_, error) = error_of(response).await;
    assert_eq!(error["code"], "too_many_requests");
    // Another account is not affected.
    let other = app.applicant("Not Locked").await;
    assert_eq!(app.login(&other.email, PASSWORD).await.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_are_limited_per_address() {
    let app = throttled_app(None).await;
    let mut statuses = Vec::new();
    for i in 0..45 {
        let body = json!({"email": format!("p{i}@example.org"), "password": PASSWORD, "fullName": "P"});
        statuses.push(app.post("/api/auth/register", None, &body).await.status());
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let created = statuses.iter().filter(|s| **s == StatusCode::ACCEPTED).count();
    assert!(created <= 40, "at most two windows' worth: {created}");
    app.stop().await;
}

/// Nobody can flood an inbox with reset mails: two a minute per account, whoever asks, and the
/// same answers for an address without an account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_mails_are_limited_per_account() {
    let app = throttled_app(None).await;
    let who = app.applicant("Inbox Owner").await;
    for address in [who.email.as_str(), "nobody@example.org"] {
        let mut statuses = Vec::new();
        // Five requests over at most two windows: one window holds three, over the limit.
        for _ in 0..5 {
            let body = json!({ "email": address });
            statuses.push(
                app.post("/api/auth/password-reset-request", None, &body)
                    .await
                    .status(),
            );
        }
        let accepted = statuses.iter().filter(|s| **s == StatusCode::ACCEPTED).count();
        assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
        assert!((2..=4).contains(&accepted), "{statuses:?}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_api_processes_share_the_limits_through_redis() {
    let first = throttled_app(Some(redis_url())).await;
    let second = throttled_app(Some(redis_url())).await;
    // The same person exists in both (separate databases); the lock is the account's.
    let email = format!("shared.{}@example.org", uuid::Uuid::new_v4().simple());
    for app in [&first, &second] {
        let body = json!({"email": email, "password": PASSWORD, "fullName": "Shared"});
        assert_eq!(
            app.post("/api/auth/register", None, &body).await.status(),
            StatusCode::ACCEPTED
        );
    }
    let mut statuses = wrong_sign_ins(&first, &email, 3).await;
    statuses.extend(wrong_sign_ins(&second, &email, 2).await);
    assert_eq!(statuses, vec![StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(
        first.login(&email, PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        second.login(&email, PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    first.stop().await;
    second.stop().await;
}
