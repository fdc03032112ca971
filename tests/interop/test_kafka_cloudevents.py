"""pvara's records on Apache Kafka, read by an independent consumer: Confluent's Python client
with the CloudEvents SDK's Kafka binding (binary content mode). Needs the test broker
(PVARA_TEST_KAFKA_BROKERS, default 127.0.0.1:9092) and the binary (PVARA_BIN)."""

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

from cloudevents.v1.kafka import KafkaMessage, from_binary
from confluent_kafka import Consumer, TopicPartition

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PVARA_BIN", str(ROOT / "target" / "debug" / "pvara"))
BROKERS = os.environ.get("PVARA_TEST_KAFKA_BROKERS", "127.0.0.1:9092")
PASSWORD = "a long password 1"


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


def read_topic(topic, wanted, deadline_s=60):
    """Every record of `topic` from the start, as CloudEvents, until `wanted` are in."""
    consumer = Consumer({"bootstrap.servers": BROKERS, "group.id": "interop-" + secrets.token_hex(4),
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(3)])
    events, deadline = [], time.time() + deadline_s
    try:
        while len(events) < wanted and time.time() < deadline:
            message = consumer.poll(1.0)
            if message is None or message.error():
                continue
            headers = {name: value for name, value in (message.headers() or [])}
            event = from_binary(KafkaMessage(headers, message.key(), message.value()))
            events.append((message, event))
    finally:
        consumer.close()
    assert len(events) >= wanted, f"{len(events)} of {wanted} records on {topic}"
    return events


def test_an_independent_consumer_reads_pvaras_cloudevents():
    work = Path(tempfile.mkdtemp(prefix="pvara-interop-"))
    prefix = f"interop-{secrets.token_hex(4)}."
    data = ["--data-dir", str(work / "data"), "--kafka-brokers", BROKERS, "--kafka-topic-prefix", prefix]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "serve.log", "w")
    server = subprocess.Popen([BIN, *data, "serve", "--listen", f"127.0.0.1:{port}", "--rate-limits", "off"],
                              stdout=log, stderr=log)
    try:
        deadline = time.time() + 60
        while True:
            try:
                call(base, "GET", "/api/ready")
                break
            except OSError:
                assert server.poll() is None and time.time() < deadline, (work / "serve.log").read_text()
                time.sleep(0.2)
        cli = lambda *a: subprocess.run([BIN, *data, *a], input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        cli("users", "create", "--email", "hr@pvara.gov", "--role", "recruiter", "--password-stdin")
        staff = call(base, "POST", "/api/auth/login", {"email": "hr@pvara.gov", "password": PASSWORD})["token"]
        job = call(base, "POST", "/api/jobs", {"title": "Engineer", "description": "Rust services",
                                               "requirements": {"requiredSkills": ["Rust"]}}, staff)
        call(base, "POST", "/api/auth/register", {"email": "ayesha@example.org", "password": PASSWORD, "fullName": "Ayesha Khan"})
        cli("users", "verify", "--email", "ayesha@example.org")
        me = call(base, "POST", "/api/auth/login", {"email": "ayesha@example.org", "password": PASSWORD})["token"]
        application = call(base, "POST", "/api/applications", {
            "jobId": job["id"], "fullName": "Ayesha Khan", "skills": ["Rust"], "yearsExperience": 5,
            "education": "bachelor", "resumeText": "Five years of Rust services.", "acceptPrivacyNotice": True,
        }, me)["id"]

        [(message, submitted)] = read_topic(prefix + "application-submitted", 1)
        assert submitted["specversion"] == "1.0"
        assert submitted["type"] == "pvara.application.submitted"
        assert submitted["source"] == "/pvara/api"
        assert submitted["subject"] == application
        assert submitted["datacontenttype"] == "application/json"
        assert message.key().decode() == application
        assert submitted.data == {"applicationId": application, "jobId": job["id"], "status": "Submitted"}

        [(_, scored)] = read_topic(prefix + "ai-scoring-complete", 1)
        assert scored["type"] == "pvara.application.scored"
        assert scored.data["applicationId"] == application and 0 <= scored.data["aiScore"] <= 100

        # The verification mail's event, then the two mails of the application: ids only.
        mails = read_topic(prefix + "email-notification", 3)
        kinds = sorted(event["type"] for _, event in mails)
        assert kinds.count("pvara.notification.email_requested") == 2, kinds
        for _, event in mails:
            text = json.dumps(event.data)
            assert "ayesha" not in text.lower() and "Khan" not in text, text
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
