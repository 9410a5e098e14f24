"""Property: hostile posts, sources, cases and searches never break a desk page (no 500), and every page
stays escaped with no unsafe link."""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile import SLOW, HostilePost, assert_safe_html, hostile_posts, storable
from tests.shell.web.conftest import sign_in
from yuqing.core.storage.models import Assessment, Case, CasePost, Event, Post, Source

SERIAL = itertools.count(1)
OWN = ("/static/desk.js", "/digest/preview?week=")
PAGES = ("/", "/queue", "/queue/team", "/dashboard", "/approvals", "/account/password", "/digest?week=2026-W47",
         "/digest/preview?week=2026-W47", "/cases/{case}", "/search?q={query}", "/search?q=%E4%BD%8E%E4%BF%9D")
ADMIN_PAGES = ("/admin/users", "/admin/sources")
API = ("/api/me", "/api/cases", "/api/cases/{case}", "/api/dashboard", "/api/posts")


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: what is checked here is the pages, not the backend."""
    return f"sqlite:///{tmp_path / 'desk.db'}"


@pytest.fixture
def staff(web, seeded) -> dict[str, TestClient]:
    """Signed-in browsers of the spokesperson and the administrator."""
    clients = {}
    for role in ("spokesperson", "admin"):
        clients[role] = TestClient(web, base_url="http://testserver", follow_redirects=False).__enter__()
        assert sign_in(clients[role], role).status_code == 303
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _store(desk_app, now, post: HostilePost) -> int:
    """A failing source, an event, a post and a case, all written by the stranger; returns the case id."""
    n, title, text, url = next(SERIAL), storable(post.title), storable(post.text), storable(post.url)
    with desk_app.sessions() as session:
        source = Source(key=f"hostile-{n}", kind="html", name=title[:200] or "来源", healthy=False,
                        consecutive_failures=2, last_error=text[:2000])
        event = Event(title=title or "事件", summary=text, topic="subsistence", first_seen_at=now, last_seen_at=now,
                      level=2, reasons=[text[:200]], updated_at=now)
        session.add_all([source, event])
        session.flush()
        row = Post(dedup_key=f"hostile:{n}", platform="forum", url=url, title=title, clean_text=text or "（空）",
                   author=title[:200], published_at=now, fetched_at=now, updated_at=now, source_id=source.id,
                   event_id=event.id)
        session.add(row)
        session.flush()
        session.add(Assessment(post_id=row.id, sentiment=0.1, sentiment_label="negative", kind="complaint",
                               topic="subsistence", level=2, reasons=[text[:200], {"text": title}], assessed_at=now))
        case = Case(title=title or "工单", kind="complaint", level=2, topic="subsistence", platform="forum",
                    state="new", event_id=event.id, detected_at=now, created_at=now, updated_at=now,
                    published_url=url, approvers=["spokesperson"])
        session.add(case)
        session.flush()
        session.add(CasePost(case_id=case.id, post_id=row.id, attached_at=now))
        session.commit()
        return case.id


@SLOW
@given(post=hostile_posts(huge=False), query=st.text(max_size=30))
def test_every_desk_page_survives_hostile_data(desk_app, now, staff, post, query):
    case_id = _store(desk_app, now, post)
    query = quote(storable(query).replace("\x00", ""))
    for role, paths in (("spokesperson", PAGES), ("admin", ADMIN_PAGES)):
        for path in paths:
            response = staff[role].get(path.format(case=case_id, query=query))
            assert response.status_code < 500, (path, response.status_code)
            if response.headers.get("content-type", "").startswith("text/html"):
                assert_safe_html(response.text, OWN)
    for path in API:
        assert staff["spokesperson"].get(path.format(case=case_id)).status_code < 500, path
