"""A real SMTP server on 127.0.0.1 for the mail tests: aiosmtpd with STARTTLS (a certificate from a
test CA made by trustme) and AUTH required, keeping every message it accepts. Recipients can be
set to be refused for good (550) or deferred a number of times (451), and the server can be stopped
and started again on the same port, as a relay that goes down."""

import socket
import ssl
import threading
import time
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from waiting import wait_until

USER, PASSWORD = "pvara-mailer", "relay password 9"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self, relay):
        self.relay = relay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.relay.lock:
            if address in self.relay.refused:
                return "550 5.1.1 <%s>: mailbox unavailable" % address
            if self.relay.deferred.get(address, 0) > 0:
                self.relay.deferred[address] -= 1
                self.relay.deferrals += 1
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.relay.delay:
            time.sleep(self.relay.delay)
        with self.relay.lock:
            self.relay.messages.append({
                "content": envelope.original_content or envelope.content,
                "to": list(envelope.rcpt_tos),
                "tls": session.ssl is not None,
                "authenticated": bool(session.authenticated),
            })
        return "250 Message accepted"


class SmtpRelay:
    def __init__(self, work: Path):
        self.port = free_port()
        self.lock = threading.Lock()
        self.messages, self.refused, self.deferred = [], set(), {}
        self.deferrals, self.delay = 0, 0.0
        ca = trustme.CA()
        self.ca_file = work / "relay-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(self.tls)
        self.controller = None

    @property
    def url(self):
        return f"smtp://{USER}:{PASSWORD.replace(' ', '%20')}@127.0.0.1:{self.port}"

    def pvara_args(self):
        return ["--smtp-url", self.url, "--smtp-ca-file", str(self.ca_file), "--smtp-timeout", "5"]

    @staticmethod
    def _authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok)

    def start(self):
        self.controller = Controller(
            Handler(self), hostname="127.0.0.1", port=self.port, tls_context=self.tls, require_starttls=True,
            authenticator=self._authenticate, auth_required=True, auth_require_tls=True,
        )
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self):
        with self.lock:
            return list(self.messages)

    def wait_for(self, count, deadline_s=90):
        """Every message received, once there are at least `count`."""
        return wait_until(lambda: len(self.received()) >= count and self.received(),
                          f"{count} messages at the relay (got {len(self.received())})", deadline_s)
