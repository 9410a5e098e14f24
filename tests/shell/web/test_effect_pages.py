"""The response effect on the case page and the dashboard: the figures the shared reader computes."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from responder.effect_query import case_effect
from tests.shell.web.conftest import act, csrf_from, sign_in, sqlite_url
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, Case, Post


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The reader is tested on both backends by the responder's tests; the pages run on SQLite."""
    return sqlite_url(tmp_path)


def _publish(client, case_id: int) -> None:
    sign_in(client, "commentator")
    act(client, case_id, "claim")
    act(client, case_id, "submit", text="您好，低保可向户籍所在地街道提出申请。")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    sign_in(client, "spokesperson")
    act(client, case_id, "approve")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    sign_in(client, "commentator")
    act(client, case_id, "record_published", url="https://weibo.example/reply/1")


def _move_response_back(desk_app, case_id: int, hours: float) -> None:
    """Pretend the reply was published `hours` ago, and add an engaged negative post one hour after it."""
    with transaction(desk_app.sessions) as session:
        case = session.get(Case, case_id)
        row = next(a for a in case.actions if a.action == "record_published")
        row.at -= timedelta(hours=hours)
        case.first_response_at = row.at
        at = row.at + timedelta(hours=1)
        post = Post(dedup_key="effect-web:1", platform="weibo", url="https://weibo.example/angry/1",
                    clean_text="回复了也没用，还是没人来", published_at=at, fetched_at=at, updated_at=at,
                    event_id=case.event_id, likes=321)
        session.add(post)
        session.flush()
        session.add(Assessment(post_id=post.id, sentiment=0.05, sentiment_label="negative", kind="complaint",
                               topic="subsistence", level=3, assessed_at=at))


def test_case_page_and_dashboard_show_the_effect_with_pending_windows_and_the_driving_post(client, seeded, desk_app, now):
    sign_in(client, "commentator")
    assert 'id="effect"' not in client.get(f"/cases/{seeded.case_id}").text
    _publish(client, seeded.case_id)
    _move_response_back(desk_app, seeded.case_id, 30)
    with desk_app.sessions() as session:
        effect = case_effect(session, seeded.case_id, now)
    lines = effect.lines()
    assert lines[1].posts == 1 and lines[1].negative == 1 and lines[2].change.startswith("待定")
    page = client.get(f"/cases/{seeded.case_id}").text
    section = re.search(r'<section class="panel" id="effect">(.*?)</section>', page, re.S).group(1)
    for index, line in enumerate(lines):
        row = re.search(rf'<tr data-window="{index}">(.*?)</tr>', section, re.S).group(1)
        assert f"<td>{line.name}</td><td>{line.posts}</td><td>{line.negative}</td><td>{line.share}</td>" in row
        assert (line.change or "—") in row
    assert "回复了也没用" in section and "互动 321" in section
    board = client.get("/dashboard").text
    row = re.search(rf'<tr data-case="{seeded.case_id}">(.*?)</tr>', board, re.S).group(1)
    assert f"{lines[1].share}（1 条，负面 1）" in row and "待定（回应后72小时未满" in row and "（互动 321）" in row
    api = client.get("/api/dashboard").json()
    [listed] = [e for e in api["effects"] if e["case_id"] == seeded.case_id]
    assert [(w["posts"], w["negative"], w["complete"]) for w in listed["windows"]] == [
        (effect.before.posts, effect.before.negative, True), (1, 1, True), (effect.after[1].posts, effect.after[1].negative, False)]
    assert listed["windows"][2]["change"] is None and listed["driver_post_ids"] == [p.id for p in effect.drivers]
