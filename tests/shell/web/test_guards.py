"""Hostile or careless input gets a clear 4xx, never a 500 nor a grown case page (issue 17, defects 4-7, 10)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.shell.web.conftest import act, csrf_from, sign_in
from yuqing.shell.web.app import create_app
from yuqing.shell.web.guards import MAX_BODY_BYTES, ascii_number


def _api_post(client: TestClient, case_id: int | str, headers: dict | None = None, **kwargs):
    token = client.get("/api/me").json()["csrf_token"]
    return client.post(f"/api/cases/{case_id}/actions", headers={"X-CSRF-Token": token, **(headers or {})}, **kwargs)


@pytest.mark.parametrize("size", [2001, 1_000_000, 5_000_000])
def test_oversized_comments_and_reasons_are_refused_and_not_stored(as_role, seeded, size):
    client = as_role("commentator")
    before = len(client.get(f"/cases/{seeded.case_id}").text)
    response = act(client, seeded.case_id, "comment", reason="长" * size)
    assert response.status_code in (400, 413) and "未保存" in response.text
    assert _api_post(client, seeded.case_id, json={"action": "comment", "reason": "长" * size}).status_code in (400, 413)
    assert len(client.get(f"/cases/{seeded.case_id}").text) == before
    assert act(client, seeded.case_id, "comment", reason="长" * 2000).status_code == 303


def test_a_streamed_body_without_length_is_cut_off_too(as_role, seeded):
    client = as_role("commentator")
    chunks = (b"reason=" + b"x" * 65536 for _ in range(MAX_BODY_BYTES // 65536 + 2))
    response = client.post(f"/cases/{seeded.case_id}/act", content=chunks,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "未保存" in response.text


@pytest.mark.parametrize("body, content_type", [(b"\xff\xfe not json", "application/json"),
                                                (b"action=claim", "application/x-www-form-urlencoded"),
                                                (b"{\"action\": ", "application/json")])
def test_api_answers_a_non_json_body_with_a_json_4xx(as_role, seeded, body, content_type):
    response = _api_post(as_role("commentator"), seeded.case_id, content=body, headers={"content-type": content_type})
    assert response.status_code in (400, 422) and response.json()["detail"]


@pytest.mark.parametrize("case_id", [2**31, 2**63, 2**64 + 1, 10**30])
def test_ids_beyond_the_id_column_are_not_found(as_role, seeded, case_id):
    client = as_role("commentator")
    assert client.get(f"/cases/{case_id}").status_code == 404
    assert client.get(f"/api/cases/{case_id}").status_code == 404
    assert _api_post(client, case_id, json={"action": "claim"}).status_code == 404
    assert act(client, seeded.case_id, "claim").status_code == 303  # the desk still works


@pytest.mark.parametrize("text, number", [("3", 3), ("¹", None), ("１", None), ("٣", None), ("", None),
                                          (" 12 ", 12), ("9" * 40, None)])
def test_only_ascii_digits_are_numbers(text, number):
    assert ascii_number(text) == number


def test_non_ascii_digits_in_numeric_fields_are_ignored(as_role, seeded):
    client = as_role("commentator")
    assert client.get("/queue/team", params={"level": "¹"}).status_code == 200
    assert act(client, seeded.case_id, "claim", version="¹").status_code == 303


@pytest.mark.parametrize("week", ["0001-W01", "0001-W02", "9999-W52"])
def test_weeks_at_the_ends_of_the_calendar_are_a_clear_400(as_role, seeded, week):
    client = as_role("spokesperson")
    for path in ("/digest", "/digest/preview"):
        response = client.get(path, params={"week": week})
        assert response.status_code == 400 and "超出可处理的日期范围" in response.text


def test_nul_bytes_in_search_fields_reasons_and_user_names_are_refused(as_role, seeded, client):
    user = as_role("commentator")
    for params in ({"q": "低保\x00"}, {"platform": "\x00"}, {"q": "x", "days": "3"}):
        response = user.get("/search", params=params)
        assert response.status_code == (200 if "x" in params.values() else 400)
    assert user.get("/api/posts", params={"q": "\x00"}).status_code == 400
    assert user.get("/queue/team", params={"owner": "a\x00"}).status_code == 400
    assert act(user, seeded.case_id, "comment", reason="原因\x00").status_code == 400
    assert _api_post(user, seeded.case_id, json={"action": "comment", "reason": "\x00"}).status_code == 400
    user.post("/logout", data={"csrf_token": user.get("/api/me").json()["csrf_token"]})
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": "affairs\x00chief", "password": "x", "csrf_token": token})
    assert response.status_code == 400


def test_find_user_with_a_nul_byte_finds_no_one(desk_app, seeded):
    from yuqing.shell.web.users import find_user

    with desk_app.sessions() as session:
        assert find_user(session, "admin\x00") is None


def test_500_responses_carry_the_security_headers(web, seeded, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    with TestClient(web, follow_redirects=False, raise_server_exceptions=False) as client:
        sign_in(client, "commentator")
        monkeypatch.setattr("responder.reply_queue.list_queue", broken)
        for path in ("/queue", "/api/cases"):
            response = client.get(path)
            assert response.status_code == 500
            assert "default-src 'self'" in response.headers["content-security-policy"]
            assert response.headers["x-frame-options"] == "DENY" and response.headers["cache-control"] == "no-store"


def test_api_responses_are_never_cached(as_role, seeded):
    client = as_role("commentator")
    for path in ("/api/me", "/api/cases", "/api/nowhere", "/api/openapi.json"):
        assert client.get(path).headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in client.get("/login").headers


def test_hsts_is_sent_with_secure_cookies(desk_app, seeded, now):
    web = create_app(desk_app, clock=lambda: now, secret="test-secret-not-for-production", https_only=True)
    with TestClient(web, base_url="https://testserver", follow_redirects=False) as client:
        assert sign_in(client, "commentator").headers["strict-transport-security"].startswith("max-age=31536000")
        assert "max-age=" in client.get("/api/me").headers["strict-transport-security"]
