"""pvara's records on Apache Kafka, read by an independent consumer: Confluent's Python client
with the CloudEvents SDK's Kafka binding (binary content mode). Needs the test broker
(PVARA_TEST_KAFKA_BROKERS, default 127.0.0.1:9092) and the binary (PVARA_BIN)."""

import json
import os
import secrets
import sys
import time
from pathlib import Path

from cloudevents.v1.kafka import KafkaMessage, from_binary
from confluent_kafka import Consumer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from pvara_server import PvaraServer  # noqa: E402

BROKERS = os.environ.get("PVARA_TEST_KAFKA_BROKERS", "127.0.0.1:9092")


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
    prefix = f"interop-{secrets.token_hex(4)}."
    with PvaraServer("interop", ["--kafka-brokers", BROKERS, "--kafka-topic-prefix", prefix]) as server:
        staff = server.staff("hr@pvara.gov", "recruiter")
        job = server.call("POST", "/api/jobs", {"title": "Engineer", "description": "Rust services",
                                                "requirements": {"requiredSkills": ["Rust"]}}, staff)
        me = server.verified_applicant("ayesha@example.org", "Ayesha Khan")
        application = server.call("POST", "/api/applications", {
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
