"""The analysis stage on a real (SQLite/PostgreSQL) database and a frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sqlalchemy import func, select

from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, EngagementSnapshot, Event, Post
from yuqing.stages.analyze import analyze_pending, event_title

ABUSE = "榆东区敬老院护工殴打老人的视频传开了，民政局到现在没有任何说法{}"
QUESTION = "@榆川民政 请问低保金每月几号发到卡上？"


def add_post(session, key: str, text: str, at, platform: str = "weibo", **extra) -> Post:
    post = Post(dedup_key=key, platform=platform, clean_text=text, published_at=at, fetched_at=at,
                updated_at=at, **extra)
    session.add(post)
    return post


def test_posts_get_assessments_events_and_owners(sessions, settings, now):
    with transaction(sessions) as session:
        add_post(session, "q1", QUESTION, now - timedelta(hours=2))
        for i in range(3):
            add_post(session, f"a{i}", ABUSE.format(i), now - timedelta(hours=6 - i))
    report = analyze_pending(sessions, settings, now)
    assert report.analyzed == 4 and report.created_assessments == 4 and report.new_events == 2
    with sessions() as session:
        question = session.scalars(select(Post).where(Post.dedup_key == "q1")).one()
        assert question.assessment.kind == "consultation"
        assert question.assessment.topic == "subsistence" and question.assessment.owner == "relief-chief"
        assert question.analyzed_at == now and question.assessment.reasons
        abuse = session.scalars(select(Event).where(Event.post_count == 3)).one()
        assert abuse.title == ABUSE.format(0) and abuse.summary == ABUSE.format(0)
        assert abuse.topic == "elderly-care" and "护工" in abuse.keywords
        assert abuse.level == 3 and any("敏感词" in reason for reason in abuse.reasons)


def test_runs_are_incremental_and_a_burst_raises_the_level(sessions, settings, now):
    with transaction(sessions) as session:
        for i in range(3):
            add_post(session, f"a{i}", ABUSE.format(i), now - timedelta(hours=8 - 2 * i))
    analyze_pending(sessions, settings, now)
    assert analyze_pending(sessions, settings, now).analyzed == 0
    later = now + timedelta(minutes=50)
    with transaction(sessions) as session:
        for i in range(24):
            add_post(session, f"b{i}", ABUSE.format(f"，转{i}"), later - timedelta(minutes=40 - i),
                     platform="weibo" if i % 2 else "tieba")
    report = analyze_pending(sessions, settings, later)
    assert report.analyzed == 24 and report.new_events == 0
    with sessions() as session:
        event = session.scalars(select(Event)).one()
        assert event.post_count == 27 and event.platform_count == 2 and event.level == 2
        assert event.burst_score >= 6 and session.scalar(select(func.min(Assessment.level))) == 2


def test_a_changed_post_is_reanalysed_in_place_and_staff_labels_stay(sessions, settings, now):
    with transaction(sessions) as session:
        post = add_post(session, "q1", QUESTION, now - timedelta(hours=1))
    analyze_pending(sessions, settings, now)
    with transaction(sessions) as session:
        post = session.scalars(select(Post)).one()
        post.assessment.label_override = "negative"
        post.reposts, post.updated_at = 500, now + timedelta(minutes=5)
        session.add(EngagementSnapshot(post=post, taken_at=now, reposts=0))
    report = analyze_pending(sessions, settings, now + timedelta(minutes=10))
    assert report.analyzed == 1 and report.updated_assessments == 1
    with sessions() as session:
        row = session.scalars(select(Assessment)).one()
        assert row.label_override == "negative" and row.hotness > 0
        assert session.scalar(select(func.count()).select_from(Assessment)) == 1


@pytest.mark.parametrize(
    "title, text, expected",
    [
        ("", "咨询养老院收费标准\n想咨询一下收费", "咨询养老院收费标准"),
        ("关于临时救助申请无人受理", "我于十月初提交了申请\n至今没有答复", "关于临时救助申请无人受理"),
        ("", "\n\n  低保金没发  \n", "低保金没发"),
    ],
)
def test_event_titles_are_one_line(title, text, expected):
    assert event_title(Post(title=title, clean_text=text)) == expected
