//! The whole story: a job, three candidates, scoring, ranking, and a recruiter taking the best
//! through test, interview and offer while rejecting another; every step's status, history,
//! events and mail checked.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use pvara_domain::user::Role;
use pvara_storage::partition::partition_for;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

crate::on_every_engine!(a_job_from_posting_to_offer, health_and_readiness);

const DESCRIPTION: &str = "Build the national payments ledger in Rust on PostgreSQL, \
    with Kafka event streaming and Kubernetes deployments.";

fn later(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

async fn a_job_from_posting_to_offer(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app.staff("recruiter@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body(
                "Backend Engineer",
                DESCRIPTION,
                &["Rust", "PostgreSQL"],
                &["Kafka", "Kubernetes"],
                3.0,
            ),
        )
        .await;
    let listed: Value = app.get("/api/jobs", None).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["open"], true);

    let strong = app.applicant("Ayesha Khan").await;
    let medium = app.applicant("Bilal Ahmed").await;
    let weak = app.applicant("Chand Bibi").await;
    let strong_id = app
        .submit(&strong, &application_body(&job, &strong, &["rust", "Postgres", "kafka", "k8s"], 6.0, "MSc",
            "Eight years building payments ledger systems in Rust on PostgreSQL; ran Kafka event streaming on Kubernetes."))
        .await;
    let medium_id = app
        .submit(
            &medium,
            &application_body(
                &job,
                &medium,
                &["Rust", "PostgreSQL"],
                3.0,
                "bachelor",
                "Web services in Rust, some PostgreSQL.",
            ),
        )
        .await;
    let weak_id = app
        .submit(
            &weak,
            &application_body(
                &job,
                &weak,
                &["Excel"],
                1.0,
                "highSchool",
                "Retail assistant, cash handling.",
            ),
        )
        .await;

    // Scored asynchronously, each once.
    let mut scores = Vec::new();
    for (who, id) in [(&strong, &strong_id), (&medium, &medium_id), (&weak, &weak_id)] {
        let scored = app.wait_for_status(&who.token, id, "Under Review").await;
        let breakdown = &scored["scoreBreakdown"];
        assert_eq!(scored["scorerVersion"], "rules-3/rubric-1");
        assert_eq!(breakdown["total"], scored["aiScore"]);
        let history: Vec<&str> = scored["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["to"].as_str().unwrap())
            .collect();
        assert_eq!(history, ["Submitted", "Under Review"]);
        scores.push(scored["aiScore"].as_u64().unwrap());
    }
    assert!(
        scores[0] > scores[1] && scores[1] > scores[2],
        "ranking follows fit: {scores:?}"
    );
    let weak_card = app.application(&recruiter, &weak_id).await["scoreBreakdown"].clone();
    assert_eq!(weak_card["knockouts"][0]["code"], "missingRequiredSkill");

    // The recruiter's ranked list.
    let page: Value = app
        .get(
            &format!("/api/applications?jobId={job}&sort=-aiScore"),
            Some(&recruiter),
        )
        .await
        .json()
        .await
        .unwrap();
    let ranked: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ranked, [strong_id.as_str(), medium_id.as_str(), weak_id.as_str()]);
    let top: Value = app
        .get(
            &format!("/api/applications?jobId={job}&limit=1"),
            Some(&recruiter),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(top["items"][0]["id"], strong_id.as_str());
    let cursor = top["nextCursor"].as_str().unwrap();
    let next: Value = app
        .get(
            &format!("/api/applications?jobId={job}&limit=1&cursor={cursor}"),
            Some(&recruiter),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["id"], medium_id.as_str());

    // Test, interview, offer for the best; rejection for the weakest.
    let panel = app.panel(&recruiter).await;
    let steps = [
        (
            "test-invitation",
            json!({ "testUrl": "https://tests.pvara.gov/t/123", "deadline": later(7) }),
            "Test Invited",
        ),
        (
            "interview",
            json!({ "scheduledAt": later(14), "location": "PVARA HQ, Room 4", "interviewerIds": panel }),
            "Interview Scheduled",
        ),
        (
            "offer",
            json!({ "salary": 450000, "startDate": (Utc::now() + Duration::days(30)).date_naive(), "expiresAt": later(21) }),
            "Offer Extended",
        ),
    ];
    for (action, body, status) in &steps {
        let response = app
            .post(
                &format!("/api/applications/{strong_id}/{action}"),
                Some(&recruiter),
                body,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{action}");
        let view: Value = response.json().await.unwrap();
        assert_eq!(view["status"], *status);
    }
    let response = app
        .post(
            &format!("/api/applications/{weak_id}/rejection"),
            Some(&recruiter),
            &json!({ "reason": "Required skills missing" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // Out-of-order steps are refused.
    let early_offer = json!({ "salary": 1, "startDate": (Utc::now() + Duration::days(30)).date_naive(), "expiresAt": later(21) });
    let (status, error) = error_of(
        app.post(
            &format!("/api/applications/{medium_id}/offer"),
            Some(&recruiter),
            &early_offer,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );
    let (status, _) = error_of(
        app.post(
            &format!("/api/applications/{weak_id}/test-invitation"),
            Some(&recruiter),
            &steps[0].1,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // History: who, when, why.
    let best = app.application(&strong.token, &strong_id).await;
    let history = best["history"].as_array().unwrap();
    let path: Vec<&str> = history.iter().map(|h| h["to"].as_str().unwrap()).collect();
    assert_eq!(
        path,
        [
            "Submitted",
            "Under Review",
            "Test Invited",
            "Interview Scheduled",
            "Offer Extended"
        ]
    );
    assert_eq!(history[1]["actor"], "system:scoring");
    assert!(
        history[2]["actor"].as_str().unwrap().len() == 36,
        "a recruiter's id"
    );
    assert_eq!(history[2]["details"]["testUrl"], "https://tests.pvara.gov/t/123");
    let rejected = app.application(&recruiter, &weak_id).await;
    assert_eq!(rejected["status"], "Rejected");
    assert_eq!(
        rejected["history"].as_array().unwrap().last().unwrap()["reason"],
        "Required skills missing"
    );

    // The funnel: three submitted and scored, one each through test, interview and offer, one
    // rejected; times only for stages left.
    let funnel: Value = app
        .get(&format!("/api/reports/funnel?jobId={job}"), Some(&recruiter))
        .await
        .json()
        .await
        .unwrap();
    let reached: Vec<u64> = funnel["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reached"].as_u64().unwrap())
        .collect();
    assert_eq!(reached, [3, 3, 1, 1, 1, 0, 0]);
    assert_eq!(funnel["stages"][2]["conversion"], 1.0 / 3.0);
    assert_eq!(
        funnel["stages"][1]["left"], 2,
        "the medium candidate is still under review"
    );
    assert!(
        funnel["stages"][4]["medianSeconds"].is_null(),
        "nobody left Offer Extended"
    );
    assert_eq!(
        funnel["exits"][0],
        json!({ "status": "Rejected", "applications": 1 })
    );
    let (status, error) = error_of(app.get("/api/reports/funnel", Some(&recruiter)).await).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("jobId"))
    );

    // Events: right topics, keyed by application id on its partition, no personal data.
    app.settle().await;
    let ids = [&strong_id, &medium_id, &weak_id];
    let expect = |topic: &str, wanted: &[&String]| {
        let wanted: Vec<String> = wanted.iter().map(|s| (*s).clone()).collect();
        (topic.to_owned(), wanted)
    };
    for (topic, wanted) in [
        expect("application-submitted", &ids),
        expect("ai-scoring-complete", &ids),
        expect("test-invited", &[&strong_id]),
        expect("interview-scheduled", &[&strong_id]),
        expect("offer-extended", &[&strong_id]),
    ] {
        let records = app.records(&topic).await;
        let keys: Vec<String> = records.iter().map(|r| r.key.clone().unwrap()).collect();
        assert_eq!(
            keys.iter().collect::<HashSet<_>>(),
            wanted.iter().collect::<HashSet<_>>(),
            "{topic}"
        );
        assert_eq!(keys.len(), wanted.len(), "{topic}: once each");
        for record in &records {
            assert_eq!(
                record.partition,
                partition_for(record.key.as_ref().unwrap().as_bytes(), 3),
                "{topic}"
            );
            assert_eq!(record.header("ce_subject"), record.key.as_deref());
            assert_eq!(record.header("ce_specversion"), Some("1.0"));
        }
    }
    assert!(app.records("ai-scoring-failed").await.is_empty());
    let mails_requested = app.records("email-notification").await;
    assert_eq!(
        mails_requested.len(),
        3 + 3 + 3 + 1 + 1,
        "received, under review, three steps, rejection, and the panel's one invitation"
    );
    let personal = [
        &strong.name,
        &strong.email,
        &medium.email,
        &weak.name,
        "payments ledger systems",
        "Retail assistant",
    ];
    for topic in pvara_domain::event::all_topic_names() {
        for record in app.records(&topic).await {
            let text = String::from_utf8_lossy(&record.value);
            for secret in personal {
                assert!(!text.contains(secret), "{topic} carries personal data: {text}");
            }
        }
    }

    // Mail: one per notification, to the right person, with the step's details.
    // Ten to the candidates, and the interview panel's invitation to its one member.
    let mails = eventually("eleven mails", || async {
        let mails = app.mails();
        (mails.len() == 11).then_some(mails)
    })
    .await;
    let offer = mails
        .iter()
        .find(|(name, _)| name.ends_with("-offer.eml"))
        .unwrap();
    assert!(offer.1.contains("To: \"Ayesha Khan\" <ayesha.khan@example.org>"));
    assert!(offer.1.contains("Salary: PKR 450,000 a month"), "{}", offer.1);
    let interview = mails
        .iter()
        .find(|(name, _)| name.ends_with("-interview.eml"))
        .unwrap();
    // The candidate reads the panel by role; the installation did not choose to name it.
    assert!(
        interview.1.contains("PVARA HQ, Room 4") && interview.1.contains("a panel of 1: recruiter"),
        "{}",
        interview.1
    );
    let rejection = mails
        .iter()
        .find(|(name, _)| name.ends_with("-rejection.eml"))
        .unwrap();
    assert!(rejection.1.contains("Chand Bibi") && rejection.1.contains("Required skills missing"));
    assert_eq!(
        mails
            .iter()
            .filter(|(name, _)| name.ends_with("-underReview.eml"))
            .count(),
        3
    );
    // Without a crash, no mail is delivered twice.
    assert_eq!(mail_copies_in(&app.mail_dir()).len(), mails.len());
    let message_ids: HashSet<String> = mails_requested
        .iter()
        .map(|r| r.header("ce_id").unwrap().to_owned())
        .collect();
    for (name, _) in &mails {
        assert!(
            message_ids.contains(&name[..36]),
            "{name} answers a notification event"
        );
    }

    // Operators' view: both groups caught up.
    let groups = app.engines.log.groups().await.unwrap();
    for group in ["pvara-scoring", "pvara-notify"] {
        let rows: Vec<_> = groups.iter().filter(|g| g.group == group).collect();
        assert_eq!(rows.len(), 3, "{group}");
        assert!(rows.iter().all(|g| g.lag() == 0), "{group}");
    }
    app.stop().await;
}

async fn health_and_readiness(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.get("/api/health", None).await.status(), StatusCode::OK);
    let ready = app.get("/api/ready", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(
        (body["database"].as_str(), body["eventLog"].as_str()),
        (Some("ok"), Some("ok"))
    );
    let (status, error) = error_of(app.get("/api/nowhere", None).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    app.stop().await;
}
