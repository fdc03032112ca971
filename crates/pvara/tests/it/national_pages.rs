//! National recruitment through the pages, as staff and candidates use it: the rules form
//! (every problem at once), declarations on the apply form with the eligibility warning before
//! sending, marks imported from a file, a list run by one person and published by another, the
//! public results page whose fingerprint is of its CSV, and a representation filed and decided.

use chrono::{Duration, Utc};
use pvara_domain::user::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn apply_form(job: &str, born: (&str, &str, &str), domicile: &str, women: bool) -> reqwest::multipart::Form {
    let form = reqwest::multipart::Form::new()
        .text("jobId", job.to_owned())
        .text("fullName", "Candidate")
        .text("skills", "Rust")
        .text("yearsExperience", "3")
        .text("education", "bachelor")
        .text("resumeText", "Six years of Rust services")
        .text("acceptPrivacyNotice", "true")
        .text("declaration.dateOfBirth-day", born.0.to_owned())
        .text("declaration.dateOfBirth-month", born.1.to_owned())
        .text("declaration.dateOfBirth-year", born.2.to_owned())
        .text("declaration.domicile", domicile.to_owned());
    if women {
        form.text("declaration.claims.0", "Women")
    } else {
        form
    }
}

/// Applies through the pages; returns the application's id.
async fn apply(
    app: &TestApp,
    job: &str,
    name: &str,
    born: (&str, &str, &str),
    women: bool,
) -> (Pages, String, String) {
    let who = app.applicant(name).await;
    let mut pages = Pages::new(app);
    pages.sign_in(&who.email).await;
    let answer = pages
        .post_multipart(
            &format!("/jobs/{job}/apply"),
            apply_form(job, born, "Sindh", women),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{name}");
    let check = pages
        .get(&format!("/jobs/{job}/apply/check"))
        .await
        .text()
        .await
        .unwrap();
    let sent = pages.send_checked(&format!("/jobs/{job}/apply/check")).await;
    let id = location(&sent)
        .trim_start_matches("/me/applications/")
        .trim_end_matches("/applied")
        .to_owned();
    (pages, id, check)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drive_through_the_pages() {
    let app = spawn_app(Backend::Sqlite).await;
    let preparer = app.staff("prepares@pvara.gov", Role::Recruiter).await;
    app.staff("approves@pvara.gov", Role::Admin).await;
    let mut body = job_body("Section Officer", "Federal posts", &["Rust"], &[], 0.0);
    body["vacancies"] = json!(2);
    body["closesAt"] = json!(Utc::now() + Duration::days(30));
    let job = app.create_job(&preparer, &body).await;
    let mut staff = Pages::new(&app);
    staff.sign_in("prepares@pvara.gov").await;
    let drive = format!("/staff/jobs/{job}/drive");
    let page = staff.get(&drive).await.text().await.unwrap();
    assert!(page.contains("no national-recruitment rules yet"), "{page}");

    // The rules form names every unreadable field at once and saves nothing.
    let rules = format!("{drive}/rules");
    let csrf = staff.csrf(&rules).await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("minAge", "21"),
        ("maxAge", "thirty"),
        ("relaxations", "Government employee: 5"),
        ("domiciles", "Punjab\nSindh"),
        ("minEducation", "bachelor"),
        ("quotas", "Women fifty"),
        ("weightTest", "60"),
        ("weightInterview", "40"),
        ("tieFirst", "higherTest"),
        ("shortlist", "3"),
        ("unfilled", "openMerit"),
        ("reserveDays", "180"),
        ("representationDays", "15"),
    ];
    let refused = staff.post(&rules, &fields).await.text().await.unwrap();
    assert!(
        refused.contains("The upper age limit must be a whole number"),
        "{refused}"
    );
    assert!(
        refused.contains("Each quota must be a name, a colon and a number: line 1 is"),
        "{refused}"
    );
    fields[3] = ("maxAge", "30");
    fields[7] = ("quotas", "Women: 50");
    let saved = staff.post(&rules, &fields).await;
    assert_eq!(location(&saved), format!("{drive}?saved=rules"));
    let page = staff.get(&drive).await.text().await.unwrap();
    assert!(
        page.contains("Rules, version 1") && page.contains("Open merit"),
        "{page}"
    );

    // The apply form asks for the declaration; a date that is not a date is named.
    let who = app.applicant("Wrong Date").await;
    let mut wrong = Pages::new(&app);
    wrong.sign_in(&who.email).await;
    let form = wrong
        .get(&format!("/jobs/{job}/apply"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("Date of birth") && form.contains(">Women</bdi>"),
        "the declaration is asked"
    );
    let refused = wrong
        .post_multipart(
            &format!("/jobs/{job}/apply"),
            apply_form(&job, ("31", "2", "1999"), "Sindh", false),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        refused.contains("Enter your date of birth as a real date"),
        "{refused}"
    );

    // Over age: told before sending, may still send.
    let year = |age: i32| {
        (Utc::now()
            .date_naive()
            .format("%Y")
            .to_string()
            .parse::<i32>()
            .unwrap()
            - age)
            .to_string()
    };
    let old_year = year(41);
    let (_, old, check) = apply(&app, &job, "Old Candidate", ("1", "1", &old_year), false).await;
    assert!(check.contains("You may not be eligible for this job"), "{check}");
    assert!(check.contains("the upper age limit is 30"), "{check}");
    let young_year = year(25);
    let (mut woman, woman_id, _) = apply(&app, &job, "Young Woman", ("1", "1", &young_year), true).await;
    let (_, man, _) = apply(&app, &job, "Young Man", ("2", "1", &young_year), false).await;

    let page = staff.get(&drive).await.text().await.unwrap();
    assert!(page.contains("2 eligible, 1 not eligible"), "{page}");
    let review = staff
        .get(&format!("/staff/applications/{old}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        review.contains("Not eligible. The applicant is") && review.contains("the upper age limit is 30"),
        "{review}"
    );
    // Staff reject the not-eligible in one press, each with their reasons.
    let csrf = staff.csrf(&drive).await;
    let rejected = staff
        .post(
            &format!("{drive}/reject-not-eligible"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(location(&rejected), format!("{drive}?saved=rejected&rejected=1"));
    let review = staff
        .get(&format!("/staff/applications/{old}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        review.contains("Staff Member: Not eligible on the closing date"),
        "the reason is in the history: {review}"
    );

    // Marks: a bad file imports nothing and lists its lines; a good one imports.
    let reference = |id: &str| {
        let id = id.to_owned();
        let app = &app;
        let token = preparer.clone();
        async move {
            app.get_json(&format!("/api/applications/{id}"), Some(&token))
                .await["reference"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let (r_old, r_woman, r_man) = (
        reference(&old).await,
        reference(&woman_id).await,
        reference(&man).await,
    );
    let file = |csv: String| {
        reqwest::multipart::Form::new().part(
            "marks",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("marks.csv"),
        )
    };
    let marks = format!("{drive}/marks");
    let bad = staff
        .post_multipart_from(
            &drive,
            &marks,
            file(format!("reference,test,interview\n{r_man},abc,50\n")),
        )
        .await;
    let bad = bad.text().await.unwrap();
    assert!(
        bad.contains("Nothing was imported") && bad.contains("Line 2: the test mark"),
        "{bad}"
    );
    let csv = format!("reference,test,interview\n{r_old},99,99\n{r_woman},70,70\n{r_man},80,80\n");
    let imported = staff.post_multipart_from(&drive, &marks, file(csv)).await;
    assert!(location(&imported).contains("saved=marks&lines=3&changed=6"));

    // The shortlist by test mark: 3 per post of each share calls both eligible candidates.
    let page = staff.get(&drive).await.text().await.unwrap();
    assert!(
        page.contains("Called to interview")
            && page.contains("3 candidates for every post of each share: 2 candidates"),
        "{page}"
    );

    // One person runs the list; they cannot approve it; another does.
    let csrf = staff.csrf(&drive).await;
    let run = staff
        .post(&format!("{drive}/lists"), &[("csrf", csrf.as_str())])
        .await;
    let list = location(&run);
    assert_eq!(list, format!("{drive}/lists/1"));
    let page = staff.get(&list).await.text().await.unwrap();
    assert!(page.contains("another member of staff must approve it"), "{page}");
    let mut approver = Pages::new(&app);
    approver.sign_in("approves@pvara.gov").await;
    let csrf = approver.csrf(&list).await;
    let shown = approver.get(&list).await.text().await.unwrap();
    let fingerprint = shown
        .split("name=\"fingerprint\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // A list prepared again since the approver read it is not theirs to approve.
    let unseen = [("csrf", csrf.as_str()), ("fingerprint", "0000")];
    let refused = approver
        .post(&format!("{list}/approval"), &unseen)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        refused.contains("The list was prepared again since you read it"),
        "{refused}"
    );
    let seen = [("csrf", csrf.as_str()), ("fingerprint", fingerprint.as_str())];
    let published = approver.post(&format!("{list}/approval"), &seen).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    let page = approver.get(&list).await.text().await.unwrap();
    assert!(page.contains("approved and published by"), "{page}");

    // The public results: references only, and the fingerprint is the CSV's SHA-256.
    let mut public = Pages::new(&app);
    let results = public
        .get(&format!("/jobs/{job}/results"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        results.contains(&r_woman) && !results.contains("Young Woman"),
        "{results}"
    );
    let csv = public
        .get(&format!("/jobs/{job}/results.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(results.contains(&pvara_domain::merit::list::fingerprint(&csv)));

    // The candidate reads their result and makes one representation; staff decide it.
    let own = woman
        .get(&format!("/me/applications/{woman_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        own.contains("Your result") && own.contains("Selected for a post on Women"),
        "{own}"
    );
    let filing = format!("/me/applications/{woman_id}/representation");
    let csrf = woman.csrf(&filing).await;
    let empty = woman
        .post(&filing, &[("csrf", csrf.as_str()), ("text", " ")])
        .await
        .text()
        .await
        .unwrap();
    assert!(empty.contains("Your representation must not be empty"), "{empty}");
    let filed = woman
        .post(
            &filing,
            &[("csrf", csrf.as_str()), ("text", "My test mark was 75")],
        )
        .await;
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
    let own = woman
        .get(&format!("/me/applications/{woman_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        own.contains("My test mark was 75") && !own.contains("Make a representation</a>"),
        "{own}"
    );

    let page = staff.get(&drive).await.text().await.unwrap();
    let id = page
        .split("/staff/representations/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let decide = format!("/staff/representations/{id}/decision");
    let csrf = staff.csrf(&drive).await;
    let refused = staff
        .post(&decide, &[("csrf", csrf.as_str()), ("job", job.as_str())])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        refused.contains("Choose whether the representation is upheld")
            && refused.contains("Give the reason"),
        "{refused}"
    );
    let form = [
        ("csrf", csrf.as_str()),
        ("job", job.as_str()),
        ("upheld", "no"),
        ("reason", "The answer sheet says 70"),
    ];
    let decided = staff.post(&decide, &form).await;
    assert_eq!(location(&decided), format!("{drive}?saved=decided"));
    let own = woman
        .get(&format!("/me/applications/{woman_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        own.contains("Not upheld on") && own.contains("The answer sheet says 70"),
        "{own}"
    );
    app.stop().await;
}
