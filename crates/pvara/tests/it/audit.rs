//! The audit trail (issue 10): staff reads and actions are recorded with ids only, and only
//! admins may read it.

use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

crate::on_every_engine!(staff_reads_and_actions_are_in_the_audit_trail);

async fn staff_reads_and_actions_are_in_the_audit_trail(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let admin = app.staff("a@pvara.gov", Role::Admin).await;
    let recruiter_id = app
        .engines
        .store
        .user_by_email("r@pvara.gov")
        .await
        .unwrap()
        .unwrap()
        .id;
    let job = app
        .create_job(&recruiter, &job_body("Analyst", "Data", &["SQL"], &[], 0.0))
        .await;
    let alice = app.applicant("Alice Anwar").await;
    let id = app
        .submit(
            &alice,
            &application_body(&job, &alice, &["SQL"], 2.0, "bachelor", "SQL"),
        )
        .await;
    app.application(&alice.token, &id).await;
    app.wait_for_status(&recruiter, &id, "Under Review").await;
    let invite = json!({"testUrl": "https://t.example/1", "deadline": "2030-01-01T00:00:00Z"});
    let response = app
        .post(
            &format!("/api/applications/{id}/test-invitation"),
            Some(&recruiter),
            &invite,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let path = format!("/api/audit?subject=application:{id}");
    assert_eq!(
        app.get(&path, Some(&recruiter)).await.status(),
        StatusCode::FORBIDDEN
    );
    let entries: Vec<Value> = app.get(&path, Some(&admin)).await.json().await.unwrap();
    let lines: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let by_recruiter = |action: &str| (recruiter_id.to_string(), action.to_owned());
    assert!(lines.contains(&by_recruiter("application.read")), "{lines:?}");
    assert!(
        lines.contains(&by_recruiter("application.test_invited")),
        "{lines:?}"
    );
    assert!(
        lines.iter().all(|(actor, _)| actor == &recruiter_id.to_string()),
        "the applicant reading their own application is not a staff read: {lines:?}"
    );
    // Ids only: nothing of the person.
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains("Alice") && !text.contains("example.org"), "{text}");
    app.stop().await;
}
