"""Server-side sessions: sign-out, a password change and disabling an account revoke them everywhere."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import csrf_from, sign_in
from yuqing.storage.web_sessions import WebSession
from yuqing.web.app import create_app


def _copy(client: TestClient, web) -> TestClient:
    """Another browser holding a copy of the client's session cookie."""
    thief = TestClient(web, base_url="http://testserver", follow_redirects=False)
    thief.cookies.set("yuqing_session", client.cookies["yuqing_session"])
    return thief


def test_a_copied_cookie_stops_working_after_sign_out(as_role, web):
    client = as_role("commentator")
    with _copy(client, web) as thief:
        assert thief.get("/api/me").status_code == 200
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
        assert thief.get("/api/me").status_code == 401 and thief.get("/queue").status_code == 303


def test_a_password_change_revokes_every_session_of_that_user_only(client, web, seeded, desk_app):
    from yuqing.web.users import set_password

    sign_in(client, "commentator")
    with TestClient(web, follow_redirects=False) as second, TestClient(web, follow_redirects=False) as other:
        sign_in(second, "commentator")
        sign_in(other, "spokesperson")
        with desk_app.sessions() as session:
            set_password(session, "affairs-chief", "another-Pass-2026")
            session.commit()
        assert client.get("/api/me").status_code == 401 and second.get("/api/me").status_code == 401
        assert other.get("/api/me").status_code == 200


def test_disabling_an_account_revokes_its_sessions(as_role, seeded, desk_app):
    from yuqing.web.users import set_active

    client = as_role("commentator")
    with desk_app.sessions() as session:
        set_active(session, "affairs-chief", False)
        session.commit()
        assert session.scalars(select(WebSession)).all() == []
    assert client.get("/api/me").status_code == 401


def test_sessions_expire_after_ten_hours_and_store_no_usable_id(as_role, seeded, desk_app, now):
    client = as_role("commentator")
    with desk_app.sessions() as session:
        row = session.scalars(select(WebSession)).one()
    assert row.expires_at == now + timedelta(hours=10) and row.id not in client.cookies["yuqing_session"]
    later = create_app(desk_app, clock=lambda: now + timedelta(hours=10, seconds=1),
                       secret="test-secret-not-for-production")
    with _copy(client, later) as same_browser_later:
        assert same_browser_later.get("/api/me").status_code == 401
