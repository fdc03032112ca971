//! Mail on every engine with the mbox mailer (tests/mail covers SMTP): a rescheduled interview
//! updates the calendar entry, a rejection after it cancels it, and the application lists its
//! mail. And the `pvara mail` commands, and a broken template stopping the start.

use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use mail_parser::MimeHeaders;
use pvara_domain::ids::JobId;
use pvara_domain::status::Status;
use serde_json::{Value, json};

use crate::helpers::*;

crate::on_every_engine!(a_moved_interview_updates_the_calendar_and_a_rejection_cancels_it);

fn later(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

/// The application as its recruiter sees it, once it answers.
async fn view_of(app: &TestApp, recruiter: &str, id: &str) -> Option<Value> {
    let response = app.get(&format!("/api/applications/{id}"), Some(recruiter)).await;
    response.json().await.ok()
}

/// The value of an iCalendar property in `mail` (unfolded), e.g. `UID`.
fn ics_field(mail: &str, name: &str) -> String {
    mail.replace("\r\n ", "")
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in {mail}"))
        .trim()
        .to_owned()
}

async fn a_moved_interview_updates_the_calendar_and_a_rejection_cancels_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (recruiter, job, people) = app.recruiter_job_and_people(1).await;
    let who = &people[0];
    let id = app
        .submit(
            who,
            &application_body(&job, who, &["Rust"], 3.0, "bachelor", "Rust"),
        )
        .await;
    let step = |action: &'static str, body: Value| {
        let (app, recruiter, id) = (&app, &recruiter, &id);
        async move {
            let path = format!("/api/applications/{id}/{action}");
            let response = app.post(&path, Some(recruiter), &body).await;
            assert_eq!(response.status(), reqwest::StatusCode::OK, "{action}");
        }
    };
    eventually("scored", || async {
        let view = view_of(&app, &recruiter, &id).await?;
        (view["status"] == "Under Review").then_some(())
    })
    .await;
    step(
        "test-invitation",
        json!({"testUrl": "https://t.example/1", "deadline": later(3)}),
    )
    .await;
    let panel = app.panel(&recruiter).await;
    let first = json!({"scheduledAt": later(10), "location": "Room 4", "interviewerIds": panel});
    step("interview", first).await;
    eventually("the first invitation", || async {
        (app.mails()
            .iter()
            .filter(|(n, _)| n.ends_with("-interview.eml"))
            .count()
            == 1)
            .then_some(())
    })
    .await;
    let moved = json!({"scheduledAt": later(11), "location": "Room 7", "interviewerIds": panel});
    step("interview", moved).await;
    step(
        "rejection",
        json!({"reason": "Another candidate was closer to the role"}),
    )
    .await;

    let raw = eventually("two invitations and a cancellation", || async {
        let raw = raw_mail_in(&app.mail_dir());
        // The candidate's (the panel's own invitations carry calendars too).
        let calendars: Vec<String> = raw
            .into_iter()
            .filter(|m| m.contains("text/calendar") && !m.contains("X-Pvara-Template: panelInvitation"))
            .collect();
        (calendars.len() == 3).then_some(calendars)
    })
    .await;
    let decoded: Vec<String> = raw
        .iter()
        .map(|m| {
            let parsed = mail_parser::MessageParser::default().parse(m.as_bytes()).unwrap();
            let part = parsed
                .parts
                .iter()
                .find(|p| p.is_content_type("text", "calendar"))
                .expect("a calendar part");
            String::from_utf8_lossy(part.contents()).into_owned()
        })
        .collect();
    let uids: Vec<String> = decoded.iter().map(|c| ics_field(c, "UID")).collect();
    assert!(
        uids.iter().all(|u| *u == uids[0]),
        "one interview, one UID: {uids:?}"
    );
    let sequences: Vec<u64> = decoded
        .iter()
        .map(|c| ics_field(c, "SEQUENCE").parse().unwrap())
        .collect();
    assert!(
        sequences.windows(2).all(|w| w[1] > w[0]),
        "each version later: {sequences:?}"
    );
    let methods: Vec<String> = decoded.iter().map(|c| ics_field(c, "METHOD")).collect();
    assert_eq!(methods, ["REQUEST", "REQUEST", "CANCEL"]);
    assert_eq!(ics_field(&decoded[1], "LOCATION"), "Room 7");

    let view = view_of(&app, &recruiter, &id).await.unwrap();
    let interviews = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["to"] == "Interview Scheduled")
        .count();
    assert_eq!(interviews, 2, "the move is in the history");
    let mail = eventually("every mail recorded", || async {
        let view = view_of(&app, &recruiter, &id).await?;
        let mail = view["mail"].as_array()?.clone();
        // Six to the candidate, and the panel's invitation to each of the two interviews.
        (mail.len() == 8).then_some(mail)
    })
    .await;
    assert!(mail.iter().all(|m| m["status"] == "delivered"), "{mail:?}");
    let job: JobId = job.parse().unwrap();
    let counts = app.engines.store.status_counts(&[job]).await.unwrap();
    let count = |status: Status| {
        counts
            .iter()
            .filter(|c| c.job_id == job && c.status == status)
            .map(|c| c.count)
            .sum::<u64>()
    };
    assert_eq!(
        (count(Status::InterviewScheduled), count(Status::Rejected)),
        (0, 1),
        "a move within a status moves no count"
    );
}

#[test]
fn mail_preview_prints_each_template_in_the_installations_money_and_zone() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_pvara"))
            .args(args)
            .output()
            .unwrap()
    };
    let offer = run(&[
        "mail",
        "preview",
        "offer",
        "--currency",
        "EUR",
        "--timezone",
        "Europe/Berlin",
    ]);
    assert!(offer.status.success());
    let text = String::from_utf8_lossy(&offer.stdout);
    assert!(
        text.contains("Salary: EUR 150,000 a month") && text.contains("(CET)"),
        "{text}"
    );
    let calendar = run(&["mail", "preview", "interview", "--part", "calendar"]);
    assert!(String::from_utf8_lossy(&calendar.stdout).contains("METHOD:REQUEST"));
    let unknown = run(&["mail", "preview", "ofer"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("ofer"));
}

#[tokio::test]
async fn a_broken_template_override_stops_the_start_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("offer.html"), "{% if %}").unwrap();
    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_pvara"));
    serve
        .args(["--data-dir"])
        .arg(dir.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0", "--mail-templates"])
        .arg(&templates)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let exited = tokio::time::timeout(Duration::from_secs(30), serve.output())
        .await
        .expect("serve started with a broken template");
    let output = exited.unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("offer.html"), "{stderr}");
}
