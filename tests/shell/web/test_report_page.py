"""The desk's 专报 action: managers read it as a page or download it as Word; hostile posts stay inert."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shell.web.conftest import sqlite_url
from yuqing.core.storage.models import Case, Event


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The report's figures are checked on both backends by the responder's tests; the page runs on SQLite."""
    return sqlite_url(tmp_path)


def _event_of(desk_app, case_id: int, level: int) -> int:
    with desk_app.sessions() as session:
        event = session.get(Event, session.get(Case, case_id).event_id)
        event.level = level
        session.commit()
        return event.id


def test_a_serious_events_report_is_one_click_for_managers_only(as_role, seeded, desk_app):
    minor = _event_of(desk_app, seeded.case_id, 3)
    spokesperson = as_role("spokesperson")
    refused = spokesperson.get(f"/events/{minor}/report")
    assert refused.status_code == 409 and "专报用于Ⅱ级及以上事件" in refused.text
    serious = _event_of(desk_app, seeded.case_id, 2)
    assert f'href="/events/{serious}/report"' in spokesperson.get(f"/cases/{seeded.case_id}").text
    page = spokesperson.get(f"/events/{serious}/report")
    assert page.status_code == 200 and "关于“网民咨询低保申请渠道”的舆情专报" in page.text
    assert "<b onmouseover" not in page.text and 'href="javascript:' not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    word = spokesperson.get(f"/events/{serious}/report.docx")
    assert word.status_code == 200 and word.content[:2] == b"PK" and "attachment" in word.headers["content-disposition"]
    assert spokesperson.get("/events/9999/report").status_code == 404


def test_commentators_cannot_open_a_report(as_role, seeded, desk_app):
    serious = _event_of(desk_app, seeded.case_id, 2)
    client = as_role("commentator")
    assert client.get(f"/events/{serious}/report").status_code == 403
    assert "/report" not in client.get(f"/cases/{seeded.case_id}").text
