//! Equality monitoring (issue 14): voluntary answers kept apart from everything a recruiter, the
//! scorer or the event log sees, and counted only in the adverse-impact report; the scorer report
//! from recruiters' decisions.

use std::sync::Arc;

use chrono::{Duration, Utc};
use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

crate::on_every_engine!(equality_answers_are_counted_and_shown_to_no_one);

/// Answer values no CV, name or job text here contains, to search every staff surface for.
const TELLTALE: [&str; 3] = ["gilgit-baltistan", "transgender", "azad-kashmir"];

fn row<'a>(report: &'a Value, stage: usize, table: &str, category: &str) -> &'a Value {
    let tables = report["stages"][stage]["tables"].as_array().unwrap();
    let table = tables.iter().find(|t| t["name"] == table).unwrap();
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == category)
        .unwrap()
}

async fn equality_answers_are_counted_and_shown_to_no_one(backend: Backend) {
    let recording = Arc::new(RecordingScorer::default());
    let app = spawn_app_with(backend, recording.clone()).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body(
                "Registrar",
                "Keeps the land records",
                &["Filing", "Archiving"],
                &[],
                3.0,
            ),
        )
        .await;
    let questions: Value = app.get_json("/api/equality-questions", None).await;
    let keys: Vec<&str> = questions["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["sex", "ageBand", "disability", "province"]);

    // Five women who match the job, five men who do not, two who did not answer.
    let mut women = Vec::new();
    let mut men = Vec::new();
    let mut silent = Vec::new();
    for i in 0..12 {
        let who = app.applicant(&format!("Candidate {i}")).await;
        let (skills, years, answers, list): (&[&str], f64, Value, &mut Vec<_>) = match i {
            0..5 => (
                &["Filing", "Archiving"],
                6.0,
                json!({"sex": "female", "province": "gilgit-baltistan", "ageBand": ""}),
                &mut women,
            ),
            5..10 => (
                &["Driving"],
                0.0,
                json!({"sex": "transgender", "province": "azad-kashmir", "disability": "prefer-not-to-say"}),
                &mut men,
            ),
            _ => (&["Filing"], 3.0, json!({}), &mut silent),
        };
        let mut body = application_body(
            &job,
            &who,
            skills,
            years,
            "bachelor",
            "Kept records for the district.",
        );
        body["equality"] = answers;
        list.push(app.submit(&who, &body).await);
    }
    // A made-up answer is refused and changes nothing.
    let who = app.applicant("Candidate Odd").await;
    app.settle().await;
    let before = app.snapshot().await;
    let mut body = application_body(&job, &who, &["Filing"], 1.0, "bachelor", "Records.");
    body["equality"] = json!({"sex": "robot"});
    let (status, error) = error_of(app.post("/api/applications", Some(&who.token), &body).await).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("equality")),
        "{error}"
    );
    assert_eq!(app.snapshot().await, before);
    for id in women.iter().chain(&men).chain(&silent) {
        app.wait_for_status(&recruiter, id, "Under Review").await;
    }

    // Nowhere but the report: not the scorer's input, not an event, not a staff view.
    let mut seen: Vec<String> = recording.inputs().iter().map(|i| format!("{i:?}")).collect();
    for topic in pvara_domain::event::all_topic_names() {
        for record in app.records(&topic).await {
            seen.push(String::from_utf8_lossy(&record.value).into_owned());
            seen.push(format!("{:?}", record.headers));
        }
    }
    let list = app
        .get(&format!("/api/applications?jobId={job}"), Some(&recruiter))
        .await
        .text()
        .await
        .unwrap();
    seen.push(list);
    for id in women.iter().chain(&men) {
        seen.push(app.application(&recruiter, id).await.to_string());
    }
    for text in &seen {
        for telltale in TELLTALE {
            assert!(!text.contains(telltale), "{telltale} leaked into {text}");
        }
    }

    // Advance three women; reject the other two and every man.
    let invitation =
        json!({"testUrl": "https://tests.pvara.gov/t/1", "deadline": Utc::now() + Duration::days(7)});
    for (i, id) in women.iter().chain(&men).enumerate() {
        let (step, body) = if i < 3 {
            ("test-invitation", invitation.clone())
        } else {
            ("rejection", json!({"reason": "Others matched better."}))
        };
        let response = app
            .post(&format!("/api/applications/{id}/{step}"), Some(&recruiter), &body)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    let report: Value = app
        .get_json(&format!("/api/reports/impact?jobId={job}"), Some(&recruiter))
        .await;
    assert_eq!(
        (report["applications"].as_u64(), report["answered"].as_u64()),
        (Some(12), Some(10))
    );
    let scored = &report["stages"][0];
    assert_eq!(
        (scored["stage"].as_str(), scored["assessed"].as_u64()),
        (Some("scoredAboveMedian"), Some(12))
    );
    let women_row = row(&report, 0, "Sex", "Female");
    assert_eq!(
        (
            women_row["assessed"].as_u64(),
            women_row["selectionRate"].as_f64()
        ),
        (Some(5), Some(1.0))
    );
    let men_row = row(&report, 0, "Sex", "Transgender");
    assert_eq!(
        (men_row["selectionRate"].as_f64(), men_row["impactRatio"].as_f64()),
        (Some(0.0), Some(0.0))
    );
    assert_eq!(men_row["flagged"], true);
    let unknown = row(&report, 0, "Sex", "Unknown");
    assert_eq!(
        (unknown["tooSmall"].as_bool(), unknown["assessed"].as_u64()),
        (Some(true), None),
        "two people"
    );
    let male = row(&report, 0, "Sex", "Male");
    assert_eq!(male["tooSmall"], true, "nobody is fewer than five");
    // Invited to test: 3 of 5 women, 0 of 5; the intersection of sex and province matches.
    assert_eq!(
        row(&report, 1, "Sex", "Female")["selectionRate"].as_f64(),
        Some(0.6)
    );
    let pair = row(
        &report,
        1,
        "Sex / Province of domicile",
        "Female / Gilgit-Baltistan",
    );
    assert_eq!(
        (pair["assessed"].as_u64(), pair["selected"].as_u64()),
        (Some(5), Some(3))
    );
    assert!(report["flagged"].as_u64().unwrap() >= 2);

    let csv = app
        .get(
            &format!("/api/reports/impact?jobId={job}&format=csv"),
            Some(&recruiter),
        )
        .await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("job_id,stage,table,category,unknown,too_small,assessed,selected,selection_rate,impact_ratio,flagged\n"));
    assert!(
        csv.contains(",Scored above the median,Sex,Female,false,false,5,5,1.0000,1.0000,false\n"),
        "{csv}"
    );
    assert!(
        csv.contains(",Invited to test,Sex,Unknown,true,true,,,,,false\n"),
        "{csv}"
    );

    // The scorer ranked the three it advanced above the seven rejected but for two ties.
    let scorer: Value = app
        .get_json(&format!("/api/reports/scorer?jobId={job}"), Some(&recruiter))
        .await;
    assert_eq!(
        (scorer["advanced"].as_u64(), scorer["rejected"].as_u64()),
        (Some(3), Some(7))
    );
    assert_eq!(scorer["rocAuc"].as_f64(), Some(18.0 / 21.0));

    // The candidate sees her own answers in her export; erased, they are gone from the report.
    let first = app
        .get(
            "/api/me/export",
            Some(&app.token("candidate.0@example.org").await),
        )
        .await;
    let export: Value = first.json().await.unwrap();
    assert_eq!(
        export["applications"][0]["equalityAnswers"]["province"],
        "gilgit-baltistan"
    );
    let erased = app
        .client
        .delete(app.url("/api/me"))
        .bearer_auth(app.token("candidate.0@example.org").await)
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);
    let report: Value = app
        .get_json(&format!("/api/reports/impact?jobId={job}"), Some(&recruiter))
        .await;
    assert_eq!(
        row(&report, 0, "Sex", "Female")["tooSmall"],
        true,
        "four women left who answered"
    );
    assert_eq!(report["answered"].as_u64(), Some(9));

    // The terminal's report is the API's.
    let api_csv = app
        .get(
            &format!("/api/reports/impact?jobId={job}&format=csv"),
            Some(&recruiter),
        )
        .await
        .text()
        .await
        .unwrap();
    let cli = |args: &[&str]| crate::processes::output(app.data_dir.path(), app.database_url(), args);
    assert_eq!(
        cli(&["report", "impact", "--job", &job, "--format", "csv"]),
        api_csv
    );
    let table = cli(&["report", "impact", "--job", &job]);
    assert!(
        table.contains("== Scored above the median (5 of 12 selected, median score"),
        "{table}"
    );
    let scorer = cli(&["report", "scorer", "--job", &job]);
    assert!(
        scorer.contains("ROC AUC 0.857 over 3 advanced and 7 rejected"),
        "{scorer}"
    );

    let admin = app.staff("a@pvara.gov", Role::Admin).await;
    let audit: Value = app
        .get_json(&format!("/api/audit?subject=job:{job}"), Some(&admin))
        .await;
    assert!(
        audit.to_string().contains("report.impact"),
        "reading the report is audited"
    );
    app.stop().await;
}
