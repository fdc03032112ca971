//! "Your account": a person changes their name and password themselves; every problem is
//! reported at once, and a new password signs out every other session, not theirs.

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, Pages, spawn_app};

async fn a_person_changes_their_name_and_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let who = app.applicant("Nadia Hussain").await;
    let mut here = Pages::new(&app);
    here.sign_in(&who.email).await;
    let mut elsewhere = Pages::new(&app);
    elsewhere.sign_in(&who.email).await;

    let html = here.get("/me/account").await.text().await.unwrap();
    assert!(
        html.contains("Nadia Hussain") && html.contains(&who.email),
        "{html}"
    );

    // A name: an empty one is refused, a new one kept, and the page says so.
    let csrf = here.csrf("/me/account/name").await;
    let html = here
        .post("/me/account/name", &[("csrf", csrf.as_str()), ("fullName", " ")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("govuk-error-summary") && html.contains("Full name must not be empty"),
        "{html}"
    );
    let answer = here
        .post(
            "/me/account/name",
            &[("csrf", csrf.as_str()), ("fullName", "Nadia H. Khan")],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let html = here.get("/me/account?changed=name").await.text().await.unwrap();
    assert!(
        html.contains("Your name has been changed") && html.contains("Nadia H. Khan"),
        "{html}"
    );

    // A password: a wrong current one and a weak new one, both said at once; nothing changes.
    let csrf = here.csrf("/me/account/password").await;
    let html = here
        .post(
            "/me/account/password",
            &[
                ("csrf", csrf.as_str()),
                ("currentPassword", "not it at all"),
                ("newPassword", "short"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Current password is not right"), "{html}");
    assert!(html.contains("New password must be at least"), "{html}");
    assert_eq!(app.login(&who.email, PASSWORD).await.status(), StatusCode::OK);

    // The right one: this session goes on, the other ends, the old token stops working.
    let new_password = "three unrelated words 7";
    let answer = here
        .post(
            "/me/account/password",
            &[
                ("csrf", csrf.as_str()),
                ("currentPassword", PASSWORD),
                ("newPassword", new_password),
            ],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(here.get("/me/account").await.status(), StatusCode::OK);
    assert_eq!(
        elsewhere.get("/me/account").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let old_token = app.get("/api/me/export", Some(&who.token)).await;
    assert_eq!(old_token.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login(&who.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.login(&who.email, new_password).await.status(), StatusCode::OK);
    app.stop().await;
}

crate::on_every_engine!(a_person_changes_their_name_and_password);

async fn the_api_changes_a_name_and_a_password_the_same_way(backend: Backend) {
    let app = spawn_app(backend).await;
    let who = app.applicant("Imran Qureshi").await;
    let put = |path: &'static str, body: serde_json::Value, token: String| {
        let client = reqwest::Client::new();
        let url = app.url(path);
        async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let (status, error) = crate::helpers::error_of(
        put(
            "/api/me/name",
            serde_json::json!({ "fullName": "" }),
            who.token.clone(),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("fullName"))
    );
    let renamed = put(
        "/api/me/name",
        serde_json::json!({ "fullName": "Imran Q." }),
        who.token.clone(),
    )
    .await;
    assert_eq!(renamed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_json("/api/me/export", Some(&who.token)).await["account"]["fullName"],
        "Imran Q."
    );

    let wrong = serde_json::json!({ "currentPassword": "not it", "newPassword": "x" });
    let (status, error) =
        crate::helpers::error_of(put("/api/me/password", wrong, who.token.clone()).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["field"], "currentPassword", "{error}");
    let right = serde_json::json!({ "currentPassword": PASSWORD, "newPassword": "three unrelated words 7" });
    assert_eq!(
        put("/api/me/password", right, who.token.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/me/export", Some(&who.token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&who.email, "three unrelated words 7").await.status(),
        StatusCode::OK
    );
    app.stop().await;
}

crate::on_every_engine!(the_api_changes_a_name_and_a_password_the_same_way);

/// "Stay signed in" from the timeout warning: a fresh session with the same form token (the
/// forms on the screen still post), the old session ended, and the new end said to the script.
async fn staying_signed_in_renews_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let who = app.applicant("Sadia Noor").await;
    let mut pages = Pages::new(&app);
    pages.sign_in(&who.email).await;
    let html = pages.get("/me/applications").await.text().await.unwrap();
    let left: i64 = html
        .split("data-seconds-left=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|n| n.parse().ok())
        .expect("the warning's clock on a signed-in page");
    assert!(html.contains("You will be signed out soon"), "{html}");
    let old_cookie = pages.cookie("pvara_session");
    let csrf = pages.csrf("/me/applications").await;

    let renewed = pages
        .post_with_accept(
            "/session/renew",
            &[("csrf", csrf.as_str()), ("back", "/me/applications")],
            "application/json",
        )
        .await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let body: serde_json::Value = renewed.json().await.unwrap();
    assert!(body["secondsLeft"].as_i64().unwrap() >= left - 5, "{body}");
    assert_ne!(pages.cookie("pvara_session"), old_cookie, "a fresh session");
    assert_eq!(pages.csrf("/me/account").await, csrf, "the same form token");

    // The old session is over: a stolen copy of the old cookie signs nobody in.
    let mut stale = Pages::new(&app);
    stale.set_cookie("pvara_session", &old_cookie);
    assert_eq!(
        stale.get("/me/applications").await.status(),
        StatusCode::SEE_OTHER
    );
    // Without a script: back to the page it was asked from. Signed out, it asks to sign in.
    let back = pages
        .post(
            "/session/renew",
            &[("csrf", csrf.as_str()), ("back", "/me/account")],
        )
        .await;
    assert_eq!(back.headers()["location"], "/me/account");
    app.stop().await;
}

crate::on_every_engine!(staying_signed_in_renews_the_session);

/// A new e-mail address: every problem at once, then a link mailed to the new address, and the
/// account moves only when that link's button is pressed; the link works once, and not for an
/// address another account took meanwhile.
async fn a_person_moves_their_account_to_a_new_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let who = app.applicant("Imran Qureshi").await;
    let mut pages = Pages::new(&app);
    pages.sign_in(&who.email).await;
    let settings = pages.get("/me/account").await.text().await.unwrap();
    assert!(settings.contains(r#"href="/me/account/email""#), "{settings}");

    let csrf = pages.csrf("/me/account/email").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("newEmail", "not an address"),
        ("currentPassword", "wrong password"),
    ];
    let html = pages.post("/me/account/email", &form).await.text().await.unwrap();
    for words in [
        "New e-mail address must be an e-mail address",
        "Current password is not right",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    let own = who.email.clone();
    let html = pages
        .post(
            "/me/account/email",
            &[
                ("csrf", csrf.as_str()),
                ("newEmail", own.as_str()),
                ("currentPassword", PASSWORD),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("is already your account&#39;s address"), "{html}");

    let answer = pages
        .post(
            "/me/account/email",
            &[
                ("csrf", csrf.as_str()),
                ("newEmail", "imran.new@example.org"),
                ("currentPassword", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()["location"], "/me/account?changed=email-link");
    let token = crate::verification::link_token(
        &app,
        "imran.new@example.org",
        "Confirm your new e-mail address",
        0,
    )
    .await;
    assert_eq!(
        app.engines
            .store
            .user_by_email(&who.email)
            .await
            .unwrap()
            .map(|u| u.full_name),
        Some("Imran Qureshi".to_owned()),
        "nothing moves before the link is followed"
    );

    // Opening the link changes nothing; its button does, once.
    let link = format!("/confirm-new-email?token={token}");
    let page = pages.get(&link).await.text().await.unwrap();
    assert!(page.contains("Confirm my new e-mail address"), "{page}");
    assert!(
        app.engines
            .store
            .user_by_email("imran.new@example.org")
            .await
            .unwrap()
            .is_none()
    );
    let csrf = pages.csrf(&link).await;
    let confirm = [("csrf", csrf.as_str()), ("token", token.as_str())];
    let html = pages
        .post("/confirm-new-email", &confirm)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Your e-mail address has been changed"), "{html}");
    let moved = app
        .engines
        .store
        .user_by_email("imran.new@example.org")
        .await
        .unwrap()
        .unwrap();
    assert!(moved.email_verified);
    assert!(
        app.engines
            .store
            .user_by_email(&who.email)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        app.login("imran.new@example.org", PASSWORD).await.status(),
        StatusCode::OK
    );
    let html = pages
        .post("/confirm-new-email", &confirm)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("This link is not valid"),
        "a link works once: {html}"
    );

    // An address another account took since the link was mailed: refused, and nothing moves.
    let other = app.applicant("Someone Else").await;
    let csrf = pages.csrf("/me/account/email").await;
    let taken = other.email.clone();
    pages
        .post(
            "/me/account/email",
            &[
                ("csrf", csrf.as_str()),
                ("newEmail", taken.as_str()),
                ("currentPassword", PASSWORD),
            ],
        )
        .await;
    let token = crate::verification::link_token(&app, &taken, "Confirm your new e-mail address", 0).await;
    let html = pages
        .post(
            "/confirm-new-email",
            &[("csrf", csrf.as_str()), ("token", token.as_str())],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("belongs to another account now"), "{html}");
    assert!(
        app.engines
            .store
            .user_by_email("imran.new@example.org")
            .await
            .unwrap()
            .is_some()
    );
    app.stop().await;
}

crate::on_every_engine!(a_person_moves_their_account_to_a_new_address);
