"""Admin pages (accounts, sources), the JSON API and its OpenAPI schema, and serving under a path prefix."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.shell.web.conftest import PASSWORD, csrf_from
from yuqing.core.storage.models import User


def admin_post(client: TestClient, path: str, **fields):
    """Submit an admin form with the page's CSRF token."""
    return client.post(path, data={"csrf_token": csrf_from(client.get(path).text), **fields})


def test_admin_creates_an_account_for_a_staff_member_and_sees_the_password_once(as_role, seeded, desk_app):
    client = as_role("admin")
    assert "周建国" in client.get("/admin/users").text
    page = admin_post(client, "/admin/users", op="add", target="director").text
    password = re.search(r'class="password">([^<]+)<', page)[1]
    with desk_app.sessions() as session:
        user = session.query(User).filter_by(username="director").one()
        assert user.role == "spokesperson" and password not in user.password_hash


def test_admin_disables_an_account_and_its_session_ends(client, seeded, web):
    with TestClient(web, follow_redirects=False) as other:
        token = csrf_from(other.get("/login").text)
        other.post("/login", data={"username": "affairs-chief", "password": PASSWORD, "csrf_token": token})
        assert other.get("/queue").status_code == 200
        admin = client
        token = csrf_from(admin.get("/login").text)
        admin.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
        assert "已停用账号 affairs-chief" in admin_post(admin, "/admin/users", op="disable", target="affairs-chief").text
        assert other.get("/queue").status_code == 303


def test_admin_cannot_disable_themselves(as_role, seeded):
    response = admin_post(as_role("admin"), "/admin/users", op="disable", target="admin")
    assert response.status_code == 400 and "不能停用自己的账号" in response.text


def test_admin_sees_every_configured_source_with_its_health(as_role, seeded, desk_app):
    page = as_role("admin").get("/admin/sources").text
    configured = [s.name for s in desk_app.settings.sources.sources]
    assert configured and all(name in page for name in configured)
    assert "HTTP 503" in page and "sources.yaml" in page


def test_openapi_schema_describes_only_the_api(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/actions", "/api/dashboard",
            "/api/posts", "/api/me"} <= set(schema["paths"])
    assert all(path.startswith("/api/") for path in schema["paths"])


def test_api_needs_a_session(client, seeded):
    response = client.get("/api/cases")
    assert response.status_code == 401 and response.json() == {"detail": "请先登录。"}


def test_api_lists_cases_by_urgency_and_acts_through_the_workflow(as_role, seeded):
    client = as_role("commentator")
    assert [c["id"] for c in client.get("/api/cases").json()] == [seeded.overdue_case_id, seeded.case_id]
    token = client.get("/api/me").json()["csrf_token"]
    detail = client.post(f"/api/cases/{seeded.case_id}/actions", json={"action": "claim"},
                         headers={"X-CSRF-Token": token}).json()
    assert detail["owner"] == "affairs-chief" and detail["audit"][-1]["action"] == "claim"
    assert "submit" in detail["allowed_actions"] and detail["reply_limit"] == 140
    too_long = client.post(f"/api/cases/{seeded.case_id}/actions", json={"action": "submit", "text": "字" * 141},
                           headers={"X-CSRF-Token": token})
    assert too_long.status_code == 400 and "超过平台上限" in too_long.json()["detail"]


def test_api_dashboard_counts_cases_and_overdue(as_role, seeded):
    figures = as_role("spokesperson").get("/api/dashboard").json()
    assert figures["overdue_case_ids"] == [seeded.overdue_case_id]
    assert figures["cases_by_level_state"]["1"] == {"assigned": 1} and len(figures["days"]) == 14
    assert figures["days"][-1]["mentions"] == 2 and figures["days"][-1]["negative"] == 2
    card = figures["scorecard"]
    assert card["days"] == 30 and card["total"]["label"] == "全部" and card["total"]["due"] == 1
    assert card["total"]["response_rate"] == 0.0 and card["total"]["satisfaction"] is None


def test_api_records_a_revisit_with_method_and_satisfaction(as_role, seeded):
    writer = as_role("commentator")
    token = writer.get("/api/me").json()["csrf_token"]

    def post(client, token, **body):
        return client.post(f"/api/cases/{seeded.case_id}/actions", json=body, headers={"X-CSRF-Token": token})

    post(writer, token, action="claim")
    post(writer, token, action="submit", text="您好，低保可向户籍所在地街道提出申请。")
    boss = as_role("spokesperson")
    post(boss, boss.get("/api/me").json()["csrf_token"], action="approve")
    writer = as_role("commentator")
    token = writer.get("/api/me").json()["csrf_token"]
    post(writer, token, action="record_published", url="https://weibo.example/reply/1")
    missing = post(writer, token, action="revisit", satisfaction="satisfied", reason="已联系")
    assert missing.status_code == 400 and "回访方式" in missing.json()["detail"]
    detail = post(writer, token, action="revisit", method="电话", satisfaction="不满意", reason="材料清单不全").json()
    assert detail["state"] == "assigned" and detail["audit"][-1]["reason"] == "回访不满意：材料清单不全"


def test_links_and_redirects_carry_the_proxy_prefix(web, seeded):
    with TestClient(web, root_path="/yuqing", follow_redirects=False) as client:
        assert client.get("/yuqing/queue").headers["location"] == "/yuqing/login?next=/queue"
        page = client.get("/yuqing/login").text
        assert 'action="/yuqing/login"' in page and 'href="/yuqing/static/desk.css"' in page
        response = client.post("/yuqing/login", data={"username": "affairs-chief", "password": PASSWORD,
                                                      "csrf_token": csrf_from(page), "next": "/dashboard"})
        assert response.headers["location"] == "/yuqing/dashboard"
        assert 'href="/yuqing/queue/team"' in client.get("/yuqing/dashboard").text
