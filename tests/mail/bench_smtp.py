"""The measurement behind `scripts/mail-bench`: N applications submitted at once, then the time
until the SMTP relay holds all 2N mails (received, under review). Not a test: it asserts nothing
about speed, and prints the figures for BENCHMARKS.md."""

import concurrent.futures
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from pvara_server import PvaraServer  # noqa: E402
from smtp_relay import SmtpRelay  # noqa: E402


def main(applications, connections):
    relay = SmtpRelay(Path(tempfile.mkdtemp(prefix="pvara-mail-bench-"))).start()
    serve = [*relay.pvara_args(), "--email-verification", "off", "--smtp-connections", connections]
    with PvaraServer("mail-bench", serve_args=serve) as server:
        staff = server.staff("hr@pvara.gov", "recruiter")
        job = server.call("POST", "/api/jobs", {"title": "Clerk", "description": "Records",
                                               "requirements": {"requiredSkills": ["Excel"]}}, staff)["id"]

        def applicant(n):
            token = server.verified_applicant(f"c{n}@example.org", f"Candidate {n}")
            return lambda: server.call("POST", "/api/applications", {
                "jobId": job, "fullName": f"Candidate {n}", "skills": ["Excel"], "yearsExperience": 2,
                "education": "bachelor", "resumeText": "Two years of records.", "acceptPrivacyNotice": True}, token)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            submits = list(pool.map(applicant, range(applications)))
            print(f"{applications} applicants ready; submitting", file=sys.stderr)
            start = time.time()
            list(pool.map(lambda submit: submit(), submits))
        submitted = time.time() - start
        relay.wait_for(2 * applications, deadline_s=600)
        elapsed = time.time() - start
    relay.stop()
    print(f"{applications} applications submitted in {submitted:.1f} s; "
          f"{2 * applications} mails at the relay after {elapsed:.1f} s: {2 * applications / elapsed:.0f} mails/s "
          f"(STARTTLS + AUTH, {connections} connections)")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
