"""The apply flow in Urdu and in English, on a laptop and on a phone: the language switch on every
page, right-to-left pages in Urdu, a form's problems said in the page's language, axe-core clean
in both, and the screenshots the README shows."""

import re

import pytest
from playwright.sync_api import expect

from conftest import a_job_with_candidates, check_accessibility, screenshot, sign_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
REFERENCE = re.compile(r"PVA-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}")

# What a person reads and clicks, per language: controls are found by their visible labels.
WORDS = {
    "en": {
        "apply": "Apply", "problem": "There is a problem",
        "name_empty": "The privacy notice must be accepted to apply", "full_name": "Full name", "skills": "Skills",
        "years": "Years of experience", "cv_text": "CV text", "accept": "I accept the privacy notice",
        "submit": "Continue", "check": "Check your answers before sending your application",
        "change": "Change", "send": "Accept and send", "submitted": "Application submitted",
    },
    "ur": {
        "apply": "درخواست دیں", "problem": "ایک مسئلہ ہے",
        "name_empty": "رازداری کا نوٹس قبول کیے بغیر درخواست نہیں دی جا سکتی", "full_name": "پورا نام", "skills": "مہارتیں",
        "years": "تجربے کے سال", "cv_text": "سی وی کا متن", "accept": "میں رازداری کا نوٹس قبول کرتا / کرتی ہوں",
        "submit": "جاری رکھیں", "check": "درخواست بھیجنے سے پہلے اپنے جوابات دیکھ لیں",
        "change": "تبدیل کریں", "send": "قبول کریں اور بھیجیں", "submitted": "درخواست جمع ہو گئی",
    },
}


ABOUT = {
    "en": [("/privacy", "Privacy notice"), ("/accessibility", "Accessibility statement"),
           ("/cookies", "Cookies"), ("/contact", "Help and contact"), ("/me/data", "Your data"),
           ("/me/account/email", "Change your e-mail address")],
    "ur": [("/privacy", "رازداری کا نوٹس"), ("/accessibility", "رسائی کا بیان"),
           ("/cookies", "کوکیز"), ("/contact", "مدد اور رابطہ"), ("/me/data", "آپ کا ڈیٹا"),
           ("/me/account/email", "اپنا ای میل پتہ تبدیل کریں")],
}


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_apply_flow_in_each_language(server, browser, language, device):
    words = WORDS[language]
    base = server.base
    job, _, _ = a_job_with_candidates(server, [])
    email, _ = server.applicant(f"Sana Iqbal {language} {device}")
    page = browser.new_context(viewport=LAPTOP if device == "desktop" else PHONE).new_page()
    sign_in(page, base, email, "a long password 1")

    # The switch is on every page, and comes back to the page it was used on.
    page.goto(base + f"/jobs/{job}")
    switch = page.get_by_role("navigation", name="Language")
    expect(switch.get_by_role("link", name="اردو")).to_be_visible()
    if language == "ur":
        switch.get_by_role("link", name="اردو").click()
        assert page.url.endswith(f"/jobs/{job}"), page.url
        expect(page.get_by_role("navigation", name="زبان").get_by_role("link", name="English")).to_be_visible()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    check_accessibility(page)

    page.get_by_role("button", name=words["apply"]).click()
    # Every problem at once, in the page's language.
    page.get_by_role("button", name=words["submit"]).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(words["problem"])
    expect(summary).to_contain_text(words["name_empty"])
    check_accessibility(page)

    page.get_by_label(words["full_name"]).fill("Sana Iqbal")
    page.get_by_label(words["skills"], exact=True).fill("SQL, Python")
    page.get_by_label(words["years"]).fill("3")
    page.get_by_label(words["cv_text"]).fill("Three years of SQL reporting for the provincial health department.")
    page.get_by_label(words["accept"]).check()
    screenshot(page, f"apply-{language}-{device}")
    page.get_by_role("button", name=words["submit"]).click()
    # "Check your answers": each answer with a way back to its field, then one button that sends.
    expect(page.get_by_role("heading", name=words["check"])).to_be_visible()
    answers = page.locator("#answers")
    expect(answers).to_contain_text("Sana Iqbal")
    expect(answers).to_contain_text("SQL, Python")
    check_accessibility(page)
    screenshot(page, f"check-{language}-{device}")
    answers.get_by_role("link", name=f"{words['change']} {words['years']}").click()
    expect(page.get_by_label(words["years"])).to_have_value("3")
    page.get_by_label(words["years"]).fill("4")
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.locator("#answers .govuk-summary-list__row").nth(3)).to_contain_text("4")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("heading", name=words["submitted"])).to_be_visible()
    expect(page.locator(".govuk-panel")).to_contain_text(REFERENCE)
    check_accessibility(page)
    screenshot(page, f"applied-{language}-{device}")

    # The pages about the service and "Your data" read in the same language, and pass axe.
    for path, heading in ABOUT[language]:
        page.goto(base + path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        check_accessibility(page)
