"""The response effect (回应后负面占比变化): pure figures on plain posts, and the one database reader."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from responder.effect import Effect, PostPoint, measure, percent_points
from responder.effect_query import case_effect, case_effects
from responder.intake import open_cases
from responder.workflow import apply
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, Post

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
REPLY = "您好，您反映的低保金发放问题我局已收到，正在核实办理，结果将及时告知。"
_ids = itertools.count(1)


def point(hours: float, label: str, engagement: int = 0) -> PostPoint:
    """A post `hours` after T0 (the response) with a label and engagement."""
    return PostPoint(next(_ids), T0 + timedelta(hours=hours), label, engagement, f"帖子{hours}", "", "weibo")


MIXED = [
    point(-30, "negative"),             # older than the 24 h before: not counted
    point(-20, "negative", 5), point(-10, "negative", 7), point(-5, "positive"), point(-1, "none"),
    point(2, "negative", 40), point(5, "neutral"), point(23.5, "neutral"),
    point(30, "negative", 90), point(50, "positive"), point(71, "negative", 10),
    point(80, "negative", 500),         # after the 72 h: not counted
]


def test_negative_share_before_and_after_with_the_drivers_when_every_window_is_complete():
    effect = measure(T0, MIXED, T0 + timedelta(hours=100))
    before, day, three = effect.before, *effect.after
    assert (before.posts, before.negative, before.analysed, before.complete) == (4, 2, 3, True)
    assert (day.posts, day.negative, day.analysed, day.complete) == (3, 1, 3, True)
    assert (three.posts, three.negative, three.analysed, three.complete) == (6, 3, 6, True)
    assert effect.change(day) == pytest.approx(1 / 3 - 2 / 3)
    assert effect.change(three) == pytest.approx(0.5 - 2 / 3)
    assert [effect.verdict(w) for w in effect.after] == ["下降", "下降"]
    assert percent_points(effect.change(day)) == "-33.3 个百分点"
    assert [p.engagement for p in effect.drivers] == [90, 40, 10]


def test_a_window_not_yet_passed_is_pending_and_posts_after_now_are_ignored():
    now = T0 + timedelta(hours=30, minutes=1)
    effect = measure(T0, MIXED, now)
    day, three = effect.after
    assert day.complete and effect.verdict(day) == "下降"
    assert (three.posts, three.negative, three.complete) == (4, 2, False)
    assert effect.change(three) is None and effect.verdict(three) == "待满"
    assert [p.engagement for p in effect.drivers] == [90, 40]
    assert [p.engagement for p in measure(T0, MIXED, T0 + timedelta(hours=6)).drivers] == [40]


def test_an_event_with_no_posts_before_has_no_change_but_keeps_its_counts():
    effect = measure(T0, [point(1, "negative", 3), point(2, "positive")], T0 + timedelta(hours=80))
    assert (effect.before.posts, effect.before.share) == (0, None)
    assert (effect.after[0].posts, effect.after[0].share) == (2, 0.5)
    assert effect.change(effect.after[0]) is None
    assert [effect.verdict(w) for w in effect.after] == ["无前期数据", "无前期数据"]
    assert percent_points(None) == ""


def test_a_rise_and_a_flat_share_are_told_apart():
    rise = measure(T0, [point(-2, "neutral"), point(3, "negative")], T0 + timedelta(hours=72))
    flat = measure(T0, [point(-2, "negative"), point(3, "negative")], T0 + timedelta(hours=72))
    assert [rise.verdict(w) for w in rise.after] == ["上升", "上升"]
    assert [flat.verdict(w) for w in flat.after] == ["持平", "持平"]


def effect_post(sessions, event_id: int | None, at: datetime, label: str, likes: int = 0, own: bool = False) -> int:
    """A post of the event at `at` with a sentiment label ('none': not analysed); returns its id."""
    n = next(_ids)
    with transaction(sessions) as session:
        post = Post(dedup_key=f"effect:{n}", platform="weibo", platform_id=str(n), url=f"https://weibo.example/e/{n}",
                    clean_text=f"关于低保金的帖子{n}", fetched_at=at, updated_at=at, published_at=at,
                    event_id=event_id, likes=likes, own=own)
        session.add(post)
        session.flush()
        if label != "none":
            session.add(Assessment(post_id=post.id, sentiment=0.1, sentiment_label=label, kind="complaint",
                                   topic="subsistence", level=3, hotness=10.0, assessed_at=at, department="民政"))
        return post.id


def answer(sessions, settings, case_id: int, at: datetime) -> None:
    """Claim, reply, approve and record the case's reply as published at `at`."""
    with transaction(sessions) as session:
        for action, actor, kw in (("claim", "relief-chief", {}), ("submit", "relief-chief", {"text": REPLY}),
                                  ("approve", "spokesperson", {}),
                                  ("record_published", "relief-chief", {"url": "https://weibo.example/reply/1"})):
            apply(session, case_id, action, actor, at, settings=settings, **kw)


def test_the_database_reader_takes_the_response_time_from_the_audit_and_the_event_posts(sessions, settings, factory):
    t = factory.now
    event = factory.event()
    factory.post("低保金三个月没发了，民政局管不管", event_id=event, minutes=-600)
    case_id = open_cases(sessions, settings, t).created[0]
    responded = t + timedelta(hours=2)
    effect_post(sessions, event, responded - timedelta(hours=3), "negative", likes=4)
    effect_post(sessions, event, responded - timedelta(hours=2), "positive")
    effect_post(sessions, event, responded + timedelta(hours=1), "negative", likes=30)
    effect_post(sessions, event, responded + timedelta(hours=4), "neutral")
    effect_post(sessions, event, responded + timedelta(hours=5), "positive")
    effect_post(sessions, event, responded + timedelta(hours=6), "negative", likes=99, own=True)
    effect_post(sessions, None, responded + timedelta(hours=6), "negative", likes=77)
    with sessions() as session:
        assert case_effect(session, case_id, responded) is None
    answer(sessions, settings, case_id, responded)
    with sessions() as session:
        effect = case_effect(session, case_id, responded + timedelta(hours=25))
        assert case_effects(session, [case_id, case_id + 999], responded)[case_id].responded_at == responded
    assert isinstance(effect, Effect) and effect.responded_at == responded
    before, day, three = effect.before, *effect.after
    assert (before.posts, before.negative, before.analysed) == (3, 2, 3)
    assert (day.posts, day.negative, day.analysed, day.complete) == (3, 1, 3, True)
    assert effect.change(day) == pytest.approx(1 / 3 - 2 / 3)
    assert (three.posts, three.complete, effect.verdict(three)) == (3, False, "待满")
    assert [(p.engagement, p.platform) for p in effect.drivers] == [(30, "weibo")]


def test_the_printed_lines_say_the_change_pending_or_missing():
    done = measure(T0, MIXED, T0 + timedelta(hours=100)).lines()
    assert [(x.name, x.posts, x.negative, x.share, x.change) for x in done] == [
        ("回应前24小时", 4, 2, "66.7%", ""),
        ("回应后24小时", 3, 1, "33.3%", "-33.3 个百分点（下降）"),
        ("回应后72小时", 6, 3, "50.0%", "-16.7 个百分点（下降）"),
    ]
    pending = measure(T0, MIXED, T0 + timedelta(hours=30)).lines()
    assert pending[2].change == "待定（回应后72小时未满，截至目前）" and pending[2].posts == 4
    empty = measure(T0, [], T0 + timedelta(hours=1)).lines()
    assert [(x.posts, x.share, x.change) for x in empty] == [
        (0, "—", ""), (0, "—", "待定（回应后24小时未满，截至目前）"), (0, "—", "待定（回应后72小时未满，截至目前）")]
    assert measure(T0, [point(1, "neutral")], T0 + timedelta(hours=24)).lines()[1].change == "无前期数据"
