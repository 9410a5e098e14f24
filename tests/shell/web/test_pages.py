"""Pages render for signed-in staff, in Chinese, with the queue sorted by urgency."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from tests.shell.web.conftest import sign_in


def test_anonymous_visitor_is_sent_to_sign_in(client, seeded):
    response = client.get("/queue")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/queue"


def test_team_queue_lists_most_urgent_first_with_level_and_time_left(as_role, seeded):
    page = as_role("spokesperson").get("/queue/team").text
    assert page.index("养老院收费投诉") < page.index("网民咨询低保申请渠道")
    assert 'class="level level-1"' in page and 'class="level level-3"' in page
    assert '<td class="left-overdue">已超时 2小时0分</td>' in page and '<td class="left-ok">剩余 ' in page


def test_queue_filters_by_level_topic_state_and_platform(as_role, seeded):
    client = as_role("spokesperson")
    assert "养老院收费投诉" not in client.get("/queue/team?level=3").text
    assert "网民咨询低保申请渠道" not in client.get("/queue/team?topic=elderly-care").text
    assert "网民咨询低保申请渠道" not in client.get("/queue/team?platform=forum").text
    assert "养老院收费投诉" not in client.get("/queue/team?state=triaged").text


def test_my_queue_shows_only_my_cases(as_role, seeded):
    page = as_role("other_commentator").get("/queue").text
    assert "养老院收费投诉" in page and "网民咨询低保申请渠道" not in page


def test_dashboard_shows_levels_overdue_chart_and_source_health(as_role, seeded):
    page = as_role("commentator").get("/dashboard").text
    assert "超时未回应（1）" in page and "<svg" in page and "<polyline" in page
    assert "榆川论坛" in page and "异常" in page


def test_search_highlights_the_term_and_escapes_the_rest(as_role, seeded):
    page = as_role("commentator").get("/search", params={"q": "低保"}).text
    assert "<mark>低保</mark>" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_failing_database_gives_a_chinese_500_page_not_a_traceback(web, seeded, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("select", {}, Exception("database is locked"))

    with TestClient(web, follow_redirects=False, raise_server_exceptions=False) as client:
        sign_in(client, "commentator")
        monkeypatch.setattr("responder.reply_queue.list_queue", broken)
        response = client.get("/queue")
        assert response.status_code == 500 and "服务器内部错误" in response.text
        assert "database is locked" not in response.text and "Traceback" not in response.text
