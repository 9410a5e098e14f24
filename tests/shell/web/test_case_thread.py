"""The case page of a comment under the bureau's own post shows its thread: the bureau's post, the
comment replied to, the replies beside it oldest first, each with author and time, numbers masked."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.shell.web.conftest import sqlite_url
from yuqing.core.storage.models import Case, CasePost, Post
from yuqing.shell.web.threads import case_threads


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The case page runs on SQLite."""
    return sqlite_url(tmp_path)


def _post(key: str, author: str, text: str, at: datetime, **extra) -> Post:
    return Post(dedup_key=f"weibo:{key}", platform="weibo", platform_id=key, url=f"https://m.example.test/{key}",
                clean_text=text, author=author, published_at=at, fetched_at=at, updated_at=at, **extra)


def _case(session, post: Post, now: datetime) -> int:
    case = Case(title=post.clean_text[:20], kind="complaint", level=3, platform="weibo", state="new",
                detected_at=now, created_at=now, updated_at=now, deadline_at=now + timedelta(hours=4))
    session.add(case)
    session.flush()
    session.add(CasePost(case_id=case.id, post_id=post.id, attached_at=now))
    return case.id


@pytest.fixture
def thread(desk_app, seeded, now):
    """The bureau's post with three comments; under the first, the bureau's reply and a citizen's;
    a case for the citizen's reply and one for a first-level comment."""
    at = now - timedelta(hours=6)
    with desk_app.sessions() as session:
        own = _post("5302", "榆川民政", "寒潮来临，流浪人员求助请拨打救助热线。", at, own=True, comments=4)
        session.add(own)
        session.flush()
        first = _post("comment:9001", "东湖街道老住户", "桥洞下有位老人，我电话 13812345678，身份证 110101199003071234",
                      at + timedelta(minutes=40), thread_post_id=own.id)
        early = _post("comment:9000", "榆川打工人", "转给家里老人看看。", at + timedelta(minutes=10), thread_post_id=own.id)
        late = _post("comment:9003", "热心网友", "去年打热线没人接。", at + timedelta(minutes=90), thread_post_id=own.id)
        session.add_all([first, early, late])
        session.flush()
        answer = _post("comment:9102", "榆川民政", "已通知救助站前往。", at + timedelta(minutes=80),
                       own=True, thread_post_id=own.id, thread_comment_id=first.id)
        citizen = _post("comment:9103", "东湖街道老住户", "救助站的人还没到，再打 0311-87654321 也没人接",
                        at + timedelta(minutes=120), thread_post_id=own.id, thread_comment_id=first.id)
        session.add_all([answer, citizen])
        session.flush()
        ids = {"reply": _case(session, citizen, now), "comment": _case(session, late, now),
               "plain": seeded.case_id}
        session.commit()
    return ids


def _section(page: str) -> str:
    found = re.search(r'<section class="panel" id="threads">(.*?)</section>', page, re.S)
    assert found, "the case page shows no thread"
    return found.group(1)[found.group(1).index('<div class="thread"'):]


def test_a_reply_shows_the_bureaus_post_the_comment_replied_to_and_the_replies_oldest_first(as_role, thread, now):
    section = _section(as_role("spokesperson").get(f"/cases/{thread['reply']}").text)
    assert section.index("本局原帖") < section.index("寒潮来临") < section.index("所回复的评论") < section.index("桥洞下有位老人")
    assert "榆川民政（本局）" in section and "东湖街道老住户" in section
    replies = section[section.index('class="thread-replies"'):]
    assert replies.index("已通知救助站前往") < replies.index("救助站的人还没到")
    assert "去年打热线没人接" not in section and "转给家里老人看看" not in section
    assert re.search(r'<li data-post="\d+" class="in-case">\s*<span class="author">东湖街道老住户', replies)
    for minutes in (0, 40, 80, 120):
        at = now - timedelta(hours=6) + timedelta(minutes=minutes)
        assert f"<time>{at.astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M}</time>" in section


def test_personal_numbers_are_masked_in_the_thread(as_role, thread):
    section = _section(as_role("spokesperson").get(f"/cases/{thread['reply']}").text)
    assert "13812345678" not in section and "138****5678" in section
    assert "110101199003071234" not in section and "110************234" in section
    assert "87654321" not in section and "0311-****4321" in section


def test_a_first_level_comment_shows_the_other_comments_under_the_post(as_role, thread):
    section = _section(as_role("spokesperson").get(f"/cases/{thread['comment']}").text)
    assert "所回复的评论" not in section
    order = [section.index(text) for text in ("转给家里老人看看", "桥洞下有位老人", "去年打热线没人接")]
    assert order == sorted(order)
    assert "已通知救助站前往" not in section


def test_a_post_outside_any_thread_shows_none(as_role, thread):
    assert 'id="threads"' not in as_role("spokesperson").get(f"/cases/{thread['plain']}").text


def test_a_long_thread_shows_its_newest_replies_and_every_one_of_the_case(desk_app, thread):
    with desk_app.sessions() as session:
        late = session.scalars(select(Post).where(Post.dedup_key == "weibo:comment:9003")).one()
        early = session.scalars(select(Post).where(Post.dedup_key == "weibo:comment:9000")).one()
        (shown,) = case_threads(session, [early], shown=1)
    assert [reply.text for reply in shown.replies] == [early.clean_text, late.clean_text]
    assert shown.hidden == 1 and [reply.in_case for reply in shown.replies] == [True, False]
