"""The whole story in a real browser: a candidate finds a job, applies with a PDF CV and watches
it being scored; a recruiter ranks, invites, interviews and makes an offer; bulk rejection; CSRF;
a deactivated recruiter loses their session. axe-core checks every page on the way."""

import json
import re
import time
from pathlib import Path

from fpdf import FPDF
from playwright.sync_api import expect

from conftest import DEADLINE_S, PASSWORD, check_accessibility, screenshot, fill_date

TIMEOUT_MS = DEADLINE_S * 1000
CV_TEXT = (
    "Ayesha Khan. Senior backend engineer. Six years building a payments ledger in Rust on "
    "PostgreSQL, with event streaming on Kafka. Led the migration of settlement services, "
    "designed idempotent consumers and an outbox relay, and mentored four engineers."
)


def make_pdf(path: Path, text: str | None):
    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.rect(20, 20, 60, 40)
    else:
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))


def look(page, name):
    """Every page the story visits: accessible, and photographed for the README."""
    check_accessibility(page)
    screenshot(page, name)


def sign_in(page, base, email, password=PASSWORD):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def post_job(page, base):
    page.goto(base + "/staff/jobs")
    page.get_by_role("button", name="New job").click()
    look(page, "staff-new-job")
    page.get_by_label("Title").fill("Backend Engineer")
    page.get_by_label("Description").fill("Build the payments ledger in Rust on PostgreSQL with Kafka.")
    page.get_by_label("Location").fill("Islamabad")
    fill_date(page, "Closing date", "2030-01-31T23:59")
    page.get_by_label("Required skills").fill("Rust, PostgreSQL")
    page.get_by_label("Preferred skills").fill("Kafka")
    page.get_by_label("Minimum years of experience").fill("3")
    page.get_by_label("Education").select_option("bachelor")
    # The rubric: weights that do not add up to 100 are refused, naming the fields.
    page.get_by_label("Points for relevance to the job").fill("30")
    page.get_by_role("button", name="Post job").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must add up to 100; they add up to 115")
    look(page, "staff-new-job-rubric-error")
    page.get_by_label("Points for relevance to the job").fill("15")
    page.get_by_role("button", name="Post job").click()
    expect(page.get_by_role("heading", name="Backend Engineer")).to_be_visible()
    return page.url.rsplit("/", 1)[1]


def weak_applicants(server, job_id, names):
    """Applicants through the JSON API, with applications that score low."""
    ids = []
    for name in names:
        email, token = server.applicant(name)
        status, body = server.api.call("POST", "/api/applications", {
            "jobId": job_id, "fullName": name, "email": email, "skills": ["Excel"],
            "yearsExperience": 1, "education": "highSchool",
            "resumeText": "I have worked in an office and used spreadsheets for reports.",
            "acceptPrivacyNotice": True,
        }, token)
        assert status == 201, body
        ids.append((body["id"], token))
    for application, token in ids:
        server.api.wait_for_status(token, application, "Under Review")
    return [application for application, _ in ids]


def test_the_whole_story(server, browser, tmp_path):
    base = server.base
    recruiter = browser.new_context()
    staff = recruiter.new_page()
    sign_in(staff, base, "recruiter@pvara.gov")
    expect(staff.get_by_role("heading", name="Jobs")).to_be_visible()
    job_id = post_job(staff, base)
    weak_applicants(server, job_id, ["Bilal Ahmed", "Sana Iqbal"])

    # The candidate, on a phone-sized screen.
    candidate = browser.new_context(viewport={"width": 390, "height": 844})
    page = candidate.new_page()
    page.goto(base + "/")
    look(page, "jobs")
    page.get_by_label("Search jobs").fill("payments ledger")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Backend Engineer").click()
    look(page, "job")
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    look(page, "register")
    page.get_by_label("Full name").fill("Ayesha Khan")
    page.get_by_label("Email").fill("ayesha@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # Registering says the same for every address (it does not tell who has an account) and
    # signs nobody in: her address is confirmed by the link mailed to it, then she signs in.
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    look(page, "confirm-email")
    page.goto(server.mail_link("ayesha@example.org", "Confirm your e-mail address"))
    page.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page.get_by_role("heading", name="E-mail address confirmed")).to_be_visible()
    look(page, "email-confirmed")
    page.goto(base + f"/jobs/{job_id}/apply")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill("ayesha@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The job's form, answered at the account's address.
    expect(page.get_by_role("heading", name="Apply for this job")).to_be_visible()
    expect(page.get_by_text("We will write to you at")).to_contain_text("ayesha@example.org")
    look(page, "apply")
    cv = tmp_path / "ayesha-cv.pdf"
    make_pdf(cv, CV_TEXT)
    page.get_by_label("Phone").fill("+92 300 1234567")
    page.get_by_label("Skills").fill("Rust, PostgreSQL, Kafka")
    page.get_by_label("Years of experience").fill("6")
    page.get_by_label("Education").select_option("master")
    page.get_by_label("CV", exact=True).set_input_files(str(cv))
    page.get_by_label("Cover letter").fill("I would like to build the ledger with you.")
    # The voluntary equality questions: two answered, one declined, one left blank.
    page.get_by_role("group", name="What is your sex?").get_by_label("Female", exact=True).check()
    page.get_by_label("Punjab", exact=True).check()
    page.get_by_role("group", name="Do you consider yourself to have a disability?").get_by_label("Prefer not to say").check()
    page.get_by_role("button", name="Continue").click()
    # The privacy notice must be accepted, and the form says so without losing what was typed,
    # the chosen file included.
    expect(page.locator(".govuk-error-summary")).to_contain_text("privacy notice")
    expect(page.get_by_label("Skills")).to_have_value("Rust, PostgreSQL, Kafka")
    expect(page.get_by_label("Punjab", exact=True)).to_be_checked()
    expect(page.get_by_text("We have your file ayesha-cv.pdf")).to_be_visible()
    page.get_by_label("I accept the privacy notice").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before sending your application")).to_be_visible()
    expect(page.locator("#answers")).to_contain_text("ayesha-cv.pdf")
    expect(page.locator("#equality-answers")).to_contain_text("Punjab")
    look(page, "check-answers")
    page.get_by_role("button", name="Accept and send").click()
    expect(page.get_by_role("heading", name="Application submitted")).to_be_visible()
    look(page, "applied")
    page.get_by_role("link", name="follow your application").click()
    # htmx refreshes the status while scoring runs: no reload here.
    expect(page.locator("[data-status]")).to_have_text("Under Review", timeout=TIMEOUT_MS)
    expect(page.get_by_text("Required skills you have: Rust, PostgreSQL")).to_be_visible()
    look(page, "my-application")
    application_url = page.url

    # The recruiter finds Ayesha first in the ranked list.
    staff.goto(base + f"/staff/jobs/{job_id}")
    first = staff.locator("#candidates tbody tr").first.get_by_role("link")
    expect(first).to_have_text("Ayesha Khan")
    look(staff, "staff-pipeline")
    first.click()
    expect(staff.get_by_role("heading", name="Ayesha Khan")).to_be_visible()
    expect(staff.get_by_role("link", name="Download the original CV file")).to_be_visible()
    expect(staff.get_by_text("Punjab")).to_have_count(0)
    look(staff, "staff-application")
    staff.get_by_label("Note").fill("Strong ledger experience; fast-track.")
    staff.get_by_role("button", name="Add note").click()
    expect(staff.get_by_text("Strong ledger experience; fast-track.")).to_be_visible()
    # A score set by a person, with a reason, beside the machine's.
    staff.get_by_label("New score").fill("101")
    staff.get_by_label("Reason for the override").fill("Panel feedback")
    staff.get_by_role("button", name="Override score").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("New score must be a whole number from 0 to 100")
    look(staff, "staff-application-override-error")
    staff.get_by_label("New score").fill("95")
    staff.get_by_label("Reason for the override").fill("Outstanding references from the panel.")
    staff.get_by_role("button", name="Override score").click()
    expect(staff.locator("#score")).to_have_text("95")
    expect(staff.locator("#refinement")).to_have_text("overridden")
    expect(staff.locator("#override")).to_contain_text("Outstanding references from the panel.")
    expect(staff.locator("#score-changes")).to_contain_text("score overridden")
    staff.get_by_label("Test URL").fill("https://tests.pvara.gov/t/123")
    fill_date(staff, "Deadline", "2030-02-07T17:00")
    staff.get_by_role("button", name="Invite to test").click()
    expect(staff.locator("#status")).to_have_text("Test Invited")
    fill_date(staff, "Date and time", "2030-02-14T10:00")
    staff.get_by_label("Location").fill("PVARA HQ, Room 4")
    # The panel is chosen from the users who may interview, not typed as names.
    staff.get_by_role("group", name="Interviewers").get_by_role("checkbox").first.check()
    staff.get_by_role("button", name="Schedule interview").click()
    expect(staff.locator("#status")).to_have_text("Interview Scheduled")
    # One clock: typed at 10:00 in the installation's zone, read as 10:00 (PKT) by everyone.
    expect(staff.locator("#current-step")).to_contain_text("Thursday 14 February 2030, 10:00 (PKT)")
    staff.get_by_label("Salary").fill("450000")
    fill_date(staff, "Start date", "2030-03-01")
    fill_date(staff, "Offer expiry", "2030-02-21T17:00")
    staff.get_by_role("button", name="Extend offer").click()
    expect(staff.locator("#status")).to_have_text("Offer Extended")
    look(staff, "staff-application-offer")

    page.goto(application_url)
    expect(page.locator("[data-status]")).to_have_text("Offer Extended")
    # The offer's terms, then accepted through its confirmation page.
    expect(page.locator("#current-step")).to_contain_text("PKR 450,000 a month")
    expect(page.locator("#current-step")).to_contain_text("Thursday 21 February 2030, 17:00 (PKT)")
    look(page, "my-application-offer")
    page.get_by_role("button", name="Accept offer").click()
    expect(page.locator("#offer-terms")).to_contain_text("PKR 450,000 a month")
    look(page, "offer-accept")
    page.get_by_role("button", name="Yes, accept the offer").click()
    expect(page.locator("[data-status]")).to_have_text("Offer Accepted")
    staff.reload()
    fill_date(staff, "First day at work", "2030-03-01")
    staff.get_by_role("button", name="Mark as hired").click()
    expect(staff.locator("#status")).to_have_text("Hired")
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Hired")
    expect(page.locator("#current-step")).to_contain_text("Friday 1 March 2030")

    # Bulk: ten candidates rejected in one go.
    names = [f"Bulk Person {i}" for i in range(10)]
    weak_applicants(server, job_id, names)
    staff.goto(base + f"/staff/jobs/{job_id}?status=Under+Review")
    for name in names:
        staff.get_by_label(f"Select {name}").check()
    staff.get_by_label("Reason").fill("We have filled this position.")
    staff.get_by_role("button", name="Reject").click()
    expect(staff.locator("#bulk-report")).to_have_text("10 done, 0 skipped")
    look(staff, "staff-bulk")
    # Automatic scoring paused and resumed from the pipeline page.
    staff.goto(base + f"/staff/jobs/{job_id}")
    staff.get_by_role("button", name="Pause automatic scoring").click()
    expect(staff.locator("#scoring-paused")).to_contain_text("new applications await manual assessment")
    look(staff, "staff-pipeline-paused")
    staff.get_by_role("button", name="Resume automatic scoring").click()
    expect(staff.get_by_role("button", name="Pause automatic scoring")).to_be_visible()
    # What the score weighs, changed from the workspace: open applications are scored again.
    staff.get_by_role("link", name="What the score weighs").click()
    look(staff, "staff-rubric")
    staff.get_by_label("Points for must-have skills").fill("50")
    staff.get_by_role("button", name="Save and score again").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("must add up to 100; they add up to 110")
    staff.get_by_label("Points for relevance to the job").fill("5")
    staff.get_by_role("button", name="Save and score again").click()
    expect(staff.locator("#rubric-saved")).to_contain_text("Rubric 2 saved")
    look(staff, "staff-rubric-saved")
    # The reports: Ayesha's answers are counted, and shown to no one.
    staff.goto(base + f"/staff/jobs/{job_id}")
    staff.get_by_role("link", name="Reports: funnel, adverse impact").click()
    expect(staff.locator("#answered")).to_have_text("1 of 13 candidates answered at least one equality question.")
    expect(staff.locator("#funnel")).to_contain_text("Offer Extended")
    expect(staff.locator("#funnel")).to_contain_text("Hired")
    look(staff, "staff-reports")
    staff.goto(base + "/staff/jobs")
    look(staff, "staff-jobs")
    # The job edited: every problem at once, then three vacancies shown on the board.
    staff.goto(base + f"/staff/jobs/{job_id}")
    staff.get_by_role("link", name="Edit the job").click()
    staff.get_by_label("Title").fill("")
    staff.get_by_label("Number of vacancies").fill("a few")
    staff.get_by_role("button", name="Save changes").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Title must not be empty")
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Number of vacancies must be a whole number")
    look(staff, "staff-job-edit-error")
    staff.get_by_label("Title").fill("Backend Engineer")
    staff.get_by_label("Number of vacancies").fill("3")
    staff.get_by_role("button", name="Save changes").click()
    page.goto(base + f"/jobs/{job_id}")
    expect(page.get_by_text("3 posts")).to_be_visible()

    # A form posted without the session's CSRF token is refused, signed in or not.
    stranger = browser.new_context()
    refused = stranger.request.post(base + f"/staff/applications/{first_id(staff, base, job_id)}/note", form={"note": "x"})
    assert refused.status == 403
    refused = recruiter.request.post(base + "/staff/jobs", form={"title": "Forged", "csrf": "0" * 64})
    assert refused.status == 403
    status, jobs = server.api.call("GET", "/api/jobs")
    assert [j["title"] for j in jobs] == ["Backend Engineer"]

    # An admin deactivates the recruiter; the recruiter's open session ends.
    admin = browser.new_context().new_page()
    sign_in(admin, base, "admin@pvara.gov")
    admin.goto(base + "/admin/users")
    look(admin, "admin-users")
    admin.get_by_role("button", name="Deactivate recruiter@pvara.gov").click()
    # Asked again before what cannot be undone.
    expect(admin.get_by_role("heading", name="Deactivate Raza Recruiter?")).to_be_visible()
    look(admin, "admin-deactivate-confirm")
    admin.get_by_role("button", name="Yes, deactivate the account").click()
    expect(admin.get_by_role("cell", name="Deactivated")).to_be_visible()
    admin.goto(base + "/admin/system")
    look(admin, "admin-system")
    staff.goto(base + "/staff/jobs")
    expect(staff.get_by_role("heading", name="Sign in")).to_be_visible()
    status, _ = server.api.call("POST", "/api/auth/login", {"email": "recruiter@pvara.gov", "password": PASSWORD})
    assert status == 401

    # Withdrawal, by a candidate, from their own page.
    page.goto(base + "/me/applications")
    look(page, "my-applications")
    for context in (candidate, recruiter, stranger, admin.context):
        context.close()


def first_id(page, base, job_id):
    page.goto(base + f"/staff/jobs/{job_id}")
    href = page.locator("#candidates tbody tr").first.get_by_role("link").get_attribute("href")
    return href.rsplit("/", 1)[1]


def test_a_candidate_withdraws(server, browser):
    base = server.base
    status, job = server.api.call("POST", "/api/jobs", {
        "title": "Data Analyst", "description": "Reports in SQL.",
        "requirements": {"requiredSkills": ["SQL"]},
    }, server.api.token("recruiter@pvara.gov"))
    assert status == 201, job
    email, token = server.applicant("Omar Farooq")
    status, application = server.api.call("POST", "/api/applications", {
        "jobId": job["id"], "fullName": "Omar Farooq", "email": email, "skills": ["SQL"],
        "yearsExperience": 2, "education": "bachelor", "resumeText": "Two years of SQL reporting for a bank.",
        "acceptPrivacyNotice": True,
    }, token)
    assert status == 201
    page = browser.new_context().new_page()
    sign_in(page, base, email)
    page.goto(base + f"/me/applications/{application['id']}")
    page.get_by_role("button", name="Withdraw application").click()
    expect(page.get_by_role("heading", name="Withdraw your application for Data Analyst?")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Yes, withdraw my application").click()
    expect(page.locator("[data-status]")).to_have_text("Withdrawn")
    expect(page.get_by_role("button", name="Withdraw application")).to_have_count(0)

    # Their data: a download of everything, then erasure, which signs them out for good.
    page.goto(base + "/me/applications")
    page.get_by_role("link", name="See your data").click()
    expect(page.get_by_role("heading", name="Your application for Data Analyst")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Withdrawn")
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data for another service").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["account"]["email"] == email
    assert exported["applications"][0]["resumeText"] == "Two years of SQL reporting for a bank."
    page.goto(base + "/me/applications")
    page.get_by_text("Delete your account").click()
    check_accessibility(page)
    page.get_by_role("button", name="Delete my account").click()
    check_accessibility(page)
    page.get_by_role("button", name="Yes, delete my account").click()
    expect(page.get_by_role("heading", name="Your account has been deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    status, _ = server.api.call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    assert status == 401
    page.context.close()


def test_bad_cv_files_are_refused_and_change_nothing(server, browser, tmp_path):
    base = server.base
    status, job = server.api.call("POST", "/api/jobs", {
        "title": "Archivist", "description": "Keep the records.",
        "requirements": {"requiredSkills": ["Records"]},
    }, server.api.token("recruiter@pvara.gov"))
    assert status == 201
    server.applicant("Zara Shah")
    page = browser.new_context().new_page()
    sign_in(page, base, "zara.shah@example.org")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (6 * 1024 * 1024))
    elf = tmp_path / "cv.pdf"
    elf.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))
    blank = tmp_path / "scan.pdf"
    make_pdf(blank, None)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer garbage")
    cases = [
        (big, "smaller than 5 MB"),
        (elf, "must be a PDF"),
        (blank, "it looks like a scanned image"),
        (broken, "CV could not be read"),
    ]
    for file, message in cases:
        page.goto(base + f"/jobs/{job['id']}/apply")
        page.get_by_label("Skills").fill("Records")
        page.get_by_label("Years of experience").fill("3")
        page.get_by_label("CV", exact=True).set_input_files(str(file))
        page.get_by_label("I accept the privacy notice").check()
        page.get_by_role("button", name="Continue").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text(message)
        expect(page.get_by_role("heading", name="Apply for this job")).to_be_visible()
        check_accessibility(page)
    screenshot(page, "apply-error")
    token = server.api.token("zara.shah@example.org")
    status, body = server.api.call("GET", "/api/applications?jobId=" + job["id"], token=server.api.token("recruiter@pvara.gov"))
    assert status == 200 and body["items"] == []
    page.context.close()


def test_a_forgotten_password(server, browser):
    base = server.base
    email, _ = server.applicant("Hina Baig")
    page = browser.new_context().new_page()
    page.goto(base + "/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_accessibility(page)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    page.goto(server.mail_link(email, "Reset your password"))
    page.get_by_label("New password").fill("password12")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("New password").fill("a fresh long passphrase 9")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a fresh long passphrase 9")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My applications")).to_be_visible()
    page.context.close()


def test_the_api_reference_is_accessible(server, browser):
    page = browser.new_context().new_page()
    page.goto(server.base + "/api/docs")
    expect(page.get_by_role("heading", name="POST /api/applications", exact=True)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="/api/openapi.json").click()
    assert page.url.endswith("/api/openapi.json")
    page.context.close()
