//! National recruitment over the API, on every engine: rules set, applicants of several
//! categories declare their facts, one is over age, marks imported (a bad file imports
//! nothing), a dry run, a list prepared by one person and published by another, public results
//! by reference whose fingerprint anyone can check, a representation filed and upheld, and a
//! corrected version 2 with its differences.

use chrono::{Duration, Utc};
use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_every_engine;

on_every_engine!(a_drive_from_rules_to_a_corrected_merit_list);

fn rules(version: u32) -> Value {
    json!({
        "version": version,
        "eligibility": {
            "minAge": 21, "maxAge": 30,
            "relaxations": [{"category": "Government employee", "years": 5}],
            "domiciles": ["Punjab", "Sindh", "Balochistan"],
            "minEducation": "bachelor"
        },
        "quotas": [{"category": "Women", "percent": 33.34}],
        "weights": {"test": 60, "interview": 40},
        "tieBreak": ["higherTest", "older", "earlierApplication"],
        "shortlistPerPost": 2,
        "unfilled": "openMerit",
        "reserveDays": 180,
        "representationDays": 15
    })
}

async fn apply(app: &TestApp, job: &str, name: &str, declaration: Value) -> (Applicant, String, String) {
    let who = app.applicant(name).await;
    let mut body = application_body(
        job,
        &who,
        &["Rust"],
        3.0,
        "bachelor",
        "Rust services for six years",
    );
    body["declaration"] = declaration;
    let response = app.post("/api/applications", Some(&who.token), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{name}");
    let view: Value = response.json().await.unwrap();
    let (id, reference) = (view["id"].as_str().unwrap(), view["reference"].as_str().unwrap());
    (who, id.to_owned(), reference.to_owned())
}

fn born(years_before_closing: i64, domicile: &str, claims: &[&str]) -> Value {
    let date = (Utc::now() + Duration::days(30) - Duration::days(years_before_closing * 366)).date_naive();
    json!({"dateOfBirth": date.to_string(), "domicile": domicile, "claims": claims})
}

async fn a_drive_from_rules_to_a_corrected_merit_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let preparer = app.staff("prepares@pvara.gov", Role::Recruiter).await;
    let approver = app.staff("approves@pvara.gov", Role::Admin).await;
    let mut body = job_body("Assistant Director", "Federal posts", &["Rust"], &[], 0.0);
    body["vacancies"] = json!(3);
    body["closesAt"] = json!(Utc::now() + Duration::days(30));
    let job = app.create_job(&preparer, &body).await;
    let rules_path = format!("/api/jobs/{job}/rules");

    // Bad rules: every problem reported, nothing stored.
    let mut bad = rules(0);
    bad["weights"] = json!({"test": 70, "interview": 40});
    let response = app
        .client
        .put(app.url(&rules_path))
        .bearer_auth(&preparer)
        .json(&bad)
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weights")),
        "{error}"
    );
    let response = app
        .client
        .put(app.url(&rules_path))
        .bearer_auth(&preparer)
        .json(&rules(0))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["version"], 1);
    let stale = app
        .client
        .put(app.url(&rules_path))
        .bearer_auth(&preparer)
        .json(&rules(0))
        .send()
        .await
        .unwrap();
    assert_eq!(
        stale.status(),
        StatusCode::CONFLICT,
        "a second change from version 0 is stale"
    );

    // A job with rules needs a declaration; a claim the job does not name is refused.
    let nobody = app.applicant("No Declaration").await;
    let body = application_body(&job, &nobody, &["Rust"], 3.0, "bachelor", "Rust");
    let (status, error) = error_of(app.post("/api/applications", Some(&nobody.token), &body).await).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("declaration"))
    );
    let mut body = body;
    body["declaration"] = born(25, "Punjab", &["Royalty"]);
    let (_, error) = error_of(app.post("/api/applications", Some(&nobody.token), &body).await).await;
    assert_eq!(error["field"], "declaration.claims");

    let (amna, a, ref_a) = apply(&app, &job, "Amna Punjab", born(25, "Punjab", &[])).await;
    let (woman, b, ref_b) = apply(&app, &job, "Bushra Sindh", born(26, "Sindh", &["Women"])).await;
    let (_, c, ref_c) = apply(&app, &job, "Chaudhry Old", born(40, "Punjab", &[])).await;
    let (_, d, ref_d) = apply(
        &app,
        &job,
        "Dawood Officer",
        born(33, "Sindh", &["Government employee"]),
    )
    .await;
    let (_, _, ref_e) = apply(&app, &job, "Erum Quetta", born(24, "Balochistan", &["women"])).await;

    // Staff see who is eligible, and why not, judged on the closing date.
    let verdicts = app
        .get_json(&format!("/api/jobs/{job}/eligibility"), Some(&preparer))
        .await;
    let verdict = |id: &str| {
        verdicts
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["applicationId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(verdict(&a)["eligible"], true);
    assert_eq!(verdict(&d)["eligible"], true, "the relaxation counts");
    assert_eq!(verdict(&c)["eligible"], false);
    assert!(
        verdict(&c)["reasons"][0]
            .as_str()
            .unwrap()
            .contains("the upper age limit is 30")
    );

    // A bad file imports nothing and names every bad line.
    let marks_path = format!("/api/jobs/{job}/marks");
    let post_csv = |csv: String| {
        app.client
            .post(app.url(&marks_path))
            .bearer_auth(&preparer)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
    };
    let bad = format!("reference,test,interview\n{ref_a},120,50\nPVA-2222-2222,50,50\n");
    let (status, error) = error_of(post_csv(bad).await.unwrap()).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("marks_invalid"))
    );
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("Line 2") && message.contains("Line 3"),
        "{message}"
    );
    let good = format!(
        "reference,test,interview\n{ref_a},90,80\n{ref_b},70,60\n{ref_c},95,95\n{ref_d},80,75\n{ref_e},60,50\n"
    );
    let imported: Value = post_csv(good.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(
        (imported["lines"].as_u64(), imported["changed"].as_u64()),
        (Some(5), Some(10))
    );
    let again: Value = post_csv(good).await.unwrap().json().await.unwrap();
    assert_eq!(again["changed"], 0, "the same file again changes nothing");

    // A dry run stores nothing; a prepared list waits for a second person.
    let lists_path = format!("/api/jobs/{job}/merit-lists");
    let dry = app
        .post(&format!("{lists_path}?dryRun=true"), Some(&preparer), &json!({}))
        .await;
    assert_eq!(dry.status(), StatusCode::OK);
    assert_eq!(app.get_json(&lists_path, Some(&preparer)).await, json!([]));
    // Bad values in the path and the query get the one error shape, not the framework's text.
    let (status, error) = error_of(app.get(&format!("{lists_path}/-1"), Some(&preparer)).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let maybe = format!("{lists_path}?dryRun=maybe");
    let (status, error) = error_of(app.post(&maybe, Some(&preparer), &json!({})).await).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("dryRun"))
    );
    let prepared = app.post(&lists_path, Some(&preparer), &json!({})).await;
    assert_eq!(prepared.status(), StatusCode::CREATED);
    let prepared: Value = prepared.json().await.unwrap();
    assert_eq!(
        (prepared["version"].as_u64(), prepared["published"].as_bool()),
        (Some(1), Some(false))
    );
    let outcome_of = |list: &Value, reference: &str| {
        let entries = list["entries"].as_array().unwrap();
        entries.iter().find(|e| e["reference"] == reference).unwrap()["outcome"].clone()
    };
    // 3 posts: 2 open merit, 1 for women. A and D take open merit (C is over age); the
    // women's post goes to B.
    assert_eq!(outcome_of(&prepared, &ref_a), "selected");
    assert_eq!(outcome_of(&prepared, &ref_d), "selected");
    assert_eq!(outcome_of(&prepared, &ref_b), "selected");
    assert_eq!(outcome_of(&prepared, &ref_c), "notEligible");
    assert_eq!(outcome_of(&prepared, &ref_e), "reserve");

    let approval = format!("{lists_path}/1/approval");
    let (status, error) = error_of(app.post(&approval, Some(&preparer), &json!({})).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::CONFLICT, Some("same_person"))
    );
    let woman_result = format!("/api/applications/{b}/result");
    assert_eq!(
        app.get_json(&woman_result, Some(&woman.token)).await["published"],
        false
    );
    let stale = format!("{approval}?fingerprint=0000");
    let (status, error) = error_of(app.post(&stale, Some(&approver), &json!({})).await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::CONFLICT, Some("stale")),
        "only the list read is approved"
    );
    let seen = format!(
        "{approval}?fingerprint={}",
        prepared["fingerprint"].as_str().unwrap()
    );
    let published = app.post(&seen, Some(&approver), &json!({})).await;
    assert_eq!(published.status(), StatusCode::OK);

    // Public results: references only, the fingerprint is the SHA-256 of the canonical text.
    let results = app.get_json(&format!("/api/jobs/{job}/results"), None).await;
    let canonical = results["canonical"].as_str().unwrap();
    assert_eq!(
        results["fingerprint"].as_str().unwrap(),
        pvara_domain::merit::list::fingerprint(canonical)
    );
    assert_eq!(results["fingerprint"], prepared["fingerprint"]);
    let text = results.to_string();
    assert!(
        text.contains(&ref_b) && !text.contains("Bushra"),
        "no names in public results"
    );

    // Every candidate on the list is told by mail.
    eventually("the results mail", || async {
        let sent = app
            .mails()
            .iter()
            .filter(|(n, _)| n.ends_with("-meritPublished.eml"))
            .count();
        (sent == 5).then_some(())
    })
    .await;

    // What she declared is hers to read in her export.
    let export = app.get_json("/api/me/export", Some(&woman.token)).await;
    assert_eq!(export["applications"][0]["declaration"]["domicile"], "Sindh");

    // A representation, filed once, upheld with a reason.
    let result = app.get_json(&woman_result, Some(&woman.token)).await;
    assert_eq!(
        (
            result["published"].as_bool(),
            result["entry"]["position"].as_u64()
        ),
        (Some(true), Some(3))
    );
    let filing = format!("/api/applications/{b}/representations");
    let filed = app
        .post(
            &filing,
            Some(&woman.token),
            &json!({"text": "My interview mark was 66, not 60"}),
        )
        .await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    let filed: Value = filed.json().await.unwrap();
    let (status, _) = error_of(
        app.post(&filing, Some(&woman.token), &json!({"text": "again"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let decision = format!("/api/representations/{}/decision", filed["id"].as_str().unwrap());
    let (status, error) = error_of(
        app.post(
            &decision,
            Some(&approver),
            &json!({"upheld": true, "reason": " "}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let decided = app
        .post(
            &decision,
            Some(&approver),
            &json!({"upheld": true, "reason": "The interview sheet says 66"}),
        )
        .await;
    assert_eq!(decided.status(), StatusCode::OK);
    let again = app
        .post(
            &decision,
            Some(&approver),
            &json!({"upheld": true, "reason": "x"}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // The corrected mark makes version 2, approved by two people, with its differences.
    let fixed = format!("reference,interview\n{ref_b},66\n");
    let imported: Value = post_csv(fixed).await.unwrap().json().await.unwrap();
    assert_eq!(imported["changed"], 1);
    let second: Value = app
        .post(&lists_path, Some(&approver), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["version"], 2);
    let changed: Vec<&str> = second["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reference"].as_str().unwrap())
        .collect();
    assert!(changed.contains(&ref_b.as_str()), "{changed:?}");
    let published = app
        .post(&format!("{lists_path}/2/approval"), Some(&preparer), &json!({}))
        .await;
    assert_eq!(published.status(), StatusCode::OK);
    let versions = app.get_json(&lists_path, Some(&preparer)).await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_ne!(versions[0]["fingerprint"], versions[1]["fingerprint"]);
    let result = app.get_json(&woman_result, Some(&woman.token)).await;
    assert_eq!(result["version"], 2);
    assert_eq!(result["representations"][0]["upheld"], true);
    // Amna gives up her open-merit post: Erum, first on open merit's reserve list, is proposed.
    let proposals_path = format!("/api/jobs/{job}/reserve-proposals");
    assert_eq!(
        app.get_json(&proposals_path, Some(&preparer)).await["proposals"],
        json!([])
    );
    let withdrawn = app
        .post(
            &format!("/api/applications/{a}/withdrawal"),
            Some(&amna.token),
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let proposals = app.get_json(&proposals_path, Some(&preparer)).await;
    assert_eq!(proposals["proposals"][0]["vacatedBy"], ref_a.as_str());
    assert_eq!(proposals["proposals"][0]["proposed"]["reference"], ref_e.as_str());

    // The terminal shows the published list, the very text its fingerprint is of.
    let cli = |args: &[&str]| crate::processes::output(app.data_dir.path(), app.database_url(), args);
    let results = app.get_json(&format!("/api/jobs/{job}/results"), None).await;
    let shown = cli(&["merit", "show", "--job", &job, "--canonical"]);
    assert!(shown.ends_with(results["canonical"].as_str().unwrap()), "{shown}");
    assert!(shown.contains(versions[0]["fingerprint"].as_str().unwrap()));
    let dry = cli(&["merit", "run", "--job", &job, "--dry-run"]);
    assert!(
        dry.contains("3 posts, version 3") && dry.contains(&ref_b),
        "{dry}"
    );
    // Another applicant cannot read her result.
    let (other, _, _) = apply(&app, &job, "Faisal Other", born(25, "Punjab", &[])).await;
    let response = app.get(&woman_result, Some(&other.token)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}
