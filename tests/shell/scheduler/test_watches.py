"""Temporary watches on a frozen clock: a burst starts one, its rounds search the event's keywords on
the real-time sources and write the spread on the case, and it ends when the event cools."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from freezegun import freeze_time
from sqlalchemy import select

from yuqing.stages.crawl import CrawlReport, SourceReport
from tests.shell.scheduler.stepping import QueuedExecutor, SteppedScheduler
from yuqing.core.app import App
from yuqing.shell.scheduler import jobs
from yuqing.shell.scheduler.daemon import Daemon
from yuqing.shell.scheduler.plan import JobSpec
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case, Event, Post

START = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
ABUSE = "榆东区敬老院护工殴打老人的视频传开了，民政局到现在没有任何说法{}"
QUESTION = "@榆川民政 请问低保金每月几号发到卡上？"
STAGES = [JobSpec(job_id, job_id, body, IntervalTrigger(minutes=60, timezone=timezone.utc), 300)
          for job_id, body in (("crawl:fake", "fake_crawl"), ("analyze", "analyze"), ("open_cases", "open_cases"))]


def store(app: App, posts: list[tuple[str, datetime, str]], now: datetime) -> CrawlReport:
    """Store (text, published, platform) posts as a crawl would, fetched now."""
    with transaction(app.sessions) as session:
        for text, published, platform in posts:
            session.add(Post(dedup_key=f"{platform}:{text}", platform=platform, clean_text=text,
                             published_at=published, fetched_at=now, updated_at=now))
    return CrawlReport([SourceReport("fake", "ok", new_posts=len(posts))])


def burst(now: datetime) -> list[tuple[str, datetime, str]]:
    """A few posts over the morning, then a dozen in the last forty minutes on two platforms."""
    early = [(ABUSE.format(f"（{i}）"), now - timedelta(hours=8 - 2 * i), "weibo") for i in range(3)]
    late = [(ABUSE.format(f"，转{i}"), now - timedelta(minutes=40 - 3 * i), "tieba" if i % 2 else "weibo")
            for i in range(12)]
    return early + late


@pytest.fixture
def world(app, monkeypatch):
    """The crawl stores the queued batches; watch searches are recorded and may store a post."""
    crawls: list[list[tuple[str, datetime, str]]] = []
    searches: list[dict] = []
    found: dict[int, str] = {}

    def fake_crawl(app: App, now: datetime) -> CrawlReport:
        return store(app, crawls.pop(0) if crawls else [], now)

    def fake_search(app: App, source_keys, now=None, keywords=(), max_pages=0, **_):
        from yuqing.shell.scheduler.clock import utc_now

        at = utc_now()
        searches.append({"sources": list(source_keys), "keywords": list(keywords), "max_pages": max_pages, "at": at})
        text = found.pop(len(searches), None)
        return store(app, [(text, at, "weibo")] if text else [], at)

    monkeypatch.setitem(jobs.JOBS, "fake_crawl", fake_crawl)
    monkeypatch.setattr("yuqing.stages.crawl.run_crawl", fake_search)
    return crawls, searches, found


@pytest.fixture
def queued_daemon(app):
    """A stepped daemon whose jobs run after each pass over the due jobs, as in a thread pool (the
    watch ends its own job from a listener); stopped afterwards."""
    made: list[Daemon] = []

    def build() -> Daemon:
        daemon = Daemon(app, scheduler_cls=SteppedScheduler, executor_factory=lambda size: QueuedExecutor())
        made.append(daemon)
        return daemon

    yield build
    for daemon in made:
        daemon.stop()


def watched_events(daemon) -> list[int]:
    job = daemon.scheduler.get_job("watch")
    return list(job.args[1]) if job else []


def test_a_burst_is_watched_until_it_cools(queued_daemon, app, world):
    crawls, searches, found = world
    crawls.append(burst(START))
    found[2] = ABUSE.format("，又有人转了")  # the second search finds one more post: the event stays hot
    with freeze_time(START) as frozen:
        daemon = queued_daemon()
        daemon.start(STAGES)
        daemon.scheduler.modify_job("crawl:fake", next_run_time=START)
        for _ in range(4):
            daemon.scheduler.step()
        with app.sessions() as session:
            event = session.scalars(select(Event)).one()
        assert event.burst_score >= 3 and watched_events(daemon) == [event.id]
        ended = None
        for _ in range(90):
            frozen.tick(timedelta(minutes=1))
            for _ in range(3):
                daemon.scheduler.step()
            if not watched_events(daemon):
                ended = frozen()
                break
    newest = searches[1]["at"]
    assert ended is not None and timedelta(minutes=60) <= ended.replace(tzinfo=timezone.utc) - newest \
        <= timedelta(minutes=64), "the watch ends an hour after the last new post, at its next round"
    assert {tuple(s["sources"]) for s in searches} == {("weibo-search",)}
    assert all(s["keywords"] and set(s["keywords"]) <= set(event.keywords) and s["max_pages"] == 1 for s in searches)
    gaps = {b["at"] - a["at"] for a, b in zip(searches, searches[1:])}
    assert gaps == {timedelta(minutes=3)}, "the watch searches every watch.interval_minutes"
    with app.sessions() as session:
        case = session.scalars(select(Case).where(Case.event_id == event.id)).one()
        posts = session.scalars(select(Post).where(Post.event_id == event.id)).all()
    assert len(posts) == 16, "the post the watch found was analysed into the event"
    watch, spread = case.data["watch"], case.data["spread"]
    assert "降温" in watch["reason"] and watch["ended_at"]
    assert spread[0]["posts_last_hour"] >= 12 and spread[0]["platforms"] == ["tieba", "weibo"]
    assert 0 < spread[0]["negative_share"] <= 1 and spread[-1]["posts_last_hour"] <= 1
    assert len(spread) >= len(searches)


def test_a_calm_question_gets_no_watch(queued_daemon, app, world):
    crawls, searches, _ = world
    crawls.append([(QUESTION, START - timedelta(minutes=5), "weibo")])
    with freeze_time(START):
        daemon = queued_daemon()
        daemon.start(STAGES)
        daemon.scheduler.modify_job("crawl:fake", next_run_time=START)
        for _ in range(4):
            daemon.scheduler.step()
        assert watched_events(daemon) == [] and searches == []


def test_a_watch_survives_a_restart(queued_daemon, app, world):
    crawls, _, _ = world
    crawls.append(burst(START))
    with freeze_time(START):
        first = queued_daemon()
        first.start(STAGES)
        first.scheduler.modify_job("crawl:fake", next_run_time=START)
        for _ in range(3):
            first.scheduler.step()
        running = watched_events(first)
        first.stop()
        second = queued_daemon()
        second.start(STAGES)
        assert running and watched_events(second) == running


def test_hot_events_share_one_watch_and_leave_it_as_they_cool(queued_daemon, app, world):
    crawls, searches, found = world
    crawls.append(burst(START))
    found[11] = "白石县殡仪馆乱收费逼得家属去上访，榆川市民政局不闻不问，太让人寒心"  # a second hot event, 30 min in
    seen: list[list[int]] = []
    with freeze_time(START) as frozen:
        daemon = queued_daemon()
        daemon.start(STAGES)
        daemon.scheduler.modify_job("crawl:fake", next_run_time=START)
        for _ in range(120):
            for _ in range(3):
                daemon.scheduler.step()
            if not seen or seen[-1] != watched_events(daemon):
                seen.append(watched_events(daemon))
            if seen[-1] == [] and len(seen) > 1:
                break
            frozen.tick(timedelta(minutes=1))
    first, second = seen[1]
    assert seen == [[first], [first, second], [second], []], "the first cools first, then the second"
    words = {event: set(s["keywords"]) for event, s in ((first, searches[0]), (second, searches[-1]))}
    together = [s for s in searches if set(s["keywords"]) == words[first] | words[second]]
    assert len(together) >= 5, "while both are hot, each round is one search with the words of both"
