"""A real pvara for the Python-driven tests (contract, interoperability): the binary built by
scripts/test (PVARA_BIN) in a temporary data directory, its JSON API, and its command line."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PVARA_BIN", str(ROOT / "target" / "debug" / "pvara"))
PASSWORD = "a long password 1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PvaraServer:
    """`pvara serve` on a free port with `args` before the command (engine flags) and
    `serve_args` after it; on a database of its own on the test PostgreSQL when `backend` is
    "postgres"."""

    def __init__(self, name, args=(), serve_args=(), backend="sqlite"):
        self.work = Path(tempfile.mkdtemp(prefix=f"pvara-{name}-"))
        self.args = ["--data-dir", str(self.work / "data"), *args]
        self.serve_args = list(serve_args)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.database = None
        if backend == "postgres":
            self.admin_url = os.environ.get("PVARA_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:55432/postgres")
            self.database = f"pvara_test_{name.replace('-', '_')}_" + secrets.token_hex(6)
            subprocess.run(["psql", self.admin_url, "-q", "-c", f"CREATE DATABASE {self.database}"], check=True)
            self.args += ["--database-url", self.admin_url.rsplit("/", 1)[0] + "/" + self.database]

    def __enter__(self):
        return self.start()

    def start(self):
        log = open(self.work / "serve.log", "a")
        self.process = subprocess.Popen(
            [BIN, *self.args, "serve", "--listen", f"127.0.0.1:{self.port}", "--rate-limits", "off", *self.serve_args],
            stdout=log, stderr=log,
        )
        deadline = time.time() + 60
        while True:
            try:
                self.call("GET", "/api/ready")
                return self
            except OSError:
                assert self.process.poll() is None and time.time() < deadline, (self.work / "serve.log").read_text()
                time.sleep(0.1)

    def kill(self):
        """SIGKILL, as a crash."""
        self.process.kill()
        self.process.wait(timeout=30)

    def __exit__(self, *_):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        if self.database:
            subprocess.run(["psql", self.admin_url, "-q", "-c", f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)"])
        if os.environ.get("PVARA_KEEP_TEST_DIRS") is None:
            shutil.rmtree(self.work, ignore_errors=True)

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, method=method, data=data)
        request.add_header("content-type", "application/json")
        if token:
            request.add_header("authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
            return json.loads(text) if text else None

    def cli(self, *args):
        """`pvara <args>` on the same data, the password on standard input."""
        return subprocess.run([BIN, *self.args, *args], input=PASSWORD + "\n", text=True, check=True, capture_output=True)

    def token(self, email):
        return self.call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})["token"]

    def staff(self, email, role):
        self.cli("users", "create", "--email", email, "--role", role, "--password-stdin")
        return self.token(email)

    def verified_applicant(self, email, name):
        """Registers through the API; the operator then verifies the address (`pvara users verify`)."""
        self.call("POST", "/api/auth/register", {"email": email, "password": PASSWORD, "fullName": name})
        self.cli("users", "verify", "--email", email)
        return self.token(email)
