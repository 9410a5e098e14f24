"""Fixtures for the responder: posts, assessments and events made directly with the models."""

from __future__ import annotations

import dataclasses
import ipaddress
import itertools
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.smtp import smtp_server as running_smtp_server
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, Event, Post

_ids = itertools.count(1)


@dataclass
class PostFactory:
    """Makes analysed posts (and events) at a given moment."""

    sessions: object
    now: datetime

    def event(self, *, topic: str = "subsistence", level: int = 3, title: str = "低保金迟迟未到账") -> int:
        """An event row; returns its id."""
        with transaction(self.sessions) as session:
            event = Event(title=title, topic=topic, level=level, first_seen_at=self.now, last_seen_at=self.now,
                          updated_at=self.now)
            session.add(event)
            session.flush()
            return event.id

    def post(self, text: str, *, event_id: int | None = None, platform: str = "weibo", kind: str = "complaint",
             level: int = 3, sentiment: float = 0.1, topic: str = "subsistence", hotness: float = 10.0,
             minutes: float = 0, department: str = "民政", actionable: bool = False) -> int:
        """An analysed post fetched `minutes` after now; returns its id."""
        at = self.now + timedelta(minutes=minutes)
        n = next(_ids)
        with transaction(self.sessions) as session:
            post = Post(dedup_key=f"{platform}:{n}", platform=platform, platform_id=str(n),
                        url=f"https://{platform}.example/p/{n}", clean_text=text, fetched_at=at, updated_at=at,
                        published_at=at - timedelta(minutes=30), event_id=event_id)
            session.add(post)
            session.flush()
            session.add(Assessment(post_id=post.id, sentiment=sentiment, sentiment_label="negative", kind=kind,
                                   topic=topic, level=level, hotness=hotness, assessed_at=at, department=department,
                                   actionable=actionable, negative=1.0 - sentiment))
            return post.id


@pytest.fixture
def factory(sessions, now) -> PostFactory:
    """Makes posts, assessments and events on the test database."""
    return PostFactory(sessions, now)


class Receiver:
    """A local HTTP receiver that records JSON posts; it can be stopped and started on the same port.
    It answers with the next of `replies` while any are queued, else with `reply`; `hang` makes it wait
    (until stopped) instead of answering."""

    def __init__(self, reply: dict | None = None):
        self.requests: list[dict] = []
        self.reply = reply or {"errcode": 0, "errmsg": "ok"}
        self.replies: list[dict] = []
        self.hang = False
        self.release = threading.Event()
        self.port = 0
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The receiver's address."""
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        """Listen: the first time on a port the system picks, again on that same port."""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                owner.requests.append({"path": self.path, "headers": dict(self.headers), "raw": raw,
                                       "json": json.loads(raw)})
                if owner.hang:
                    owner.release.wait(60)
                    return
                body = json.dumps(owner.replies.pop(0) if owner.replies else owner.reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Let a hanging request go and stop listening: connections are refused until start()."""
        self.release.set()
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver():
    """A running HTTP receiver, stopped at the end."""
    item = Receiver()
    item.start()
    yield item
    item.stop()


@pytest.fixture
def smtp_server():
    """A real aiosmtpd server on loopback collecting messages: (inbox, port)."""
    with running_smtp_server() as running:
        yield running


def with_channels(settings, *, smtp_port: int | None = None, security: str = "none", **channels):
    """The settings with these alert channels (name → ChannelConfig kwargs), SMTP port and security."""
    from yuqing.core.config.response import ChannelConfig

    response = settings.response.model_copy(
        update={"channels": {name: ChannelConfig(**kw) for name, kw in channels.items()}})
    app = settings.app
    if smtp_port:
        app = app.model_copy(update={"smtp": app.smtp.model_copy(update={"port": smtp_port, "security": security})})
    return dataclasses.replace(settings, response=response, app=app)


@pytest.fixture(scope="session")
def loopback_cert(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime(2020, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + timedelta(days=365 * 30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture(params=["starttls", "ssl"])
def tls_smtp_server(request, loopback_cert):
    """aiosmtpd speaking STARTTLS (required) or implicit SSL: (inbox, port, security, CA file)."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, loopback_cert))
    options = {"ssl_context": context} if request.param == "ssl" else {"tls_context": context, "require_starttls": True}
    with running_smtp_server(**options) as (inbox, port):
        yield inbox, port, request.param, str(loopback_cert[0])
