"""Server-side sessions: sign-out, a password change and disabling an account revoke them everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.shell.web.conftest import csrf_from, sign_in
from yuqing.core.storage.web_sessions import WebSession
from yuqing.shell.web.app import create_app


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
    from yuqing.shell.web.users import set_password

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
    from yuqing.shell.web.users import set_active

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


def _change(client: TestClient, current: str, new: str, confirm: str | None = None):
    token = csrf_from(client.get("/account/password").text)
    return client.post("/account/password", data={"csrf_token": token, "password": current, "new_password": new,
                                                  "confirm": new if confirm is None else confirm})


def test_changing_ones_own_password_keeps_this_browser_and_signs_out_the_others(client, web, seeded):
    from tests.shell.web.conftest import PASSWORD

    sign_in(client, "commentator")
    with TestClient(web, follow_redirects=False) as other_device:
        sign_in(other_device, "commentator")
        response = _change(client, PASSWORD, "Quiet-Harbour-Lamp-58")
        assert response.status_code == 200 and "密码已修改" in response.text
        assert client.get("/api/me").status_code == 200 and other_device.get("/api/me").status_code == 401
    assert sign_in(client, "commentator", password="Quiet-Harbour-Lamp-58").status_code == 303


@pytest.mark.parametrize("current, new, confirm, message", [
    ("wrong-password-1", "Quiet-Harbour-Lamp-58", None, "当前密码不正确"),
    (None, "Quiet-Harbour-Lamp-58", "Quiet-Harbour-Lamp-59", "不一致"),
    (None, "password1234", None, "太常见"), (None, " " * 12, None, "空白"), (None, "Admin12345", None, "至少需要 12"),
])
def test_own_password_change_refuses_wrong_current_mismatch_and_weak_passwords(as_role, current, new, confirm, message):
    from tests.shell.web.conftest import PASSWORD

    client = as_role("commentator")
    response = _change(client, current or PASSWORD, new, confirm)
    assert response.status_code == 400 and message in response.text
    assert client.get("/api/me").status_code == 200
