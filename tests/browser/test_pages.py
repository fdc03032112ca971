"""Pages to the standard of a public service, as a careless or hurried person meets them: the
phone's menu, a reference a person can read out, tables that fit a laptop and reflow on a phone,
the pages about the service filled from its configuration, and "Your data" to read, not JSON."""

import re

from playwright.sync_api import expect

from conftest import CONTACT_EMAIL, ORGANISATION, a_job_with_candidates, check_accessibility, fill_date, screenshot, sign_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
REFERENCE = re.compile(r"PVA-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}")


def test_the_menu_folds_on_a_phone_and_the_footer_leads_to_the_service_pages(server, browser):
    base = server.base
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(base + "/")
    menu = phone.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(phone.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in")).to_be_hidden()
    menu.click()
    expect(phone.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in")).to_be_visible()
    check_accessibility(phone)
    desktop = browser.new_context(viewport=LAPTOP).new_page()
    desktop.goto(base + "/")
    expect(desktop.get_by_role("button", name="Menu")).to_be_hidden()

    # Every page about the service names who runs it and how to reach them.
    footer = desktop.get_by_role("contentinfo")
    for link, heading in [("Help and contact", "Help and contact"), ("Privacy", "Privacy notice"),
                          ("Cookies", "Cookies"), ("Accessibility statement", "Accessibility statement")]:
        desktop.goto(base + "/")
        footer.get_by_role("link", name=link).click()
        expect(desktop.get_by_role("heading", name=heading, level=1)).to_be_visible()
        check_accessibility(desktop)
    desktop.goto(base + "/privacy")
    expect(desktop.get_by_role("main")).to_contain_text(f"{ORGANISATION} runs this service and is the data controller")
    expect(desktop.get_by_role("main").get_by_role("link", name=CONTACT_EMAIL)).to_be_visible()
    desktop.goto(base + "/contact")
    expect(desktop.get_by_role("link", name="send us your feedback")).to_have_attribute("href", re.compile("^mailto:" + re.escape(CONTACT_EMAIL)))
    # The icon a browser asks for without reading the page.
    assert desktop.request.get(base + "/favicon.ico").headers["content-type"] == "image/svg+xml"


def test_a_reference_people_can_read_out_and_tables_that_fit(server, browser):
    base = server.base
    job, _, applications = a_job_with_candidates(server, ["Hina Baig", "Omar Farooq"])
    email, submitted = applications[0]
    reference = submitted["reference"]
    assert REFERENCE.fullmatch(reference), reference

    # The candidate sees it in their list; the helpdesk finds the application from it, however typed.
    candidate = browser.new_context(viewport=PHONE).new_page()
    sign_in(candidate, base, email, "a long password 1")
    candidate.goto(base + "/me/applications")
    expect(candidate.get_by_role("main")).to_contain_text(reference)
    check_accessibility(candidate)
    staff = browser.new_context(viewport=LAPTOP).new_page()
    sign_in(staff, base, "recruiter@pvara.gov", "a long password 1")
    staff.get_by_label("Find an application by its reference").fill(reference.lower().replace("-", " "))
    staff.get_by_role("button", name="Find application").click()
    expect(staff.get_by_role("heading", name="Hina Baig")).to_be_visible()
    expect(staff.get_by_role("main")).to_contain_text(reference)
    expect(staff.get_by_role("main")).not_to_contain_text("rules-3")
    staff.goto(base + "/staff/jobs")
    staff.get_by_label("Find an application by its reference").fill("PVA-2222-2222")
    staff.get_by_role("button", name="Find application").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("No application has the reference PVA-2222-2222")
    check_accessibility(staff)

    # At 1,280 px every column of the jobs table shows, "Close job" included, without scrolling.
    staff.goto(base + "/staff/jobs")
    close = staff.get_by_role("button", name=re.compile("^Close job"))
    box = close.bounding_box()
    assert box and box["x"] + box["width"] <= LAPTOP["width"], box
    assert staff.evaluate("() => [...document.querySelectorAll('.pvara-table-wrap')].every(w => w.scrollWidth <= w.clientWidth)")
    screenshot(staff, "staff-jobs-1280")

    # On a phone the pipeline reflows: each candidate's Select box is on the screen.
    phone = browser.new_context(viewport=PHONE).new_page()
    sign_in(phone, base, "recruiter@pvara.gov", "a long password 1")
    phone.goto(base + f"/staff/jobs/{job}")
    for name in ["Hina Baig", "Omar Farooq"]:
        box = phone.get_by_label(f"Select {name}").bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], (name, box)
    check_accessibility(phone)
    screenshot(phone, "staff-pipeline-phone")


def test_your_data_is_a_page_to_read(server, browser):
    base = server.base
    _, _, applications = a_job_with_candidates(server, ["Zara Sheikh"])
    email, submitted = applications[0]
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in(page, base, email, "a long password 1")
    page.goto(base + "/me/applications")
    page.get_by_role("link", name="See your data").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Your application for Data Analyst")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text(submitted["reference"])
    expect(main).to_contain_text("Two years of SQL reporting on public services.")
    expect(main).not_to_contain_text(submitted["id"])
    check_accessibility(page)
    screenshot(page, "my-data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this page").click()
    kept = open(download.value.path(), encoding="utf-8").read()
    assert "Your application for Data Analyst" in kept and submitted["reference"] in kept


def test_a_warning_before_the_session_ends_and_dates_in_boxes(server, browser):
    base = server.base
    email, _ = server.applicant("Rabia Anwar")
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.clock.install()
    sign_in(page, base, email, "a long password 1")
    page.goto(base + "/me/applications")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()
    left = int(page.locator("#pvara-timeout").get_attribute("data-seconds-left"))
    page.clock.fast_forward(max(0, left * 1000 - 90_000))
    expect(dialog).to_be_visible()
    check_accessibility(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.goto(base + "/me/account")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()

    # Dates are day, month and year boxes (GOV.UK's date input), not the browser's picker, and a
    # date that does not exist comes back with what was typed.
    staff = browser.new_context(viewport=LAPTOP).new_page()
    sign_in(staff, base, "recruiter@pvara.gov", "a long password 1")
    staff.goto(base + "/staff/jobs/new")
    assert staff.locator('input[type="date"], input[type="datetime-local"]').count() == 0
    staff.get_by_label("Title").fill("Archivist")
    staff.get_by_label("Description").fill("Keeps the ministry's records.")
    staff.get_by_label("Required skills").fill("Archives")
    fill_date(staff, "Closing date", "2030-02-31T17:00")
    staff.get_by_role("button", name="Post job").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Closing date")
    group = staff.get_by_role("group", name="Closing date", exact=True)
    expect(group.get_by_label("Day")).to_have_value("31")
    expect(group.get_by_label("Month")).to_have_value("02")
    check_accessibility(staff)
    fill_date(staff, "Closing date", "2030-02-28T17:00")
    staff.get_by_role("button", name="Post job").click()
    expect(staff.get_by_role("heading", name="Archivist")).to_be_visible()
