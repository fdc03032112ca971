//! Reading a CV as the apply page does (issue 23): a file that gives little text for its pages
//! comes back with what was read in "CV text" and a message saying so, and nothing is stored
//! until the candidate submits again; a scan is refused with a message that says it is one.

use pvara_domain::user::Role;
use reqwest::StatusCode;

use crate::helpers::*;
use crate::hostile_files::{one_page, pdf, stream};

/// A PDF of `pages` pages with only `words` on each.
pub(crate) fn sparse_pdf(pages: usize, words: &str) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|p| format!("{} 0 R", 3 + 2 * p)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")).into_bytes(),
    ];
    let font = 3 + 2 * pages;
    for p in 0..pages {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font} 0 R >> >> /Contents {} 0 R >>",
                4 + 2 * p
            )
            .into_bytes(),
        );
        objects.push(stream(
            "",
            format!("BT /F1 12 Tf 72 700 Td ({words}) Tj ET").as_bytes(),
        ));
    }
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec());
    pdf(&objects)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cv_read_short_is_shown_to_the_candidate_before_anything_is_scored() {
    let app = spawn_app(Backend::Sqlite).await;
    let recruiter = app.staff("r@pvara.gov", Role::Recruiter).await;
    let job = app
        .create_job(
            &recruiter,
            &job_body("Engineer", "Rust services", &["Rust"], &[], 1.0),
        )
        .await;
    let who = app.applicant("Short Reading").await;
    let mut pages = Pages::new(&app);
    pages.sign_in(&who.email).await;
    let apply = format!("/jobs/{job}/apply");
    let form = || {
        reqwest::multipart::Form::new()
            .text("fullName", who.name.clone())
            .text("skills", "Rust")
            .text("yearsExperience", "4")
            .text("education", "bachelor")
            .text("resumeText", "")
            .text("acceptPrivacyNotice", "true")
    };
    let file = |bytes: Vec<u8>| reqwest::multipart::Part::bytes(bytes).file_name("cv.pdf");
    app.settle().await;
    let before = app.snapshot().await;

    // Three pages, a few words on each: the form comes back with them in CV text.
    let answer = pages
        .post_multipart(
            &apply,
            form().part("cv", file(sparse_pdf(3, "Curriculum vitae of a Rust engineer"))),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let html = answer.text().await.unwrap();
    assert!(
        html.contains("We could read only 18 words from your CV file (3 pages)"),
        "{html}"
    );
    assert!(
        html.contains("Curriculum vitae of a Rust engineer"),
        "what was read is shown"
    );
    assert_eq!(app.snapshot().await, before, "nothing stored");

    // A scan is refused as one.
    let scan = one_page(
        "/XObject << /Im 6 0 R >>",
        stream("", b"q 200 0 0 200 72 500 cm /Im Do Q"),
        vec![stream(
            "/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8",
            &[0x80; 64],
        )],
    );
    let answer = pages.post_multipart(&apply, form().part("cv", file(scan))).await;
    let html = answer.text().await.unwrap();
    assert!(html.contains("looks like a scanned image"), "{html}");

    // With the text checked and completed in CV text, it goes to "Check your answers" and is
    // sent; the file read before is kept, so it need not be chosen again.
    let answer = pages
        .post_multipart(
            &apply,
            form().part("cv", file(sparse_pdf(3, "Curriculum vitae of a Rust engineer"))),
        )
        .await;
    assert!(answer.text().await.unwrap().contains("We have your file cv.pdf"));
    let answer = pages
        .post_multipart(
            &apply,
            form().text(
                "resumeText",
                "Curriculum vitae of a Rust engineer: six years of Rust services.",
            ),
        )
        .await;
    assert_eq!(answer.status(), reqwest::StatusCode::SEE_OTHER);
    let check = answer.headers()["location"].to_str().unwrap().to_owned();
    let html = pages.get(&check).await.text().await.unwrap();
    assert!(html.contains("cv.pdf (18 words read)"), "{html}");
    let answer = pages.send_checked(&check).await;
    assert_eq!(answer.status(), reqwest::StatusCode::SEE_OTHER);
    let cv = app
        .engines
        .store
        .cv_file(
            answer.headers()["location"]
                .to_str()
                .unwrap()
                .split('/')
                .nth(3)
                .unwrap()
                .parse()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        cv.map(|f| f.file_name).as_deref(),
        Some("cv.pdf"),
        "the kept file is sent"
    );
    let confirmation = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        pages
            .get(&confirmation)
            .await
            .text()
            .await
            .unwrap()
            .contains("Application submitted")
    );
    app.stop().await;
}
