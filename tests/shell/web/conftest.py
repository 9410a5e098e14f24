"""Web desk fixtures: a seeded database, a TestClient per role, and signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yuqing.core.app import App
from yuqing.core.config import load_settings
from responder.intake import open_cases
from responder.suggest import suggest
from yuqing.core.storage.models import Assessment, Case, Event, Post, Source
from yuqing.shell.web import security
from yuqing.shell.web.app import create_app
from yuqing.shell.web.users import add_user

PASSWORD = "desk-Pass-2026"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> 低保怎么申请没人管'
ACCOUNTS = {"commentator": "affairs-chief", "spokesperson": "spokesperson", "admin": "admin",
            "other_commentator": "elderly-chief"}


@dataclass
class Seeded:
    """Ids of the rows a test works with."""

    case_id: int
    overdue_case_id: int
    hostile_post_id: int


def _post(key: str, platform: str, text: str, at: datetime, source: Source, event: Event, **extra) -> Post:
    return Post(dedup_key=key, platform=platform, url=extra.pop("url", f"https://example.test/{key}"),
                clean_text=text, published_at=at, fetched_at=at, updated_at=at, source_id=source.id,
                event_id=event.id, **extra)


def _assess(post: Post, label: str, score: float, now: datetime, reasons: list) -> Assessment:
    return Assessment(post_id=post.id, sentiment=score, sentiment_label=label, kind="consultation",
                      topic="subsistence", level=3, reasons=reasons, assessed_at=now)


def _sources(session) -> tuple[Source, Source]:
    weibo = Source(key="weibo-search", kind="weibo", name="微博搜索", healthy=True, last_items=12)
    forum = Source(key="city-forum", kind="html", name="榆川论坛", healthy=False, consecutive_failures=3,
                   last_error="HTTP 503")
    session.add_all([weibo, forum])
    session.flush()
    return weibo, forum


def _overdue_case(session, settings, now: datetime) -> Case:
    """A level Ⅰ complaint past its deadline, owned by another commentator."""
    case = Case(title="养老院收费投诉", kind="complaint", level=1, topic="elderly-care", platform="forum",
                state="assigned", owner="elderly-chief", approvers=["spokesperson", "deputy-li", "director"],
                detected_at=now - timedelta(hours=7), created_at=now - timedelta(hours=7), updated_at=now,
                deadline_at=now - timedelta(hours=2), clock="emergency_information",
                suggestions=suggest(settings, "complaint", "养老院乱收费", topic="elderly-care", platform="forum"))
    session.add(case)
    session.flush()
    return case


def seed(sessions, settings, now: datetime) -> Seeded:
    """Accounts for each role, two sources, an event with a hostile post opened as a case by intake, an overdue case."""
    with sessions() as session:
        for staff_key in ACCOUNTS.values():
            add_user(session, settings, staff_key, now, password=PASSWORD)
        weibo, forum = _sources(session)
        event = Event(title="网民咨询低保申请渠道", topic="subsistence", first_seen_at=now - timedelta(hours=3),
                      last_seen_at=now, post_count=2, platform_count=2, hotness=64.0, level=3,
                      reasons=["多平台出现同类咨询"], updated_at=now)
        session.add(event)
        session.flush()
        first = _post("w1", "weibo", "请问榆川低保怎么申请？等了很久没人回复", now - timedelta(hours=3), weibo, event,
                      reposts=12, comments=30, likes=5)
        hostile = _post("f1", "forum", HOSTILE, now - timedelta(hours=2), forum, event, url="javascript:alert(1)",
                        author='<b onmouseover="x()">路人</b>')
        session.add_all([first, hostile])
        session.flush()
        session.add_all([_assess(first, "negative", 0.12, now, ["含负面词：没人回复"]),
                         _assess(hostile, "negative", 0.2, now, [{"text": "<i>负面</i>"}])])
        overdue = _overdue_case(session, settings, now)
        session.commit()
    report = open_cases(sessions, settings, now)
    return Seeded(report.created[0], overdue.id, hostile.id)


def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file database, for modules whose checks do not depend on the backend."""
    return f"sqlite:///{tmp_path / 'desk.db'}"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Tests hash with a small scrypt cost (the cost is stored in each hash, so checking still works)."""
    monkeypatch.setattr(security, "SCRYPT_N", 2**10)


@pytest.fixture
def desk_settings(profile_dir: Path, database_url: str, tmp_path: Path):
    """The default profile pointed at the test database and a temporary data dir."""
    return load_settings(profile_dir, environ={},
                         overrides={"database_url": database_url, "data_dir": str(tmp_path / "data")})


@pytest.fixture
def desk_app(desk_settings, engine) -> App:
    """The application over the migrated test database."""
    return App(desk_settings, _engine=engine)


@pytest.fixture
def seeded(desk_app: App, now: datetime) -> Seeded:
    """The seeded rows."""
    return seed(desk_app.sessions, desk_app.settings, now)


@pytest.fixture
def web(desk_app: App, now: datetime):
    """The web desk on a frozen clock."""
    return create_app(desk_app, clock=lambda: now, secret="test-secret-not-for-production")


@pytest.fixture
def client(web) -> TestClient:
    """An anonymous browser-like client (follows no redirects)."""
    with TestClient(web, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page's forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def act(client: TestClient, case_id: int, action: str, **fields):
    """Submit an action form from the case page, with its CSRF token."""
    token = csrf_from(client.get(f"/cases/{case_id}").text)
    return client.post(f"/cases/{case_id}/act", data={"action": action, "csrf_token": token, **fields})


def sign_in(client: TestClient, role: str, password: str = PASSWORD):
    """Sign in as the seeded account of a role; returns the login response."""
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"username": ACCOUNTS[role], "password": password, "csrf_token": token})


@pytest.fixture
def as_role(client: TestClient, seeded: Seeded):
    """Sign the client in as a role: as_role('commentator')."""

    def login(role: str) -> TestClient:
        assert sign_in(client, role).status_code == 303
        return client

    return login
