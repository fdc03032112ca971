//! The short reference a candidate reads to a helpdesk (`PVA-7K3Q-9MXD`): in the API's answer,
//! the acknowledgement mail and the candidate's pages; found by staff however it is typed; and
//! the admin's System page telling the same story as `pvara status`.

use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, Pages, application_body, eventually, spawn_app};

async fn a_reference_people_can_read_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let (recruiter, job, people) = app.recruiter_job_and_people(2).await;
    let (who, stranger) = (&people[0], &people[1]);
    let body = application_body(&job, who, &["Rust"], 3.0, "bachelor", "Rust services.");
    let answer = app.post("/api/applications", Some(&who.token), &body).await;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let submitted: Value = answer.json().await.unwrap();
    let (id, reference) = (
        submitted["id"].as_str().unwrap().to_owned(),
        submitted["reference"].as_str().unwrap().to_owned(),
    );
    assert!(
        reference.starts_with("PVA-") && reference.len() == 13,
        "{reference}"
    );

    // The API takes the reference where it takes the id, in any case, for whoever may read it.
    let typed = reference.to_lowercase().replace('-', "");
    let read = app.application(&who.token, &typed).await;
    assert_eq!(
        (read["id"].as_str(), read["reference"].as_str()),
        (Some(id.as_str()), Some(reference.as_str()))
    );
    assert_eq!(app.application(&recruiter, &reference).await["id"], read["id"]);
    for (token, key) in [
        (stranger.token.as_str(), reference.as_str()),
        (recruiter.as_str(), "PVA-2222-2222"),
        (recruiter.as_str(), "not-a-reference"),
    ] {
        let response = app.get(&format!("/api/applications/{key}"), Some(token)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{key}");
    }

    // The acknowledgement mail and the candidate's pages quote it.
    eventually("the acknowledgement with the reference", || async {
        app.mails()
            .iter()
            .any(|(_, body)| body.contains(&reference))
            .then_some(())
    })
    .await;
    let mut pages = Pages::new(&app);
    pages.sign_in(&who.email).await;
    for path in ["/me/applications".to_owned(), format!("/me/applications/{id}")] {
        let html = pages.get(&path).await.text().await.unwrap();
        assert!(html.contains(&reference), "{path}: {html}");
        assert!(
            !html.contains(&format!("Reference {id}")),
            "{path} shows the UUID"
        );
    }

    // A helpdesk finds it from what the candidate reads out; a wrong one is said so.
    let mut staff = Pages::new(&app);
    staff.sign_in("r@pvara.gov").await;
    let found = staff
        .get(&format!("/staff/find?reference={}", typed.to_uppercase()))
        .await;
    assert_eq!(found.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        found.headers()["location"],
        format!("/staff/applications/{id}").as_str()
    );
    for (typed, message) in [
        ("PVA-2222-2222", "No application has the reference PVA-2222-2222"),
        ("PVA-0000", "Enter a reference like PVA-7K3Q-9MXD"),
        ("", "Enter the application&#39;s reference"),
    ] {
        let html = staff
            .get(&format!("/staff/find?reference={typed}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("govuk-error-summary") && html.contains(message),
            "{typed}: {html}"
        );
    }
    // A candidate cannot search.
    let refused = pages.get(&format!("/staff/find?reference={reference}")).await;
    assert_ne!(refused.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

async fn the_system_page_tells_what_pvara_status_tells(backend: Backend) {
    let app = spawn_app(backend).await;
    app.staff("admin@pvara.gov", Role::Admin).await;
    let mut admin = Pages::new(&app);
    admin.sign_in("admin@pvara.gov").await;
    let html = admin.get("/admin/system").await.text().await.unwrap();
    for part in [
        "pvara-scoring",
        "pvara-notify",
        "pvara-rescore",
        "backpressure",
        "dead letters",
        "outbox",
    ] {
        assert!(
            html.contains(&format!("govuk-summary-list__key\">{part}</dt>")),
            "{part}: {html}"
        );
    }
    assert!(html.contains("1 member") || html.contains("members"), "{html}");
    assert!(!html.contains("no member running"), "{html}");
    assert!(!html.contains(">Failing<"), "{html}");
    app.stop().await;
}

crate::on_every_engine!(
    a_reference_people_can_read_out,
    the_system_page_tells_what_pvara_status_tells
);
