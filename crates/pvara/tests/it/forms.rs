//! Forms as a careless person meets them: every problem reported at once, a chosen file said to
//! be lost, no second application by a reload, "you applied" before the form, a refused bulk
//! action keeping its ticks.

use reqwest::StatusCode;

use crate::helpers::{Backend, Pages, application_body, spawn_app};

async fn every_problem_at_once_and_no_second_application(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, job, _) = app.recruiter_job_and_people(0).await;

    // An empty registration names all three fields.
    let mut visitor = Pages::new(&app);
    let csrf = visitor.csrf("/register").await;
    let html = visitor
        .post("/register", &[("csrf", csrf.as_str())])
        .await
        .text()
        .await
        .unwrap();
    for message in [
        "Full name must not be empty",
        "Email must be an e-mail address",
        "Password must be at least",
    ] {
        assert!(html.contains(message), "{message}: {html}");
    }

    // An apply form with nothing in it: every problem; a file chosen is kept for the retry.
    let who = app.applicant("Careless Person").await;
    let mut pages = Pages::new(&app);
    pages.sign_in(&who.email).await;
    let apply = format!("/jobs/{job}/apply");
    let empty = reqwest::multipart::Form::new()
        .text("fullName", "")
        .text("skills", "")
        .text("yearsExperience", "")
        .text("education", "bachelor")
        .text("resumeText", "");
    let before = app.snapshot().await;
    let html = pages.post_multipart(&apply, empty).await.text().await.unwrap();
    for message in [
        "Enter your years of experience",
        "Upload your CV or paste its text",
        "Full name must not be empty",
        "Skills",
        "The privacy notice must be accepted",
    ] {
        assert!(html.contains(message), "{message}: {html}");
    }
    let with_file = reqwest::multipart::Form::new()
        .text("fullName", who.name.clone())
        .text("skills", "Rust")
        .text("yearsExperience", "4")
        .text("education", "bachelor")
        .text("resumeText", "")
        .part(
            "cv",
            reqwest::multipart::Part::bytes(
                "Four years of Rust services for a bank, with PostgreSQL and Kafka. "
                    .repeat(12)
                    .into_bytes(),
            )
            .file_name("cv.txt"),
        );
    let html = pages
        .post_multipart(&apply, with_file)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("The privacy notice must be accepted"), "{html}");
    assert!(html.contains("We have your file cv.txt"), "{html}");
    assert!(!html.contains("Choose your CV file again"), "{html}");
    // A draft kept with problems is not one to check: the form it came from.
    let early = pages.get(&format!("/jobs/{job}/apply/check")).await;
    assert_eq!(early.status(), StatusCode::SEE_OTHER);
    assert_eq!(early.headers()["location"].to_str().unwrap(), apply);
    // A file read short comes back in CV text to check, with the form's other problems beside it.
    let short = reqwest::multipart::Form::new()
        .text("fullName", who.name.clone())
        .text("skills", "Rust")
        .text("yearsExperience", "4")
        .text("education", "bachelor")
        .text("resumeText", "")
        .part(
            "cv",
            reqwest::multipart::Part::bytes(crate::reading::sparse_pdf(
                3,
                "Curriculum vitae of a Rust engineer",
            ))
            .file_name("cv.pdf"),
        );
    let html = pages.post_multipart(&apply, short).await.text().await.unwrap();
    assert!(
        html.contains("words from your CV file (3 pages): check what we read in CV text"),
        "{html}"
    );
    assert!(html.contains("The privacy notice must be accepted"), "{html}");
    assert_eq!(app.snapshot().await, before, "nothing stored");

    // The form, complete, leads to "Check your answers"; nothing is sent yet.
    let form = reqwest::multipart::Form::new()
        .text("fullName", who.name.clone())
        .text("skills", "Rust")
        .text("yearsExperience", "4")
        .text("education", "bachelor")
        .text("resumeText", "Four years of Rust services for a bank.")
        .text("acceptPrivacyNotice", "true");
    let answer = pages.post_multipart(&apply, form).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let check = answer.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(check, format!("/jobs/{job}/apply/check"));
    let html = pages.get(&check).await.text().await.unwrap();
    for words in [
        "Check your answers before sending your application",
        &who.name,
        "Bachelor",
        // The file from the earlier try is still the candidate's, with the text pasted since.
        "cv.pdf (",
        "Pasted text (8 words)",
        "Accept and send",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    assert!(
        html.contains(&format!(r##"href="/jobs/{job}/apply#years-experience""##)),
        "each answer links back to its field: {html}"
    );
    assert_eq!(app.snapshot().await, before, "nothing sent before the button");
    // "Change" finds the form as it was left.
    let form_again = pages.get(&apply).await.text().await.unwrap();
    assert!(
        form_again.contains("Four years of Rust services for a bank."),
        "{form_again}"
    );

    // Sending redirects to a confirmation that a reload shows again, without applying again;
    // the check page afterwards leads to the application.
    let answer = pages.send_checked(&check).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let confirmation = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(confirmation.ends_with("/applied"), "{confirmation}");
    let after = pages.get(&check).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        after.headers()["location"].to_str().unwrap(),
        confirmation.trim_end_matches("/applied")
    );
    for _ in 0..2 {
        let html = pages.get(&confirmation).await.text().await.unwrap();
        assert!(html.contains("Application submitted"), "{html}");
    }
    let person = app
        .engines
        .store
        .user_by_email(&who.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.engines.store.applications_of(person.id).await.unwrap().len(),
        1
    );
    let job_page = pages.get(&format!("/jobs/{job}")).await.text().await.unwrap();
    assert!(job_page.contains("You applied for this job on"), "{job_page}");
    let again = pages.get(&apply).await;
    assert_eq!(
        again.status(),
        StatusCode::SEE_OTHER,
        "the form leads to the application"
    );

    // Withdrawing asks first; the question itself changes nothing.
    let own = confirmation.trim_end_matches("/applied");
    let ask = pages.get(&format!("{own}/withdraw")).await.text().await.unwrap();
    assert!(ask.contains("Withdraw your application for Engineer?"), "{ask}");
    assert!(ask.contains("Yes, withdraw my application"));
    let ask = pages.get("/me/erase").await.text().await.unwrap();
    assert!(
        ask.contains("Delete your account?") && ask.contains("1 open application"),
        "{ask}"
    );
    let status = app.engines.store.applications_of(person.id).await.unwrap()[0].status;
    assert!(status.is_sifting(), "still open: {status}");
    app.stop().await;
}

async fn a_refused_bulk_action_keeps_its_selection(backend: Backend) {
    let app = spawn_app(backend).await;
    let (recruiter, job, _) = app.recruiter_job_and_people(0).await;
    let mut ids = Vec::new();
    for name in ["First Person", "Second Person"] {
        let who = app.applicant(name).await;
        let id = app
            .submit(
                &who,
                &application_body(&job, &who, &["Rust"], 3.0, "bachelor", "Rust services."),
            )
            .await;
        app.wait_for_status(&recruiter, &id, "Under Review").await;
        ids.push(id);
    }
    let mut staff = Pages::new(&app);
    staff.sign_in("r@pvara.gov").await;
    let csrf = staff.csrf(&format!("/staff/jobs/{job}")).await;
    let html = staff
        .post(
            &format!("/staff/jobs/{job}/bulk"),
            &[
                ("csrf", csrf.as_str()),
                ("action", "reject"),
                ("reason", ""),
                ("ids", ids[0].as_str()),
                ("ids", ids[1].as_str()),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("govuk-error-summary"), "{html}");
    for id in &ids {
        assert!(
            html.contains(&format!("value=\"{id}\" checked")),
            "{id} still ticked: {html}"
        );
    }

    // Closing a job asks first.
    let ask = staff
        .get(&format!("/staff/jobs/{job}/close"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        ask.contains("Close Engineer?") && ask.contains("Yes, close the job"),
        "{ask}"
    );
    assert!(
        app.engines
            .store
            .job(job.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .is_open(chrono::Utc::now())
    );
    app.stop().await;
}

crate::on_every_engine!(
    every_problem_at_once_and_no_second_application,
    a_refused_bulk_action_keeps_its_selection
);
