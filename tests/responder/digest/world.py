"""A week of monitoring made with the models directly: sources and runs, posts, events, cases.

The reporting week is 2026-W47 (Monday 16 – Sunday 22 November, Asia/Shanghai); the digest is
built on Monday 23 November at 09:30 local time. Personal numbers appear in titles and texts so
tests can check they are masked.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


from responder import deadlines
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, Case, Draft, Event, Post, Source, SourceRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = "2026-W47"
PHONE, ID_CARD, LANDLINE = "13812345678", "110101199001011234", "0571-87654321"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Shanghai time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class World:
    """What the fixture put in the database, for tests to compare against."""

    events: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)


class WorldBuilder:
    """Adds rows on one session; every helper returns the new row."""

    def __init__(self, session, settings):
        self.session, self.settings, self.serial = session, settings, itertools.count(1)

    def source(self, key: str, kind: str, name: str, **values) -> Source:
        row = Source(key=key, kind=kind, name=name, **values)
        self.session.add(row)
        self.session.flush()
        return row

    def runs(self, source: Source, first: datetime, last: datetime, every: timedelta,
             failing: tuple[datetime, datetime] | None = None) -> None:
        at = first
        while at <= last:
            failed = failing is not None and failing[0] <= at < failing[1]
            self.session.add(SourceRun(
                source_id=source.id, started_at=at, finished_at=at + timedelta(minutes=1),
                status="failed" if failed else "ok", items=0 if failed else 3,
                error_reason="HTTP 418 需要验证" if failed else "",
            ))
            at += every

    def event(self, title: str, summary: str, level: int, topic: str, day: int) -> Event:
        row = Event(title=title, summary=summary, topic=topic, level=level, first_seen_at=local(day, 8),
                    last_seen_at=local(day + 2, 20), updated_at=local(day + 2, 20), post_count=0)
        self.session.add(row)
        self.session.flush()
        return row

    def post(self, at: datetime, platform: str, source: Source | None, sentiment: str | None, *,
             event: Event | None = None, text: str = "民政局的事情", engagement: int = 0, topic: str = "") -> Post:
        n = next(self.serial)
        row = Post(dedup_key=f"{platform}:{n}", platform=platform, platform_id=str(n), url=f"https://{platform}.example/p/{n}",
                   title=text, clean_text=text, published_at=at, fetched_at=at, updated_at=at,
                   source_id=source.id if source else None, event_id=event.id if event else None,
                   reposts=engagement, comments=0, likes=0)
        self.session.add(row)
        self.session.flush()
        if sentiment:
            self.session.add(Assessment(post_id=row.id, sentiment=0.5, sentiment_label=sentiment, kind="complaint",
                                        topic=topic, level=4, assessed_at=at))
        return row

    def case(self, title: str, *, kind: str, level: int, topic: str, owner: str, detected: datetime,
             state: str, responses: tuple[datetime, ...] = (), closed: datetime | None = None,
             event: Event | None = None, url: str = "") -> Case:
        row = Case(title=title, kind=kind, level=level, topic=topic, platform="weibo", state=state, owner=owner,
                   detected_at=detected, created_at=detected, updated_at=detected, closed_at=closed,
                   first_response_at=responses[0] if responses else None, event_id=event.id if event else None,
                   published_url=url, data={})
        items = deadlines.plan(self.settings, kind, False, detected)
        for item, done in zip(items, responses):
            item["done_at"] = done.isoformat()
        deadlines.store(row, items)
        self.session.add(row)
        self.session.flush()
        return row


def _sources(b: WorldBuilder) -> dict[str, Source]:
    cutoff = local(23, 0)
    weibo = b.source("weibo-search", "weibo", "微博搜索", healthy=True)
    b.runs(weibo, local(15, 23, 45), cutoff - timedelta(minutes=1), timedelta(minutes=15),
           failing=(local(18, 14), local(18, 20)))
    news = b.source("city-news", "feed", "榆川新闻网", healthy=True)
    b.runs(news, local(15, 23, 30), cutoff - timedelta(minutes=1), timedelta(hours=1))
    forum = b.source("city-forum", "html", "榆川论坛·民生", healthy=True)
    b.runs(forum, local(15, 23, 50), cutoff - timedelta(minutes=1), timedelta(minutes=30))
    tieba = b.source("tieba-yuchuan", "tieba", "榆川吧", healthy=False, last_error="登录失效")
    b.runs(tieba, local(14, 10), local(14, 10), timedelta(hours=1))
    return {"weibo": weibo, "news": news, "forum": forum}


def _posts(b: WorldBuilder, s: dict[str, Source]) -> dict[str, Event]:
    relief = b.event(f"低保金发放延迟，群众来电{PHONE}反映", f"有人晒出身份证号{ID_CARD}称低保金未到账。", 2, "subsistence", 16)
    care = b.event("养老院收费上涨引发讨论", "多名家属在论坛反映收费上涨。", 3, "elderly-care", 17)
    marriage = b.event("婚姻登记预约难", "预约名额紧张。", 4, "marriage", 19)
    for i in range(8):
        b.post(local(16 + i // 3, 9 + i), "weibo", s["weibo"], "negative" if i < 6 else "neutral", event=relief,
               text=f"低保金还没到账，电话{PHONE}没人接", engagement=10 * (i + 1), topic="subsistence")
    for i, label in enumerate(("negative", "negative", "positive")):
        b.post(local(17, 10 + i), "html", s["forum"], label, event=care, text="养老院又涨价了", topic="elderly-care")
    for i in range(2):
        b.post(local(19, 15 + i), "weibo", s["weibo"], "neutral", event=marriage, text="婚姻登记约不上", topic="marriage")
    for day, label in ((20, "positive"), (21, "positive"), (22, "neutral"), (22, None)):
        b.post(local(day, 12), "weibo", s["weibo"], label)
    b.post(local(16, 0, 30), "html", s["forum"], "neutral")
    b.post(local(15, 23, 59), "weibo", s["weibo"], "negative")
    b.post(local(23, 0, 30), "weibo", s["weibo"], "negative")
    for i in range(8):
        b.post(local(9 + i % 7, 12), "weibo", s["weibo"], "negative" if i < 2 else "neutral")
    return {"relief": relief, "care": care, "marriage": marriage}


def _cases(b: WorldBuilder, events: dict[str, Event]) -> dict[str, int]:
    rows = {
        "relief": b.case("低保金发放延迟", kind="complaint", level=2, topic="subsistence", owner="relief-chief",
                         detected=local(16, 10), state="closed", responses=(local(16, 20),), closed=local(18, 17),
                         event=events["relief"], url="https://weibo.example/mzj/1"),
        "care": b.case("养老院收费上涨", kind="complaint", level=3, topic="elderly-care", owner="elderly-chief",
                       detected=local(17, 9), state="assigned", event=events["care"]),
        "consult": b.case(f"咨询低保申请条件，联系电话{PHONE}", kind="consultation", level=4, topic="subsistence",
                          owner="relief-chief", detected=local(18, 11), state="closed",
                          responses=(local(18, 15), local(19, 10)), closed=local(19, 12), url="https://board.example/1"),
        "late": b.case("结婚登记排队太久", kind="complaint", level=3, topic="marriage", owner="affairs-chief",
                       detected=local(12, 9), state="responded", responses=(local(16, 11),)),
        "dismissed": b.case("无关广告", kind="complaint", level=4, topic="marriage", owner="affairs-chief",
                            detected=local(20, 8), state="no_response", closed=local(20, 9)),
        "old": b.case("上周已办结", kind="complaint", level=4, topic="funeral", owner="affairs-chief",
                      detected=local(10, 8), state="closed", responses=(local(10, 12),), closed=local(11, 9)),
    }
    b.session.add(Draft(case_id=rows["consult"].id, version=1, text=f"您好，可拨打{LANDLINE}咨询低保申请。",
                        author="relief-chief", status="approved", created_at=local(18, 14)))
    return {key: row.id for key, row in rows.items()}


def build_world(sessions, settings) -> World:
    """Put the W47 week in the database."""
    with transaction(sessions) as session:
        builder = WorldBuilder(session, settings)
        events = _posts(builder, _sources(builder))
        return World({k: e.id for k, e in events.items()}, _cases(builder, events))
