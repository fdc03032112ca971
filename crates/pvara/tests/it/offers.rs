//! Offers answered, on every engine: the candidate accepts or declines, staff withdraw an offer
//! or confirm the hire, an unanswered offer expires once, and every answer has its event, mail,
//! history entry and count. Times typed on the staff pages read the same on the candidate's.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use pvara_domain::status::Status;
use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Applicant, Backend, Pages, TestApp, application_body, error_of, eventually, job_body,
    spawn_app_configured,
};

/// A recruiter, a job, and `n` applicants each with an application moved up to an offer that
/// expires `expires_in` after it is made (counted from the offer, so a slow set-up never makes
/// an offer that has expired already); with the last offer's expiry.
async fn offered(
    app: &TestApp,
    n: usize,
    expires_in: Duration,
) -> (String, Vec<(Applicant, String)>, chrono::DateTime<Utc>) {
    let mut expires_at = Utc::now() + expires_in;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Engineer", "Rust services", &["Rust"], &[], 0.0),
        )
        .await;
    let mut people = Vec::new();
    for i in 0..n {
        let who = app.applicant(&format!("Offered {i}")).await;
        let body = application_body(&job, &who, &["Rust"], 3.0, "bachelor", "Rust services for years.");
        let id = app.submit(&who, &body).await;
        app.wait_for_status(&recruiter, &id, "Under Review").await;
        let later = |days| Utc::now() + Duration::days(days);
        let panel = app.panel(&recruiter).await;
        expires_at = Utc::now() + expires_in;
        let steps = [
            (
                "test-invitation",
                json!({"testUrl": "https://tests.pvara.gov/t/1", "deadline": later(1)}),
            ),
            (
                "interview",
                json!({"scheduledAt": later(2), "location": "Room 4", "interviewerIds": panel}),
            ),
            (
                "offer",
                json!({"salary": 150000, "salaryPeriod": "monthly",
                       "startDate": later(30).date_naive(), "expiresAt": expires_at}),
            ),
        ];
        for (action, body) in steps {
            let response = app
                .post(
                    &format!("/api/applications/{id}/{action}"),
                    Some(&recruiter),
                    &body,
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{action}");
        }
        people.push((who, id));
    }
    (recruiter, people, expires_at)
}

async fn post_status(app: &TestApp, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    let response = app.post(path, Some(token), body).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn answers_reach_hire_or_end(backend: Backend) {
    let app = spawn_app_configured(
        backend,
        std::sync::Arc::new(pvara_services::scorer::RuleScorer),
        |_| {},
    )
    .await;
    let (recruiter, people, _) = offered(&app, 3, Duration::days(7)).await;
    let [(ayesha, accepted), (bilal, declined), (_, withdrawn)] = &people[..] else {
        unreachable!()
    };

    // Only the applicant answers, only their own offer; staff cannot answer for them.
    let path = |id: &str, what: &str| format!("/api/applications/{id}/{what}");
    let (status, _) = post_status(&app, &path(accepted, "offer/acceptance"), &recruiter, &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post_status(
        &app,
        &path(accepted, "offer/acceptance"),
        &bilal.token,
        &json!({}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "someone else's offer is as good as missing"
    );
    // Hiring before the candidate accepted is refused.
    let start = json!({"startDate": (Utc::now() + Duration::days(30)).date_naive()});
    let (status, error) = post_status(&app, &path(accepted, "hire"), &recruiter, &start).await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );

    let (status, view) = post_status(
        &app,
        &path(accepted, "offer/acceptance"),
        &ayesha.token,
        &json!({}),
    )
    .await;
    assert_eq!(
        (status, view["status"].as_str()),
        (StatusCode::OK, Some("Offer Accepted"))
    );
    let (status, view) = post_status(&app, &path(accepted, "hire"), &recruiter, &start).await;
    assert_eq!((status, view["status"].as_str()), (StatusCode::OK, Some("Hired")));

    let reason = json!({"reason": "I accepted another post"});
    let (status, view) = post_status(&app, &path(declined, "offer/decline"), &bilal.token, &reason).await;
    assert_eq!(
        (status, view["status"].as_str()),
        (StatusCode::OK, Some("Offer Declined"))
    );
    // A declined offer cannot be accepted after all.
    let (status, _) = post_status(
        &app,
        &path(declined, "offer/acceptance"),
        &bilal.token,
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, error) = post_status(
        &app,
        &path(withdrawn, "offer/withdrawal"),
        &recruiter,
        &json!({"reason": " "}),
    )
    .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let frozen = json!({"reason": "The post was frozen"});
    let (status, view) = post_status(&app, &path(withdrawn, "offer/withdrawal"), &recruiter, &frozen).await;
    assert_eq!(
        (status, view["status"].as_str()),
        (StatusCode::OK, Some("Offer Withdrawn"))
    );

    app.settle().await;
    for (topic, id) in [
        ("offer-accepted", accepted),
        ("candidate-hired", accepted),
        ("offer-declined", declined),
        ("offer-withdrawn", withdrawn),
    ] {
        let records = app.records(topic).await;
        let of_this = records.iter().filter(|r| r.key.as_deref() == Some(id.as_str()));
        assert_eq!(of_this.count(), 1, "{topic}");
    }
    let mails = app.mails();
    for template in ["offerAccepted", "hired", "offerDeclined", "offerWithdrawn"] {
        let found: Vec<_> = mails
            .iter()
            .filter(|(_, m)| m.contains(&format!("X-Pvara-Template: {template}")))
            .collect();
        assert_eq!(found.len(), 1, "one {template} mail");
    }
    let withdrawn_mail = mails
        .iter()
        .find(|(_, m)| m.contains("X-Pvara-Template: offerWithdrawn"))
        .unwrap();
    assert!(withdrawn_mail.1.contains("The post was frozen"));
    let counts = app.engines.store.status_counts(&[]).await.unwrap();
    let count = |status| {
        counts
            .iter()
            .filter(|c| c.status == status)
            .map(|c| c.count)
            .sum::<u64>()
    };
    assert_eq!(
        [
            Status::Hired,
            Status::OfferDeclined,
            Status::OfferWithdrawn,
            Status::OfferExtended
        ]
        .map(count),
        [1, 1, 1, 0],
        "each answer moves its count"
    );
    let history = app.application(&recruiter, accepted).await["history"].clone();
    let statuses: Vec<_> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        &statuses[statuses.len() - 3..],
        ["Offer Extended", "Offer Accepted", "Hired"]
    );
    app.stop().await;
}

async fn an_unanswered_offer_expires_once(backend: Backend) {
    let app = spawn_app_configured(
        backend,
        std::sync::Arc::new(pvara_services::scorer::RuleScorer),
        |config| {
            config.offer_sweep = StdDuration::from_millis(200);
        },
    )
    .await;
    let (recruiter, people, _) = offered(&app, 1, Duration::seconds(3)).await;
    let (who, id) = &people[0];
    app.wait_for_status(&recruiter, id, "Offer Expired").await;
    refused_as_expired(&app, who, id).await;
    app.settle().await;
    assert_eq!(app.records("offer-expired").await.len(), 1);
    let expired = app
        .mails()
        .into_iter()
        .filter(|(_, m)| m.contains("X-Pvara-Template: offerExpired"))
        .count();
    assert_eq!(expired, 1);
    app.stop().await;
}

/// The candidate's acceptance is refused because the offer expired, in words.
async fn refused_as_expired(app: &TestApp, who: &Applicant, id: &str) {
    let (status, error) = error_of(
        app.post(
            &format!("/api/applications/{id}/offer/acceptance"),
            Some(&who.token),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::CONFLICT, Some("offer_expired"))
    );
    assert!(error["message"].as_str().unwrap().contains("expired"));
}

crate::on_every_engine!(answers_reach_hire_or_end, an_unanswered_offer_expires_once);

/// An answer after the expiry is refused even before the sweep has marked the offer expired:
/// the expiry the candidate was told is the one that holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_after_the_expiry_is_refused_before_the_sweep() {
    let app = spawn_app_configured(
        Backend::Sqlite,
        std::sync::Arc::new(pvara_services::scorer::RuleScorer),
        |config| {
            config.offer_sweep = StdDuration::from_secs(3_600);
        },
    )
    .await;
    let (_, people, expires_at) = offered(&app, 1, Duration::seconds(3)).await;
    let (who, id) = &people[0];
    // Waiting for the expiry itself, not asserting how long anything took.
    eventually("the offer's expiry to pass", || async {
        (Utc::now() > expires_at).then_some(())
    })
    .await;
    refused_as_expired(&app, who, id).await;
    app.stop().await;
}

/// One clock: an interview typed at 10:00 on the staff page (the installation is in
/// Asia/Karachi) reads 10:00 PKT on the candidate's page and in the mail; the offer is answered
/// in the portal through its confirmation page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_read_the_same_for_staff_candidate_and_mail() {
    let app = spawn_app_configured(
        Backend::Sqlite,
        std::sync::Arc::new(pvara_services::scorer::RuleScorer),
        |_| {},
    )
    .await;
    let (staff_token, people, _) = offered(&app, 1, Duration::days(7)).await;
    let (who, id) = &people[0];
    let day = (Utc::now() + Duration::days(20)).date_naive();
    let typed = format!("{day}T10:00");
    // A second application, interviewed through the staff page.
    let job = app.application(&who.token, id).await["jobId"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = app.applicant("Clock Person").await;
    let second = app
        .submit(
            &other,
            &application_body(&job, &other, &["Rust"], 3.0, "bachelor", "Rust for years."),
        )
        .await;
    app.wait_for_status(&staff_token, &second, "Under Review").await;
    let invite =
        json!({"testUrl": "https://tests.pvara.gov/t/2", "deadline": Utc::now() + Duration::days(1)});
    app.post(
        &format!("/api/applications/{second}/test-invitation"),
        Some(&staff_token),
        &invite,
    )
    .await;
    let panel = app.panel(&staff_token).await;
    let member = panel[0].as_str().unwrap().to_owned();
    let mut staff = Pages::new(&app);
    staff.sign_in("r@pvara.gov").await;
    let csrf = staff.csrf(&format!("/staff/applications/{second}")).await;
    let response = staff
        .post(
            &format!("/staff/applications/{second}/interview"),
            &[
                ("csrf", csrf.as_str()),
                ("scheduledAt", &typed),
                ("location", "Room 4"),
                ("interviewers", member.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let staff_page = staff
        .get(&format!("/staff/applications/{second}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        staff_page.contains("10:00 (PKT)"),
        "the staff page reads the time as typed"
    );
    assert!(
        staff_page.contains(&format!(
            "name=\"scheduledAt-day\" type=\"text\" inputmode=\"numeric\" value=\"{}\"",
            &typed[8..10]
        )) && staff_page.contains(&format!(
            "name=\"scheduledAt-year\" type=\"text\" inputmode=\"numeric\" value=\"{}\"",
            &typed[..4]
        )) && staff_page.contains(&format!(
            "name=\"scheduledAt-time\" type=\"text\" inputmode=\"numeric\" value=\"{}\"",
            &typed[11..16]
        )) && staff_page.contains("Move interview"),
        "moving the interview starts from the form filled with it (its date boxes), in local time"
    );
    let mut candidate = Pages::new(&app);
    candidate.sign_in(&other.email).await;
    let page = candidate
        .get(&format!("/me/applications/{second}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("10:00 (PKT)"),
        "the candidate's page reads 10:00 too"
    );
    app.settle().await;
    let mail = eventually("the interview mail", || async {
        app.mails()
            .into_iter()
            .find(|(_, m)| m.contains("X-Pvara-Template: interview") && m.contains(&other.email))
    })
    .await;
    assert!(mail.1.contains("10:00 (PKT)"), "the mail reads 10:00 too");

    // The offer, answered in the portal: its terms, then a confirmation page, then accepted.
    let mut portal = Pages::new(&app);
    portal.sign_in(&who.email).await;
    let page = portal
        .get(&format!("/me/applications/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("PKR 150,000 a month"), "the salary with its period");
    assert!(page.contains("Accept offer") && page.contains("Decline offer"));
    let confirm = portal
        .get(&format!("/me/applications/{id}/offer/accept"))
        .await
        .text()
        .await
        .unwrap();
    assert!(confirm.contains("Yes, accept the offer"));
    let csrf = portal.csrf(&format!("/me/applications/{id}/offer/accept")).await;
    let response = portal
        .post(
            &format!("/me/applications/{id}/offer/accept"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.application(&who.token, id).await["status"], "Offer Accepted");
    app.stop().await;
}
