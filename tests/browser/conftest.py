"""Fixtures of the browser tests: a real pvara (the binary built by scripts/test) on SQLite or
PostgreSQL, and Debian's Chromium driven by Playwright. Nothing here downloads a browser."""

import email
import email.policy
import json
import mailbox
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PVARA_BIN", str(ROOT / "target" / "debug" / "pvara"))
CHROMIUM = os.environ.get("PVARA_CHROMIUM", "/usr/bin/chromium")
AXE = os.environ.get("PVARA_AXE_JS", str(Path.home() / ".cache/pvara/node/node_modules/axe-core/axe.min.js"))
SCREENSHOTS = Path(os.environ.get("PVARA_SCREENSHOTS", ROOT / "target" / "screenshots"))
PASSWORD = "a long password 1"
ORGANISATION = "Federal Recruitment Service"
CONTACT_EMAIL = "help@recruitment.example.gov.pk"
DEADLINE_S = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """The JSON API, for the parts of a story that are not about the pages."""

    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("content-type", "application/json")
        if token:
            request.add_header("authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                text = answer.read()
                return answer.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, json.loads(text) if text else None

    def token(self, email, password=PASSWORD):
        status, body = self.call("POST", "/api/auth/login", {"email": email, "password": password})
        assert status == 200, body
        return body["token"]

    def applicant(self, name):
        email = name.lower().replace(" ", ".") + "@example.org"
        status, body = self.call("POST", "/api/auth/register", {"email": email, "password": PASSWORD, "fullName": name})
        assert status == 202, body
        return email, self.token(email)

    def wait_for_status(self, token, application, wanted):
        deadline = time.time() + DEADLINE_S
        while time.time() < deadline:
            status, body = self.call("GET", f"/api/applications/{application}", token=token)
            if status == 200 and body["status"] == wanted:
                return body
            time.sleep(0.1)
        raise AssertionError(f"{application} did not reach {wanted}")


class Server:
    def __init__(self, backend):
        self.backend = backend
        self.dir = Path(tempfile.mkdtemp(prefix="pvara-browser-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.api = Api(self.base)
        self.database = None
        self.args = ["--data-dir", str(self.dir / "data")]
        if backend == "postgres":
            admin_url = os.environ.get("PVARA_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:55432/postgres")
            self.database = "pvara_test_browser_" + secrets.token_hex(6)
            subprocess.run(["psql", admin_url, "-q", "-c", f"CREATE DATABASE {self.database}"], check=True)
            self.admin_url = admin_url
            self.args += ["--database-url", admin_url.rsplit("/", 1)[0] + "/" + self.database]
        self.process = None

    def cli(self, *args, stdin=None):
        return subprocess.run([BIN, *self.args, *args], input=stdin, text=True, capture_output=True, check=True)

    def create_staff(self, email, role, name):
        self.cli("users", "create", "--email", email, "--role", role, "--full-name", name, "--password-stdin", stdin=PASSWORD + "\n")

    def applicant(self, name):
        """A registered applicant whose address an operator verified (`pvara users verify`)."""
        email, _ = self.api.applicant(name)
        self.cli("users", "verify", "--email", email)
        return email, self.api.token(email)

    def mail_link(self, address, subject):
        """The link in the latest mail to `address` whose subject starts so, once delivered: the
        mbox files read with Python's mailbox and email packages, the text part decoded."""
        deadline = time.time() + DEADLINE_S
        while time.time() < deadline:
            for path in sorted((self.dir / "data" / "mail").glob("*.mbox"), reverse=True):
                for stored in reversed(list(mailbox.mbox(str(path)))):
                    message = email.message_from_bytes(stored.as_bytes(), policy=email.policy.default)
                    if message["To"].addresses[0].addr_spec == address and message["Subject"].startswith(subject):
                        text = message.get_body(("plain",)).get_content()
                        return re.search(r"(http\S+token=\S+)", text).group(1)
            time.sleep(0.1)
        raise AssertionError(f"no mail {subject!r} to {address}")

    def start(self):
        log = open(self.dir / "serve.log", "w")
        self.process = subprocess.Popen(
            # Offers are swept every second, so a story can watch one expire.
            [BIN, *self.args, "serve", "--listen", f"127.0.0.1:{self.port}", "--rate-limits", "off", "--public-url", self.base,
             "--offer-sweep-secs", "1"],
            stdout=log, stderr=log,
            # Who runs the service, as the privacy notice and the contact page name them.
            env={**os.environ, "PVARA_ORGANISATION": ORGANISATION, "PVARA_CONTACT_EMAIL": CONTACT_EMAIL,
                 "PVARA_ORGANISATION_ADDRESS": "Constitution Avenue, Islamabad"},
        )
        deadline = time.time() + DEADLINE_S
        while time.time() < deadline:
            try:
                if self.api.call("GET", "/api/ready")[0] == 200:
                    return
            except OSError:
                pass
            assert self.process.poll() is None, (self.dir / "serve.log").read_text()
            time.sleep(0.1)
        raise AssertionError("pvara did not become ready")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        if self.database:
            subprocess.run(["psql", self.admin_url, "-q", "-c", f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgres"])
def server(request):
    server = Server(request.param)
    server.create_staff("admin@pvara.gov", "admin", "Amina Admin")
    server.create_staff("recruiter@pvara.gov", "recruiter", "Raza Recruiter")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def check_accessibility(page):
    """axe-core on the page as it stands: no violation of the WCAG 2.2 A and AA rules."""
    # Evaluated over the DevTools protocol: the pages' Content-Security-Policy rightly refuses an
    # injected inline <script>.
    page.evaluate(Path(AXE).read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not problems, f"{page.url}: " + "; ".join(problems)


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fill_date(page, legend, value):
    """Types `2030-01-31` or `2030-01-31T23:59` into the day, month, year (and time) boxes of
    GOV.UK's date input whose legend is `legend`, as a person would."""
    group = page.get_by_role("group", name=legend, exact=True)
    date, _, time = value.partition("T")
    year, month, day = date.split("-")
    group.get_by_label("Day").fill(str(int(day)))
    group.get_by_label("Month").fill(str(int(month)))
    group.get_by_label("Year").fill(year)
    if time:
        group.get_by_label("Time").fill(time)


def sign_in(page, base, email, password):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def a_job_with_candidates(server, names):
    token = server.api.token("recruiter@pvara.gov")
    status, job = server.api.call("POST", "/api/jobs", {
        "title": "Data Analyst",
        "description": "Reporting on public services with SQL and Python.",
        "location": "Lahore",
        "requirements": {"requiredSkills": ["SQL"], "preferredSkills": ["Python"],
                         "minYearsExperience": 1, "education": "bachelor"},
    }, token=token)
    assert status == 201, job
    applications = []
    for name in names:
        email, applicant = server.applicant(name)
        status, body = server.api.call("POST", "/api/applications", {
            "jobId": job["id"], "fullName": name, "email": email, "skills": ["SQL"],
            "yearsExperience": 2, "education": "bachelor", "acceptPrivacyNotice": True,
            "resumeText": "Two years of SQL reporting on public services.",
        }, token=applicant)
        assert status == 201, body
        applications.append((email, body))
    return job["id"], token, applications
