"""The hiring lifecycle in a real browser, on SQLite and PostgreSQL: a job with no test and two
interview rounds and a hiring manager; two interviewers file their scorecards, neither seeing the
other's first; the hiring manager makes the offer after the second round; the candidate accepts
it in the portal; the recruiter confirms the hire. A second candidate declines, a third lets the
offer expire. Every time on the way reads the same on the pages, in the panel's mail and in its
calendar file. axe-core checks every page."""

import email
import email.policy
import mailbox
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from conftest import DEADLINE_S, check_accessibility, screenshot, fill_date
from test_story import sign_in

TIMEOUT_MS = DEADLINE_S * 1000
ROUND_ONE = "Thursday 14 February 2030, 10:00 (PKT)"
EVIDENCE = "Explained the ledger's idempotent consumers clearly"


def look(page, name):
    check_accessibility(page)
    screenshot(page, name)


def apply(server, job_id, name):
    mail, token = server.applicant(name)
    status, body = server.api.call("POST", "/api/applications", {
        "jobId": job_id, "fullName": name, "email": mail, "skills": ["Rust", "PostgreSQL"],
        "yearsExperience": 5, "education": "bachelor",
        "resumeText": "Five years of Rust services on PostgreSQL for a payments ledger.",
        "acceptPrivacyNotice": True,
    }, token)
    assert status == 201, body
    server.api.wait_for_status(token, body["id"], "Under Review")
    return mail, body["id"]


def mails_to(server, address):
    """Every message delivered to `address` so far, parsed."""
    found = []
    for path in sorted((server.dir / "data" / "mail").glob("*.mbox")):
        for stored in mailbox.mbox(str(path)):
            message = email.message_from_bytes(stored.as_bytes(), policy=email.policy.default)
            if message["To"].addresses[0].addr_spec == address:
                found.append(message)
    return found


def file_scorecard(page, recommendation, evidence):
    for criterion in ["Required skills", "Preferred skills", "Experience", "Education", "Relevance of past work"]:
        page.get_by_role("group", name=criterion, exact=True).get_by_label("3: good evidence").check()
        page.get_by_label(f"Evidence for {criterion.lower()}").fill(evidence)
    page.get_by_label(recommendation, exact=True).check()
    page.get_by_role("button", name="File scorecard").click()


def test_two_rounds_a_panel_and_an_offer_accepted(server, browser):
    base = server.base
    server.create_staff("hana@pvara.gov", "hiring_manager", "Hana Manager")
    server.create_staff("ina@pvara.gov", "interviewer", "Ina Interviewer")
    server.create_staff("omar@pvara.gov", "interviewer", "Omar Interviewer")

    # The recruiter posts the job: no test, two rounds, Hana as its hiring manager.
    recruiter = browser.new_context().new_page()
    sign_in(recruiter, base, "recruiter@pvara.gov")
    recruiter.goto(base + "/staff/jobs/new")
    recruiter.get_by_label("Title").fill("Ledger Engineer")
    recruiter.get_by_label("Description").fill("Build the payments ledger in Rust on PostgreSQL.")
    recruiter.get_by_label("Required skills").fill("Rust, PostgreSQL")
    recruiter.get_by_label("Minimum years of experience").fill("2")
    recruiter.get_by_label("Education", exact=True).select_option("bachelor")
    recruiter.get_by_label("No test").check()
    recruiter.get_by_label("Two rounds").check()
    recruiter.get_by_label("Hiring manager").select_option(label="Hana Manager")
    look(recruiter, "staff-new-job-stages")
    recruiter.get_by_role("button", name="Post job").click()
    expect(recruiter.get_by_role("heading", name="Ledger Engineer")).to_be_visible()
    job_id = recruiter.url.rsplit("/", 1)[1]
    nadia, application = apply(server, job_id, "Nadia Candidate")
    olga, declined = apply(server, job_id, "Olga Candidate")

    # The hiring manager sees their job, schedules round 1 with two interviewers.
    hana = browser.new_context().new_page()
    sign_in(hana, base, "hana@pvara.gov")
    hana.get_by_role("link", name="Ledger Engineer").click()
    hana.get_by_role("link", name="Nadia Candidate").click()
    look(hana, "staff-application-hiring-manager")
    fill_date(hana, "Date and time", "2030-02-14T10:00")
    hana.get_by_label("Location", exact=True).fill("PVARA HQ, Room 4")
    hana.get_by_label("Ina Interviewer, interviewer").check()
    hana.get_by_label("Omar Interviewer, interviewer").check()
    hana.get_by_role("button", name="Schedule interview").click()
    expect(hana.locator("#status")).to_have_text("Interview Scheduled")
    expect(hana.locator("#current-step")).to_contain_text(ROUND_ONE)
    # No offer before the second round.
    hana.get_by_label("Salary").fill("450000")
    fill_date(hana, "Start date", "2030-03-01")
    fill_date(hana, "Offer expiry", "2030-02-25T17:00")
    hana.get_by_role("button", name="Extend offer").click()
    expect(hana.locator(".govuk-error-summary")).to_contain_text("schedule round 2 before making an offer")
    look(hana, "staff-application-offer-too-early")

    # Ina files first; the form lists every missing answer at once.
    ina = browser.new_context().new_page()
    sign_in(ina, base, "ina@pvara.gov")
    expect(ina.get_by_role("heading", name="My interviews")).to_be_visible()
    look(ina, "staff-my-interviews")
    ina.get_by_role("link", name="Nadia Candidate").click()
    ina.get_by_role("button", name="File scorecard").click()
    summary = ina.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Rate required skills from 1 to 4")
    expect(summary).to_contain_text("Rate relevance of past work from 1 to 4")
    expect(summary).to_contain_text("Choose your recommendation")
    look(ina, "staff-scorecard-errors")
    file_scorecard(ina, "Strong yes", EVIDENCE)
    expect(ina.locator("#panel")).to_be_visible()
    expect(ina.get_by_text("Ina Interviewer (you): scorecard filed")).to_be_visible()

    # Omar does not see Ina's card before filing his own; then both, side by side.
    omar = browser.new_context().new_page()
    sign_in(omar, base, "omar@pvara.gov")
    omar.goto(base + f"/staff/applications/{application}")
    expect(omar.get_by_text("Ina Interviewer: scorecard filed")).to_be_visible()
    expect(omar.get_by_text(EVIDENCE)).to_have_count(0)
    file_scorecard(omar, "Yes", "Good answers on PostgreSQL")
    scorecards = omar.locator(".pvara-scorecards")
    expect(scorecards).to_contain_text(EVIDENCE)
    expect(scorecards).to_contain_text("Strong yes")
    look(omar, "staff-scorecards")
    # An interviewer sees no other candidate.
    omar.goto(base + f"/staff/applications/{declined}")
    expect(omar.get_by_role("heading", name="Page not found")).to_be_visible()

    # Round 2, then the offer, by the hiring manager.
    hana.reload()
    fill_date(hana, "Date and time", "2030-02-20T11:00")
    hana.get_by_label("Ina Interviewer, interviewer").check()
    hana.get_by_label("Schedule round 2").check()
    hana.get_by_role("button", name="Save the interview").click()
    expect(hana.locator("#current-step")).to_contain_text("Round 2")
    hana.get_by_label("Salary").fill("450000")
    fill_date(hana, "Start date", "2030-03-01")
    fill_date(hana, "Offer expiry", "2030-02-25T17:00")
    hana.get_by_role("button", name="Extend offer").click()
    expect(hana.locator("#status")).to_have_text("Offer Extended")

    # The candidate accepts in the portal; the recruiter confirms the hire.
    portal = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(portal, base, nadia)
    portal.goto(base + f"/me/applications/{application}")
    expect(portal.locator("#current-step")).to_contain_text("Monday 25 February 2030, 17:00 (PKT)")
    portal.get_by_role("button", name="Accept offer").click()
    portal.get_by_role("button", name="Yes, accept the offer").click()
    expect(portal.locator("[data-status]")).to_have_text("Offer Accepted")
    recruiter.goto(base + f"/staff/applications/{application}")
    fill_date(recruiter, "First day at work", "2030-03-01")
    recruiter.get_by_role("button", name="Mark as hired").click()
    expect(recruiter.locator("#status")).to_have_text("Hired")
    look(recruiter, "staff-application-hired")

    # One clock: the panel's mail and calendar file read the time as typed.
    invitation = next(
        m for m in mails_to(server, "ina@pvara.gov")
        if "Nadia Candidate" in m["Subject"] and "round 2" not in m["Subject"]
    )
    assert ROUND_ONE in invitation.get_body(("plain",)).get_content()
    [calendar] = [p for p in invitation.walk() if p.get_content_type() == "text/calendar"]
    assert "DTSTART:20300214T050000Z" in calendar.get_content()

    # The second candidate, after both rounds, declines in the portal.
    offer_after_two_rounds(server, declined, "2030-02-25T12:00:00Z")
    other = browser.new_context().new_page()
    sign_in(other, base, olga)
    other.goto(base + f"/me/applications/{declined}")
    other.get_by_role("button", name="Decline offer").click()
    other.get_by_label("Why are you declining? (optional)").fill("I accepted another post.")
    other.get_by_role("button", name="Yes, decline the offer").click()
    expect(other.locator("[data-status]")).to_have_text("Offer Declined")

    # The third lets the offer expire: the system marks it once, and the buttons are gone.
    pia, expiring = apply(server, job_id, "Pia Candidate")
    offer_after_two_rounds(server, expiring, None)
    server.api.wait_for_status(server.api.token("hana@pvara.gov"), expiring, "Offer Expired")
    late = browser.new_context().new_page()
    sign_in(late, base, pia)
    late.goto(base + f"/me/applications/{expiring}")
    expect(late.locator("[data-status]")).to_have_text("Offer Expired")
    expect(late.get_by_role("button", name="Accept offer")).to_have_count(0)
    expect(late.get_by_text("The offer expired before it was answered")).to_be_visible()
    look(late, "my-application-offer-expired")
    for page in (recruiter, hana, ina, omar, portal, other, late):
        page.context.close()


def offer_after_two_rounds(server, application, expires_at):
    """Both interview rounds, then an offer expiring at `expires_at` (or in five seconds, if
    None), by the hiring manager."""
    token = server.api.token("hana@pvara.gov")
    panel = [p["id"] for p in server.api.call("GET", "/api/interviewers", token=token)[1]
             if p["fullName"] == "Ina Interviewer"]
    for round_number, day in [(1, "2030-02-15T05:00:00Z"), (2, "2030-02-21T05:00:00Z")]:
        status, body = server.api.call("POST", f"/api/applications/{application}/interview", {
            "scheduledAt": day, "location": "Room 4", "interviewerIds": panel, "round": round_number,
        }, token)
        assert status == 200, body
    if expires_at is None:
        expires_at = (datetime.now(timezone.utc) + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, body = server.api.call("POST", f"/api/applications/{application}/offer", {
        "salary": 400000, "startDate": "2030-03-01", "expiresAt": expires_at,
    }, token)
    assert status == 200, body
