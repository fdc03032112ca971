//! Failure paths: a scorer that fails (retried, then "Scoring Failed"), and poison records
//! (dead-lettered without stalling their partition).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use pvara_domain::ids::ApplicationId;
use pvara_domain::scoring::{self, ScoreCard};
use pvara_domain::user::Role;
use pvara_services::scorer::{Scorer, ScoringError};
use pvara_storage::model::{OutboxMessage, ScoringInput};
use pvara_storage::partition::partition_for;

use crate::helpers::*;

crate::on_every_engine!(
    scoring_failures_are_retried_then_recorded,
    poison_records_are_dead_lettered_and_do_not_stall_partitions
);

/// Fails every attempt for CVs saying ALWAYS-FAIL, the first attempt for CVs saying FLAKY.
#[derive(Default)]
struct UnreliableScorer {
    attempts: Mutex<HashMap<ApplicationId, u32>>,
}

#[async_trait]
impl Scorer for UnreliableScorer {
    async fn score_batch(&self, inputs: &[ScoringInput]) -> Vec<Result<ScoreCard, ScoringError>> {
        let mut attempts = self.attempts.lock().unwrap();
        inputs
            .iter()
            .map(|input| {
                let n = attempts.entry(input.application_id).or_default();
                *n += 1;
                let cv = &input.candidate.resume_text;
                if cv.contains("ALWAYS-FAIL") || (cv.contains("FLAKY") && *n == 1) {
                    Err(ScoringError("model endpoint timed out".to_owned()))
                } else {
                    Ok(scoring::score(&input.job, &input.candidate))
                }
            })
            .collect()
    }
}

async fn scoring_failures_are_retried_then_recorded(backend: Backend) {
    let scorer = Arc::new(UnreliableScorer::default());
    let app = spawn_app_with(backend, scorer.clone()).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Engineer", "Rust", &["Rust"], &[], 0.0))
        .await;
    let flaky = app.applicant("Flaky Fatima").await;
    let broken = app.applicant("Broken Babar").await;
    let flaky_id = app
        .submit(
            &flaky,
            &application_body(&job, &flaky, &["Rust"], 1.0, "bachelor", "FLAKY Rust"),
        )
        .await;
    let broken_id = app
        .submit(
            &broken,
            &application_body(&job, &broken, &["Rust"], 1.0, "bachelor", "ALWAYS-FAIL Rust"),
        )
        .await;

    let recovered = app.wait_for_status(&recruiter, &flaky_id, "Under Review").await;
    assert!(recovered["aiScore"].is_u64());
    let failed = app
        .wait_for_status(&recruiter, &broken_id, "Scoring Failed")
        .await;
    assert!(failed["aiScore"].is_null());
    let reason = failed["history"].as_array().unwrap().last().unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(reason.contains("after 3 attempts"), "{reason}");
    {
        let attempts = scorer.attempts.lock().unwrap();
        assert_eq!(attempts[&flaky_id.parse().unwrap()], 2);
        assert_eq!(attempts[&broken_id.parse().unwrap()], 3);
    }
    app.settle().await;
    let failures = app.records("ai-scoring-failed").await;
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].key.as_deref(), Some(broken_id.as_str()));
    let data: serde_json::Value = serde_json::from_slice(&failures[0].value).unwrap();
    assert_eq!(
        (data["attempts"].as_u64(), data["status"].as_str()),
        (Some(3), Some("Scoring Failed"))
    );
    assert_eq!(app.records("ai-scoring-complete").await.len(), 1);
    // A failed application can still be rejected; nothing else.
    let (status, _) = error_of(
        app.post(
            &format!("/api/applications/{broken_id}/test-invitation"),
            Some(&recruiter),
            &serde_json::json!({ "testUrl": "https://t.example", "deadline": "2099-01-01T00:00:00Z" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CONFLICT);
    let rejected = app
        .post(
            &format!("/api/applications/{broken_id}/rejection"),
            Some(&recruiter),
            &serde_json::json!({ "reason": "could not assess" }),
        )
        .await;
    assert_eq!(rejected.status(), reqwest::StatusCode::OK);
    app.stop().await;
}

/// Keys that land on each of the three partitions.
fn one_key_per_partition() -> Vec<String> {
    let mut keys: Vec<Option<String>> = vec![None; 3];
    while keys.iter().any(Option::is_none) {
        let key = ApplicationId::new().to_string();
        let slot = &mut keys[partition_for(key.as_bytes(), 3) as usize];
        if slot.is_none() {
            *slot = Some(key);
        }
    }
    keys.into_iter().flatten().collect()
}

async fn poison_records_are_dead_lettered_and_do_not_stall_partitions(backend: Backend) {
    let app = spawn_app(backend).await;
    let poison: Vec<OutboxMessage> = one_key_per_partition()
        .into_iter()
        .flat_map(|key| {
            [
                ("application-submitted", "{not json"),
                ("email-notification", "\u{0}\u{1}binary"),
            ]
            .map(|(topic, value)| OutboxMessage {
                topic: topic.to_owned(),
                key: Some(key.clone()),
                value: value.as_bytes().to_vec(),
                headers: vec![],
            })
        })
        .collect();
    app.engines.log.append(poison).await.unwrap();

    // Good work behind the poison on every partition still flows.
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Engineer", "Rust", &["Rust"], &[], 0.0))
        .await;
    let mut ids = Vec::new();
    for i in 0..9 {
        let who = app.applicant(&format!("Candidate {i}")).await;
        ids.push(
            app.submit(
                &who,
                &application_body(&job, &who, &["Rust"], 1.0, "bachelor", "Rust"),
            )
            .await,
        );
    }
    for id in &ids {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }
    app.settle().await;
    for topic in ["application-submitted", "email-notification"] {
        let dead = app.records(&format!("{topic}.dlq")).await;
        assert_eq!(dead.len(), 3, "{topic}");
        for record in &dead {
            assert_eq!(record.header("dlq_original_topic"), Some(topic));
            assert_eq!(
                record.header("dlq_original_offset"),
                Some("0"),
                "poison went in first"
            );
            assert_eq!(
                record.header("dlq_original_partition"),
                Some(record.partition.to_string().as_str())
            );
            assert_eq!(record.header("dlq_attempts"), Some("1"));
            assert!(!record.header("dlq_error").unwrap_or_default().is_empty());
        }
    }
    assert_eq!(
        app.mails().len(),
        18,
        "received + under review for nine, no mail for poison"
    );
    app.stop().await;
}

/// A scorer with a bug that panics: the worker task dies.
struct PanickingScorer;

#[async_trait]
impl Scorer for PanickingScorer {
    async fn score_batch(&self, _inputs: &[ScoringInput]) -> Vec<Result<ScoreCard, ScoringError>> {
        panic!("a bug in the scorer");
    }
}

/// A worker that dies takes the process down (for its supervisor to restart), instead of
/// leaving an API that answers while nothing is scored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_worker_stops_the_process() {
    let app = spawn_app_with(Backend::Sqlite, Arc::new(PanickingScorer)).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(&recruiter, &job_body("Analyst", "Data", &["SQL"], &[], 0.0))
        .await;
    let who = app.applicant("Ann Applicant").await;
    app.submit(
        &who,
        &application_body(&job, &who, &["SQL"], 2.0, "bachelor", "SQL"),
    )
    .await;
    let ended = app.stopped_by_itself().await;
    let error = ended.expect_err("pvara stopped with an error");
    assert!(error.to_string().contains("panicked"), "{error:#}");
}
