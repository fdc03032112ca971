"""The API contract test: schemathesis against a running pvara (embedded engine), once with an
applicant's token and once with an admin's. It fails on any 5xx and on any answer that does not
match /api/openapi.json (status code, content type, body schema).

    PVARA_BIN=target/debug/pvara python tests/contract/run.py [--max-time SECONDS]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PVARA_BIN", str(ROOT / "target" / "debug" / "pvara"))
PASSWORD = "a long password 1"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
        return json.loads(text) if text else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-time", default="45", help="seconds of fuzzing per token")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pvara-contract-"))
    data = ["--data-dir", str(work / "data")]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "serve.log", "w")
    server = subprocess.Popen([BIN, *data, "serve", "--listen", f"127.0.0.1:{port}", "--rate-limits", "off"], stdout=log, stderr=log)
    try:
        deadline = time.time() + 60
        while True:
            try:
                call(base, "GET", "/api/ready")
                break
            except OSError:
                assert server.poll() is None and time.time() < deadline, (work / "serve.log").read_text()
                time.sleep(0.1)
        cli = lambda *a: subprocess.run([BIN, *data, *a], input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        cli("users", "create", "--email", "admin@pvara.gov", "--role", "admin", "--password-stdin")
        admin = call(base, "POST", "/api/auth/login", {"email": "admin@pvara.gov", "password": PASSWORD})["token"]
        call(base, "POST", "/api/jobs", {"title": "Engineer", "description": "Rust", "requirements": {"requiredSkills": ["Rust"]}}, admin)
        call(base, "POST", "/api/auth/register", {"email": "ayesha@example.org", "password": PASSWORD, "fullName": "Ayesha Khan"})
        cli("users", "verify", "--email", "ayesha@example.org")
        applicant = call(base, "POST", "/api/auth/login", {"email": "ayesha@example.org", "password": PASSWORD})["token"]
        schemathesis = str(Path(sys.executable).parent / "schemathesis")
        failed = False
        # The applicant first, and without erasing themselves halfway (their erasure has tests of
        # its own); then an admin, who may act on everything the applicant made.
        for who, token, extra in [("applicant", applicant, ["--exclude-operation-id", "erase_me"]), ("admin", admin, [])]:
            print(f"\n==> schemathesis as {who}", flush=True)
            run = subprocess.run([
                schemathesis, "run", base + "/api/openapi.json", "-H", f"Authorization: Bearer {token}",
                "--checks", CHECKS, "--max-time", args.max_time, "--seed", "1", "--no-color", *extra,
            ], cwd=work)
            failed |= run.returncode != 0
        return 1 if failed else 0
    finally:
        server.terminate()
        server.wait(timeout=30)
        if os.environ.get("PVARA_KEEP_CONTRACT_DIR") is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
