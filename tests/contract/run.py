"""The API contract test: schemathesis against a running pvara (embedded engine), once with an
applicant's token and once with an admin's. It fails on any 5xx and on any answer that does not
match /api/openapi.json (status code, content type, body schema).

    PVARA_BIN=target/debug/pvara python tests/contract/run.py [--max-time SECONDS]
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from pvara_server import PvaraServer  # noqa: E402

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-time", default="45", help="seconds of fuzzing per token")
    args = parser.parse_args()
    with PvaraServer("contract") as server:
        admin = server.staff("admin@pvara.gov", "admin")
        server.call("POST", "/api/jobs", {"title": "Engineer", "description": "Rust",
                                          "requirements": {"requiredSkills": ["Rust"]}}, admin)
        applicant = server.verified_applicant("ayesha@example.org", "Ayesha Khan")
        schemathesis = str(Path(sys.executable).parent / "schemathesis")
        failed = False
        # The applicant first, and without erasing themselves halfway (their erasure has tests of
        # its own); then an admin, who may act on everything the applicant made.
        for who, token, extra in [("applicant", applicant, ["--exclude-operation-id", "erase_me"]), ("admin", admin, [])]:
            print(f"\n==> schemathesis as {who}", flush=True)
            run = subprocess.run([
                schemathesis, "run", server.base + "/api/openapi.json", "-H", f"Authorization: Bearer {token}",
                "--checks", CHECKS, "--max-time", args.max_time, "--seed", "1", "--no-color", *extra,
            ], cwd=server.work)
            failed |= run.returncode != 0
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
