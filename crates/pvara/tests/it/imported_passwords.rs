//! Accounts brought over from the Node.js system keep their passwords: a bcrypt hash signs in,
//! and the first sign-in that proves the password replaces it with pvara's own (argon2id), on
//! the API and the pages alike. A wrong password gets the same answer as for any account.

use pvara_domain::ids::UserId;
use pvara_domain::language::Language;
use pvara_domain::user::{Email, FullName, Role};
use pvara_storage::model::NewUser;
use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, Pages, TestApp, spawn_app};

/// An account as an import writes it: the old system's bcrypt hash, as it was.
async fn imported(app: &TestApp, email: &str) -> UserId {
    let id = UserId::new();
    let user = NewUser {
        id,
        email: Email::parse("email", email).unwrap(),
        full_name: FullName::parse("Imported Person").unwrap(),
        role: Role::Applicant,
        // Cost 4, the lowest bcrypt allows: the test is about the format, not the work factor.
        password_hash: bcrypt::hash(PASSWORD, 4).unwrap(),
        created_at: chrono::Utc::now(),
        email_verified_at: Some(chrono::Utc::now()),
        verification: None,
        language: Language::En,
    };
    app.engines.store.create_user(user).await.unwrap();
    id
}

async fn an_imported_password_signs_in_once_as_bcrypt(backend: Backend) {
    let app = spawn_app(backend).await;
    let store = app.engines.store.as_ref();
    let id = imported(&app, "old.api@example.org").await;
    assert_eq!(
        app.login("old.api@example.org", "not the password")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(
        store
            .user(id)
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .starts_with("$2")
    );
    assert_eq!(
        app.login("old.api@example.org", PASSWORD).await.status(),
        StatusCode::OK
    );
    let hash = store.user(id).await.unwrap().unwrap().password_hash;
    assert!(
        hash.starts_with("$argon2id$"),
        "replaced at the first sign-in: {hash}"
    );
    assert_eq!(
        app.login("old.api@example.org", PASSWORD).await.status(),
        StatusCode::OK
    );
    let token = app.token("old.api@example.org").await;
    assert_eq!(
        app.get("/api/me/export", Some(&token)).await.status(),
        StatusCode::OK
    );

    // The sign-in page does the same.
    let id = imported(&app, "old.page@example.org").await;
    let mut pages = Pages::new(&app);
    pages.sign_in("old.page@example.org").await;
    assert_eq!(pages.get("/me/account").await.status(), StatusCode::OK);
    let hash = store.user(id).await.unwrap().unwrap().password_hash;
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    app.stop().await;
}

crate::on_every_engine!(an_imported_password_signs_in_once_as_bcrypt);
