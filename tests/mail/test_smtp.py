"""pvara's mail over a real SMTP server (aiosmtpd on 127.0.0.1, STARTTLS on a test CA, AUTH
required), on SQLite and on PostgreSQL: every mail of the pipeline is delivered once, parses
without defects in Python's `email` package, has a plain-text and an HTML part, and its calendar
entries parse with the `icalendar` package. A 451 is retried, a 550 is recorded and shown, a relay
down for 30 s loses nothing, and a crash sends again at most the chunk in flight."""

import email
import email.policy
import sys
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from pvara_server import PvaraServer  # noqa: E402
from smtp_relay import SmtpRelay  # noqa: E402
from waiting import wait_until  # noqa: E402

# The most copies a crash may resend: the messages in flight, one per connection to the relay
# (`--smtp-connections`, which the crash test sets to this).
CRASH_DUPLICATE_BOUND = 8


def later(days, hour=5):
    at = datetime.now(timezone.utc).replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return at.isoformat().replace("+00:00", "Z")


@pytest.fixture
def relay(tmp_path):
    relay = SmtpRelay(tmp_path).start()
    yield relay
    relay.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    return request.param


def pvara(relay, backend="sqlite", name="mail", extra=()):
    # Addresses are vouched for by the operator here (`users verify`): no verification mail.
    serve_args = [*relay.pvara_args(), "--email-verification", "off", *extra]
    return PvaraServer(name, backend=backend, serve_args=serve_args)


def parsed(message):
    return email.message_from_bytes(message["content"], policy=email.policy.default)


class Pipeline:
    """A job, and applicants who apply to it, through the JSON API."""

    def __init__(self, server):
        self.server = server
        self.staff = server.staff("hr@pvara.gov", "recruiter")
        self.job = server.call("POST", "/api/jobs", {
            "title": "Data Engineer", "description": "Pipelines in Rust",
            "requirements": {"requiredSkills": ["Rust"]}}, self.staff)["id"]
        # The recruiter is the panel: each interview also mails them a panel invitation.
        self.panel = [p["id"] for p in server.call("GET", "/api/interviewers", token=self.staff)]

    def apply(self, address, name):
        token = self.server.verified_applicant(address, name)
        return self.server.call("POST", "/api/applications", {
            "jobId": self.job, "fullName": name, "skills": ["Rust"], "yearsExperience": 4,
            "education": "bachelor", "resumeText": "Four years of Rust data pipelines.",
            "acceptPrivacyNotice": True}, token)["id"]

    def step(self, application, action, body):
        return self.server.call("POST", f"/api/applications/{application}/{action}", body, self.staff)

    def view(self, application):
        return self.server.call("GET", f"/api/applications/{application}", token=self.staff)


def calendar_of(message):
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_content())


def test_every_step_is_mailed_once_readably_and_with_calendar_entries(relay, backend):
    with pvara(relay, backend) as server:
        flow = Pipeline(server)
        ayesha = flow.apply("ayesha@example.org", "Ayesha Khan")
        bilal = flow.apply("bilal@example.org", "Bilal Ahmed")
        relay.wait_for(4)  # received and under review, for each
        for application in (ayesha, bilal):
            flow.step(application, "test-invitation", {"testUrl": "https://tests.pvara.gov/t/1", "deadline": later(7)})
            flow.step(application, "interview", {"scheduledAt": later(14), "location": "PVARA HQ, Room 4",
                                                "interviewerIds": flow.panel})
        # Ayesha's interview moves (same UID, higher SEQUENCE), then she is offered the job; Bilal
        # is rejected after his interview was set (a cancellation).
        relay.wait_for(10)
        flow.step(ayesha, "interview", {"scheduledAt": later(15, hour=9), "location": "PVARA HQ, Room 7",
                                        "interviewerIds": flow.panel})
        flow.step(ayesha, "offer", {"salary": 450000, "salaryPeriod": "yearly", "startDate": later(30)[:10], "expiresAt": later(21)})
        flow.step(bilal, "rejection", {"reason": "Another candidate matched the role more closely"})
        messages = relay.wait_for(14)
        time.sleep(1)  # nothing more comes
        messages = relay.received()

    assert len(messages) == 14, [parsed(m)["Subject"] for m in messages]
    ids = Counter(parsed(m)["Message-ID"] for m in messages)
    assert max(ids.values()) == 1, "a mail delivered twice"
    assert all(m["tls"] and m["authenticated"] for m in messages), "STARTTLS and AUTH for every message"
    by_template = {}
    for raw in messages:
        message = parsed(raw)
        assert message.defects == [] and all(p.defects == [] for p in message.walk()), message["Subject"]
        assert message.get_content_type() == "multipart/alternative"
        types = [p.get_content_type() for p in message.iter_parts()]
        assert types[:2] == ["text/plain", "text/html"], types
        html = message.get_body(("html",)).get_content().lower()
        assert "<script" not in html and "src=" not in html and "url(" not in html and "<link" not in html
        text = message.get_body(("plain",)).get_content()
        assert "What to do next" in text or "what to do next" in html
        by_template.setdefault((message["X-Pvara-Template"], message["To"].addresses[0].addr_spec), []).append(message)

    offer = by_template[("offer", "ayesha@example.org")][0].get_body(("plain",)).get_content()
    assert "Salary: PKR 450,000 a year" in offer, offer
    assert "(PKT)" in offer
    first, moved = by_template[("interview", "ayesha@example.org")]
    (method, original), (method2, update) = calendar_of(first), calendar_of(moved)
    assert method == method2 == "REQUEST"
    event, changed = original.walk("VEVENT")[0], update.walk("VEVENT")[0]
    assert original["METHOD"] == "REQUEST"
    assert event["UID"] == changed["UID"]
    assert int(changed["SEQUENCE"]) > int(event["SEQUENCE"])
    assert event.decoded("DTSTART").tzinfo is not None and event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert str(event["LOCATION"]) == "PVARA HQ, Room 4" and str(changed["LOCATION"]) == "PVARA HQ, Room 7"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert "New time" in moved["Subject"]
    [bilal_interview] = by_template[("interview", "bilal@example.org")]
    [rejection] = by_template[("rejection", "bilal@example.org")]
    method, cancelled = calendar_of(rejection)
    invited = calendar_of(bilal_interview)[1].walk("VEVENT")[0]
    cancel = cancelled.walk("VEVENT")[0]
    assert method == "CANCEL" and cancelled["METHOD"] == "CANCEL"
    assert cancel["UID"] == invited["UID"] and int(cancel["SEQUENCE"]) > int(invited["SEQUENCE"])
    assert str(cancel["STATUS"]) == "CANCELLED"


def test_a_451_is_retried_and_a_550_is_recorded_without_blocking_the_rest(relay, backend):
    relay.deferred["flaky@example.org"] = 1
    relay.refused.add("gone@example.org")
    with pvara(relay, backend, "mail-outcomes") as server:
        flow = Pipeline(server)
        gone = flow.apply("gone@example.org", "Gul Khan")
        flow.apply("flaky@example.org", "Farah Ali")
        flow.apply("after@example.org", "Asad Shah")
        messages = relay.wait_for(4)  # two each for flaky and after
        view = wait_until(lambda: (v := flow.view(gone)) and len(v["mail"]) == 2 and v, "the refusals recorded")
        metrics = urllib.request.urlopen(server.base + "/metrics", timeout=10).read().decode()
    recipients = Counter(m["to"][0] for m in messages)
    assert recipients == {"flaky@example.org": 2, "after@example.org": 2}, recipients
    assert relay.deferrals >= 1, "the 451 was answered and the mail still arrived"
    assert {m["status"] for m in view["mail"]} == {"failed"}
    for mail in view["mail"]:
        assert "550" in mail["reply"] and "gone@example.org" not in mail["reply"], mail
    failed = [line for line in metrics.splitlines() if line.startswith("pvara_mails_failed_total")]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in failed) == 2, failed


def test_a_relay_down_for_30_seconds_delays_mail_and_loses_none(relay):
    with pvara(relay, name="mail-outage") as server:
        flow = Pipeline(server)
        relay.stop()
        for n in range(10):
            flow.apply(f"c{n}@example.org", f"Candidate {n}")
        time.sleep(30)
        assert relay.received() == []
        relay.start()
        messages = relay.wait_for(20, deadline_s=120)
        time.sleep(1)
        messages = relay.received()
    ids = Counter(parsed(m)["Message-ID"] for m in messages)
    assert len(ids) == 20 and max(ids.values()) == 1, ids


def test_a_crash_resends_at_most_the_chunk_in_flight(relay, tmp_path):
    relay.delay = 0.01  # the relay takes its time, so the kill lands while mail flows
    applicants = 150
    with pvara(relay, name="mail-crash", extra=["--smtp-connections", str(CRASH_DUPLICATE_BOUND)]) as server:
        flow = Pipeline(server)
        for n in range(applicants):
            flow.apply(f"c{n}@example.org", f"Candidate {n}")
        wait_until(lambda: len(relay.received()) >= 60, "mail flowing")
        server.kill()
        server.start()
        wait_until(lambda: len({parsed(m)["Message-ID"] for m in relay.received()}) >= 2 * applicants,
                   "every mail after the restart", deadline_s=180)
        time.sleep(1)
    ids = Counter(parsed(m)["Message-ID"] for m in relay.received())
    duplicates = sum(n - 1 for n in ids.values())
    print(f"\nduplicates after kill -9 during {2 * applicants} mails: {duplicates}")
    assert len(ids) == 2 * applicants
    assert duplicates <= CRASH_DUPLICATE_BOUND, duplicates
