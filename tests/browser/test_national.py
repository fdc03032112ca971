"""A national drive in a real browser, on SQLite and PostgreSQL: the recruiter sets the rules,
applicants of several categories apply (one is told before sending that they are over age),
marks are imported, the merit list is run by the recruiter and approved by a second person,
the public results carry the list's fingerprint, a candidate's representation is upheld, and a
corrected version 2 is published with its changes. axe-core checks every page."""

from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect

from conftest import check_accessibility, fill_date, screenshot, sign_in

CLOSING = datetime.now(timezone.utc) + timedelta(days=30)


def look(page, name):
    check_accessibility(page)
    screenshot(page, name)


def born(years):
    """A date of birth `years` and a bit before the closing date."""
    day = CLOSING.date() - timedelta(days=int(years * 365.25) + 40)
    return day.isoformat()


def apply(server, browser, job_id, name, birth, claims=(), expect_warning=None):
    """Applies through the pages; returns the applicant's page and their reference."""
    email, _ = server.applicant(name)
    page = browser.new_context().new_page()
    sign_in(page, server.base, email, "a long password 1")
    page.goto(f"{server.base}/jobs/{job_id}/apply")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Skills").fill("Administration")
    page.get_by_label("Years of experience").fill("3")
    page.get_by_label("Education").select_option("bachelor")
    page.get_by_label("CV text").fill("Three years of public administration in a federal ministry.")
    fill_date(page, "Date of birth", birth)
    page.get_by_label("Domicile").select_option("Sindh")
    for claim in claims:
        page.get_by_label(claim, exact=True).check()
    page.get_by_label("I accept the privacy notice").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before sending your application")).to_be_visible()
    if expect_warning:
        expect(page.locator("#eligibility-warning")).to_contain_text(expect_warning)
        look(page, "national-check-over-age")
    page.get_by_role("button", name="Accept and send").click()
    expect(page.get_by_role("heading", name="Application submitted")).to_be_visible()
    reference = page.locator(".govuk-panel__body strong").first.inner_text().strip()
    return page, reference


def test_a_national_drive(server, browser):
    base = server.base
    token = server.api.token("recruiter@pvara.gov")
    status, job = server.api.call("POST", "/api/jobs", {
        "title": "Assistant Director", "description": "Federal posts across the country.",
        "location": "Islamabad", "vacancies": 2, "closesAt": CLOSING.isoformat(),
        "requirements": {"requiredSkills": ["Administration"], "minYearsExperience": 0, "education": "bachelor"},
    }, token=token)
    assert status == 201, job
    job_id = job["id"]

    # The recruiter sets the rules; a bad line is named, nothing is saved until it is right.
    staff = browser.new_context().new_page()
    sign_in(staff, base, "recruiter@pvara.gov", "a long password 1")
    staff.goto(f"{base}/staff/jobs/{job_id}")
    staff.get_by_role("link", name="National recruitment").click()
    look(staff, "national-no-rules")
    staff.get_by_role("link", name="Set the rules").click()
    staff.get_by_label("Lower age limit").fill("21")
    staff.get_by_label("Upper age limit").fill("30")
    staff.get_by_label("Age relaxations").fill("Government employee: 5")
    staff.get_by_label("Domiciles the post is open to").fill("Punjab\nSindh")
    staff.get_by_label("Quotas").fill("Women fifty")
    staff.get_by_label("Give them to the next candidates on open merit").check()
    staff.get_by_role("button", name="Save the rules").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Each quota must be a name, a colon and a number")
    look(staff, "national-rules-refused")
    staff.get_by_label("Quotas").fill("Women: 50")
    staff.get_by_role("button", name="Save the rules").click()
    expect(staff.get_by_role("heading", name="Rules, version 1")).to_be_visible()
    expect(staff.locator("#split")).to_contain_text("Women")

    # Applicants declare their facts; the one over age is told why before sending.
    old, r_old = apply(server, browser, job_id, "Omar Older", born(41), expect_warning="the upper age limit is 30")
    woman, r_woman = apply(server, browser, job_id, "Zara Khan", born(25), claims=["Women"])
    _, r_man = apply(server, browser, job_id, "Bilal Shah", born(26))
    _, r_officer = apply(server, browser, job_id, "Tariq Officer", born(33), claims=["Government employee"])

    staff.reload()
    expect(staff.locator("#eligibility")).to_be_visible()
    expect(staff.get_by_text("3 eligible, 1 not eligible")).to_be_visible()
    expect(staff.locator("#not-eligible")).to_contain_text(r_old)
    look(staff, "national-drive")

    # Marks from the testing agency's file.
    marks = f"reference,test,interview\n{r_old},99,99\n{r_woman},70,70\n{r_man},80,80\n{r_officer},75,75\n"
    staff.get_by_label("Marks file").set_input_files({"name": "marks.csv", "mimeType": "text/csv", "buffer": marks.encode()})
    staff.get_by_role("button", name="Import the marks").click()
    expect(staff.get_by_text("Marks imported: 4 lines read, 8 marks changed.")).to_be_visible()

    # The recruiter runs the list; an admin approves it.
    staff.get_by_role("button", name="Run the merit list").click()
    expect(staff.get_by_role("heading", name="Merit list, version 1")).to_be_visible()
    expect(staff.locator("#approve")).to_contain_text("another member of staff must approve it")
    look(staff, "national-list-prepared")
    admin = browser.new_context().new_page()
    sign_in(admin, base, "admin@pvara.gov", "a long password 1")
    admin.goto(staff.url)
    admin.get_by_role("button", name="Approve and publish version 1").click()
    expect(admin.locator("#list-state")).to_contain_text("approved and published by Amina Admin")
    fingerprint = admin.locator("#fingerprint").inner_text()

    # Anyone reads the results by reference, with the same fingerprint.
    public = browser.new_context().new_page()
    public.goto(f"{base}/jobs/{job_id}/results")
    expect(public.locator("#fingerprint")).to_have_text(fingerprint)
    expect(public.locator("#results")).to_contain_text(r_woman)
    expect(public.locator("#results")).not_to_contain_text("Zara")
    look(public, "national-results")

    # Zara reads her result and makes a representation; the admin upholds it.
    woman.goto(f"{base}/me/applications")
    woman.get_by_role("link", name="Assistant Director").click()
    expect(woman.locator("#result-lines")).to_contain_text("Selected for a post on Women")
    look(woman, "national-my-result")
    woman.get_by_role("button", name="Make a representation").click()
    woman.get_by_role("button", name="Send the representation").click()
    expect(woman.locator(".govuk-error-summary")).to_contain_text("Your representation must not be empty")
    woman.get_by_label("Your representation").fill("My interview mark was 90, not 70.")
    woman.get_by_role("button", name="Send the representation").click()
    expect(woman.get_by_text("My interview mark was 90, not 70.")).to_be_visible()

    admin.goto(f"{base}/staff/jobs/{job_id}/drive")
    admin.get_by_label("Upheld", exact=True).check()
    admin.get_by_label("Reason for the decision").fill("The panel's sheet says 90.")
    admin.get_by_role("button", name="Decide").click()
    expect(admin.get_by_text("The representation is decided")).to_be_visible()

    # The corrected mark makes version 2: the admin runs it, the recruiter approves it.
    fixed = f"reference,interview\n{r_woman},90\n"
    admin.get_by_label("Marks file").set_input_files({"name": "fix.csv", "mimeType": "text/csv", "buffer": fixed.encode()})
    admin.get_by_role("button", name="Import the marks").click()
    admin.get_by_role("button", name="Run the merit list").click()
    expect(admin.get_by_role("heading", name="Merit list, version 2")).to_be_visible()
    expect(admin.locator("#changes")).to_contain_text(r_woman)
    staff.goto(admin.url)
    staff.get_by_role("button", name="Approve and publish version 2").click()
    expect(staff.locator("#list-state")).to_contain_text("approved and published by Raza Recruiter")
    look(staff, "national-list-v2")
    woman.reload()
    expect(woman.get_by_text("in version 2 of the merit list")).to_be_visible()
    expect(woman.get_by_text("Upheld on")).to_be_visible()
