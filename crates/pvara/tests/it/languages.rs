//! Urdu and English: the browser's `Accept-Language` is the first guess, the language switch on
//! every page keeps a choice in a cookie and on the account, signing in on a new device brings
//! the account's language along, forms say their problems in the page's language, and mail
//! follows the candidate's language whichever front end they applied through.

use reqwest::StatusCode;

use crate::helpers::{Backend, Pages, application_body, eventually, job_body, spawn_app};

async fn a_candidate_reads_the_service_in_urdu(backend: Backend) {
    let app = spawn_app(backend).await;
    let recruiter = app
        .staff("r@pvara.gov", pvara_domain::user::Role::Recruiter)
        .await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Data Officer", "Data for the ministry", &["SQL"], &[], 1.0),
        )
        .await;

    // A browser asking for Urdu gets Urdu, right to left; one asking for French gets English.
    let client = reqwest::Client::new();
    let urdu = client
        .get(app.url("/jobs"))
        .header("accept-language", "ur-PK,ur;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(urdu.headers()["content-language"], "ur");
    let html = urdu.text().await.unwrap();
    assert!(
        html.contains(r#"lang="ur" dir="rtl""#) && html.contains("ملازمتیں"),
        "{html}"
    );
    let french = client
        .get(app.url("/jobs"))
        .header("accept-language", "fr-FR")
        .send()
        .await
        .unwrap();
    let html = french.text().await.unwrap();
    assert!(
        html.contains(r#"lang="en" dir="ltr""#) && html.contains(">Jobs</h1>"),
        "{html}"
    );

    // The switch: a cookie and the account, then back to the page it was chosen on.
    let who = app.applicant("Ayesha Khan").await;
    let mut pages = Pages::new(&app);
    pages.sign_in(&who.email).await;
    let html = pages.get("/jobs").await.text().await.unwrap();
    assert!(
        html.contains("/language/ur?back=/jobs") && html.contains("اردو"),
        "{html}"
    );
    let switched = pages.get("/language/ur?back=/jobs").await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers()["location"], "/jobs");
    let html = pages.get("/jobs").await.text().await.unwrap();
    assert!(
        html.contains(r#"lang="ur""#) && html.contains("ملازمتیں"),
        "{html}"
    );
    assert_eq!(
        pages.get("/language/fr?back=/jobs").await.status(),
        StatusCode::NOT_FOUND,
        "only the languages pvara speaks"
    );
    let elsewhere = pages.get("/language/ur?back=https://evil.example/").await;
    assert_eq!(elsewhere.headers()["location"], "/", "never back to another site");

    // A form's problems, all at once and in Urdu.
    let empty = reqwest::multipart::Form::new()
        .text("fullName", "")
        .text("skills", "")
        .text("yearsExperience", "")
        .text("education", "bachelor")
        .text("resumeText", "");
    let html = pages
        .post_multipart(&format!("/jobs/{job}/apply"), empty)
        .await
        .text()
        .await
        .unwrap();
    for words in [
        "ایک مسئلہ ہے",
        "پورا نام خالی نہیں ہونا چاہیے",
        "اپنے تجربے کے سال",
        "اپنی سی وی اپ لوڈ کریں",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }

    // The pages about the service and "Your data", in Urdu too.
    for (path, words) in [
        ("/privacy", "آپ کے ڈیٹا کا ذمہ دار کون ہے"),
        ("/accessibility", "تعمیل کی صورتِ حال"),
        ("/cookies", "ضروری کوکیز"),
        ("/contact", "کسی درخواست کے بارے میں سوالات"),
        ("/me/data", "آپ کا ریکارڈ کس نے کھولا"),
    ] {
        let html = pages.get(path).await.text().await.unwrap();
        assert!(html.contains(words), "{path}: {html}");
    }

    // Mail follows the account's language, through the API too.
    app.submit(
        &who,
        &application_body(&job, &who, &["SQL"], 2.0, "bachelor", "SQL analyst, 2 years"),
    )
    .await;
    let mail = eventually("the receipt in Urdu", || async {
        app.mails()
            .into_iter()
            .map(|(_, message)| message)
            .find(|m| m.contains("X-Pvara-Template: applicationReceived"))
    })
    .await;
    assert!(
        mail.contains("Data Officer کے لیے درخواست دینے کا شکریہ")
            && mail.contains("محترم/محترمہ Ayesha Khan"),
        "{mail}"
    );

    // A new device: signing in brings the account's language along.
    let mut phone = Pages::new(&app);
    let csrf = phone.csrf("/login").await;
    let signed_in = phone
        .post(
            "/login",
            &[
                ("csrf", csrf.as_str()),
                ("email", who.email.as_str()),
                ("password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    let cookies: Vec<_> = signed_in.headers().get_all("set-cookie").iter().collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("pvara_lang=ur")),
        "{cookies:?}"
    );
    let html = phone.get("/me/applications").await.text().await.unwrap();
    assert!(
        html.contains("میری درخواستیں") && html.contains("حوالہ"),
        "{html}"
    );
    app.stop().await;
}

crate::on_every_engine!(a_candidate_reads_the_service_in_urdu);
