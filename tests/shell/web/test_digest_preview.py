"""The digest preview: this week's digest built by the responder, framed without scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shell.web.conftest import sqlite_url


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The digest's queries are tested on both backends by its own tests; the preview runs on SQLite."""
    return sqlite_url(tmp_path)


def test_digest_page_frames_this_weeks_preview(as_role, seeded):
    page = as_role("commentator").get("/digest").text
    assert "舆情周报预览（2026-W47，本周截至目前）" in page
    assert 'src="/digest/preview?week=2026-W47"' in page and "sandbox" in page and "week=2026-W46" in page


def test_preview_is_the_digest_html_with_a_script_free_policy(as_role, seeded):
    response = as_role("spokesperson").get("/digest/preview?week=2026-W47")
    assert response.status_code == 200 and "网络舆情周报" in response.text
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_bad_week_label_is_a_400_page(as_role, seeded):
    response = as_role("commentator").get("/digest?week=next-week")
    assert response.status_code == 400 and "周次格式不正确" in response.text
