"""Roles, CSRF, hostile crawled text, cookies, throttled sign-in and security headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shell.web.conftest import HOSTILE, act, csrf_from, sign_in, sqlite_url


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Roles, CSRF and escaping do not depend on the database: SQLite only (pages and API run on both)."""
    return sqlite_url(tmp_path)


@pytest.mark.parametrize("role, path", [
    ("commentator", "/approvals"), ("commentator", "/admin/users"), ("commentator", "/admin/sources"),
    ("spokesperson", "/admin/users"), ("spokesperson", "/admin/sources"), ("admin", "/approvals"),
])
def test_forbidden_pages_answer_403_with_a_chinese_page(as_role, role, path):
    response = as_role(role).get(path)
    assert response.status_code == 403 and "无权访问" in response.text and "退出" in response.text


@pytest.mark.parametrize("role, path", [("spokesperson", "/approvals"), ("admin", "/admin/users"),
                                        ("admin", "/admin/sources")])
def test_each_role_reaches_its_own_pages(as_role, role, path):
    assert as_role(role).get(path).status_code == 200


def test_commentator_cannot_approve_a_pending_reply(client, seeded):
    sign_in(client, "commentator")
    act(client, seeded.case_id, "claim")
    act(client, seeded.case_id, "submit", text="您好，低保可向户籍所在地街道提出申请。")
    response = act(client, seeded.case_id, "approve")
    assert response.status_code == 403 and "不能审核自己起草的回复" in response.text


def test_commentator_cannot_dismiss_or_act_on_someone_elses_case(as_role, seeded):
    client = as_role("commentator")
    assert act(client, seeded.case_id, "dismiss", reason="重复").status_code == 403
    response = act(client, seeded.overdue_case_id, "submit", text="您好。")
    assert response.status_code == 403 and "无权" in response.text


def test_admin_cannot_take_case_actions(as_role, seeded):
    assert act(as_role("admin"), seeded.case_id, "claim").status_code == 403


def test_api_refuses_forbidden_actions_with_403(as_role, seeded):
    client = as_role("commentator")
    token = client.get("/api/me").json()["csrf_token"]
    response = client.post(f"/api/cases/{seeded.case_id}/actions", json={"action": "dismiss", "reason": "x"},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 403 and "无权" in response.json()["detail"]


def test_hostile_post_renders_as_text_everywhere(as_role, seeded):
    client = as_role("commentator")
    for path in (f"/cases/{seeded.case_id}", "/search?q=低保"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page and "<b onmouseover" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    case_page = client.get(f"/cases/{seeded.case_id}").text
    assert 'href="javascript:' not in case_page and "&lt;i&gt;负面&lt;/i&gt;" in case_page


def test_api_returns_hostile_text_as_plain_json_data(as_role, seeded):
    posts = as_role("commentator").get("/api/posts", params={"q": "onerror"}).json()
    assert [p["clean_text"] for p in posts] == [HOSTILE]


def test_form_without_csrf_token_is_refused(as_role, seeded, desk_app):
    client = as_role("commentator")
    response = client.post(f"/cases/{seeded.case_id}/act", data={"action": "claim"})
    assert response.status_code == 403 and "安全令牌" in response.text
    wrong = client.post(f"/cases/{seeded.case_id}/act", data={"action": "claim", "csrf_token": "forged"})
    assert wrong.status_code == 403


def test_login_form_without_csrf_token_is_refused(client, seeded):
    response = client.post("/login", data={"username": "affairs-chief", "password": "desk-Pass-2026"})
    assert response.status_code == 403 and "安全令牌" in response.text
    assert client.get("/queue").status_code == 303


def test_api_post_without_csrf_header_is_refused(as_role, seeded):
    response = as_role("commentator").post(f"/api/cases/{seeded.case_id}/actions", json={"action": "claim"})
    assert response.status_code == 403 and "X-CSRF-Token" in response.json()["detail"]


def test_session_cookie_is_httponly_and_samesite(client, seeded):
    cookie = sign_in(client, "commentator").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_security_headers_are_set_on_pages_and_errors(client, seeded):
    for response in (client.get("/login"), client.get("/nowhere")):
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


def test_wrong_password_is_refused_and_attempts_are_throttled(client, seeded):
    for _ in range(5):
        assert sign_in(client, "commentator", password="wrong-password-1").status_code == 401
    blocked = sign_in(client, "commentator")
    assert blocked.status_code == 429 and "10 分钟后再试" in blocked.text


def test_sign_in_goes_only_to_local_pages(client, seeded):
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": "affairs-chief", "password": "desk-Pass-2026",
                                           "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["location"] == "/queue"


def test_password_change_signs_out_open_sessions(as_role, seeded, desk_app):
    from yuqing.shell.web.users import set_password

    client = as_role("commentator")
    with desk_app.sessions() as session:
        set_password(session, "affairs-chief", "another-Pass-2026")
        session.commit()
    assert client.get("/queue").status_code == 303


def test_sign_out_ends_the_session(as_role, seeded):
    client = as_role("commentator")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    assert client.get("/queue").status_code == 303
    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize("password, problem", [
    (" " * 10, "空白"), (" " * 14, "空白"), ("password12", "至少需要 12"), ("Admin12345", "至少需要 12"),
    ("password1234", "太常见"), ("Admin1234567", "太常见"), ("qwertyuiop12", "太常见"), ("aaaaaaaaaaaa", "太常见"),
    ("x" * 300, "最多 256"),
])
def test_weak_passwords_are_refused(password, problem):
    from yuqing.shell.web.security import password_problem

    assert problem in password_problem(password)


def test_strong_and_generated_passwords_pass_and_the_account_name_counts_against():
    from yuqing.shell.web.security import generate_password, password_problem

    assert password_problem("desk-Pass-2026") == "" and password_problem(generate_password()) == ""
    assert "太常见" in password_problem("affairs-chief1", ("affairs-chief",))


def test_admin_password_reset_gives_a_password_that_passes_the_rule(as_role, seeded):
    import re

    from yuqing.shell.web.security import password_problem

    client = as_role("admin")
    page = client.post("/admin/users", data={"op": "reset", "target": "affairs-chief",
                                             "csrf_token": csrf_from(client.get("/admin/users").text)}).text
    assert password_problem(re.search(r'class="password">([^<]+)<', page)[1]) == ""
