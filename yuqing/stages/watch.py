"""The watch stage: the database edge of temporary watches on hot events.

An event at `watch.min_level` or more severe, or bursting, is watched: every `watch.interval_minutes`
the keywords of all watched events are searched on the real-time sources in one crawl, and each
event's spread (new posts in the last hour, platforms, negative share) is written on its open case. The watch ends when the event cools: no new
post for `watch.cool_after_minutes`, or `watch.max_hours` after the event was first seen.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from responder.digest.volume import sentiment_label
from responder.states import FINISHED_STATES
from yuqing.core.config.sources import WatchConfig
from yuqing.core.storage.db import transaction
from yuqing.core.storage.case_data import case_data, update_case_data
from yuqing.core.storage.models import Assessment, Case, Event, Post

log = logging.getLogger(__name__)
MAX_POINTS = 500


@dataclass(frozen=True)
class Spread:
    """How far an event has spread at one moment."""

    at: str
    posts: int
    posts_last_hour: int
    platforms: list[str]
    negative_share: float


@dataclass
class EventWatch:
    """One watched event in one round: its spread, its keywords, and why it cooled (empty while hot)."""

    event_id: int
    cooled: str = ""
    spread: Spread | None = None
    keywords: list[str] = field(default_factory=list)


@dataclass
class WatchReport:
    """One watch round: each event's state, the ids of those that cooled, the search's crawl."""

    events: list[EventWatch] = field(default_factory=list)
    crawl: Any = None

    @property
    def cooled(self) -> list[int]:
        """Events that cooled this round (they leave the watch)."""
        return [seen.event_id for seen in self.events if seen.cooled]

    @property
    def keywords(self) -> list[str]:
        """The hot events' keywords, each once, the newest event's first."""
        hot = sorted((seen for seen in self.events if not seen.cooled), key=lambda seen: -seen.event_id)
        return list(dict.fromkeys(word for seen in hot for word in seen.keywords))

    @property
    def new_posts(self) -> int:
        """New posts the round's search stored."""
        return getattr(self.crawl, "new_posts", 0)

    @property
    def updated_posts(self) -> int:
        """Known posts the round's search found changed."""
        return getattr(self.crawl, "updated_posts", 0)


def events_to_watch(session: Session, config: WatchConfig, now: datetime) -> list[tuple[int, str]]:
    """(id, title) of events hot enough to watch and not yet cooled, oldest first."""
    hot = or_(Event.level <= config.min_level, Event.burst_score >= config.burst_score)
    recent = and_(Event.last_seen_at >= now - timedelta(minutes=config.cool_after_minutes),
                  Event.first_seen_at >= now - timedelta(hours=config.max_hours))
    return [(row.id, row.title) for row in session.execute(select(Event.id, Event.title).where(hot, recent)
                                                           .order_by(Event.id))]


def cooling(event: Event | None, config: WatchConfig, now: datetime) -> str:
    """Why the watch on this event should end (Chinese), or '' while it is still hot."""
    if event is None:
        return "事件已不存在"
    if now - event.last_seen_at >= timedelta(minutes=config.cool_after_minutes):
        return f"{config.cool_after_minutes} 分钟内没有新帖，事件已降温"
    if now - event.first_seen_at >= timedelta(hours=config.max_hours):
        return f"盯防已达 {config.max_hours:g} 小时上限"
    return ""


def spread_of(session: Session, event_id: int, now: datetime) -> Spread:
    """The event's posts, those of the last hour, its platforms and its share of negative posts."""
    rows = session.execute(select(Post.platform, Post.when.label("when"), sentiment_label())
                           .outerjoin(Assessment, Assessment.post_id == Post.id)
                           .where(Post.event_id == event_id)).all()
    hour_ago = now - timedelta(hours=1)
    labelled = [row[2] for row in rows if row[2] != "none"]
    return Spread(at=now.isoformat(), posts=len(rows),
                  posts_last_hour=sum(row.when >= hour_ago for row in rows),
                  platforms=sorted({row.platform for row in rows}),
                  negative_share=round(sum(v == "negative" for v in labelled) / max(len(labelled), 1), 3))


def record_on_case(session: Session, event_id: int, spread: Spread, keywords: list[str], cooled: str,
                   now: datetime) -> int | None:
    """Append the spread to the event's open case, with the watch's start or end; returns the case id."""
    case = session.scalar(select(Case).where(Case.event_id == event_id, Case.state.not_in(FINISHED_STATES))
                          .order_by(Case.id.desc()).limit(1))
    if case is None:
        return None
    data = case_data(case)
    watch = {"started_at": now.isoformat(), **data.get("watch", {}), "keywords": keywords}
    if cooled:
        watch.update(ended_at=now.isoformat(), reason=cooled)
    update_case_data(case, watch=watch, spread=[*data.get("spread", []), asdict(spread)][-MAX_POINTS:])
    return case.id


def observe(sessions, config: WatchConfig, event_id: int, now: datetime) -> EventWatch:
    """Read one event, decide whether it cooled and write its spread on its case."""
    with transaction(sessions) as session:
        event = session.get(Event, event_id)
        seen = EventWatch(event_id, cooling(event, config, now))
        if event is None:
            return seen
        seen.keywords = list(event.keywords or [])[:config.max_keywords]
        seen.spread = spread_of(session, event_id, now)
        record_on_case(session, event_id, seen.spread, seen.keywords, seen.cooled, now)
    return seen


def _observe_or_skip(sessions, config: WatchConfig, event_id: int, now: datetime) -> EventWatch:
    try:
        return observe(sessions, config, event_id, now)
    except StaleDataError:  # the case changed under us (intake, the desk): the next round records again
        log.info("case of event %s changed during the watch round; spread not recorded", event_id)
        with sessions() as session:
            event = session.get(Event, event_id)
            return EventWatch(event_id, cooling(event, config, now),
                              keywords=list(event.keywords or [])[:config.max_keywords] if event else [])


def watch_round(app, now: datetime, event_ids: list[int]) -> WatchReport:
    """One round of the watch: record each event's spread, then search the keywords of those still
    hot (at most `watch.max_words`, the newest events' first) on the real-time sources in one crawl,
    `watch.max_pages` pages each (a search also stops at the first post already seen)."""
    from yuqing.stages.crawl import run_crawl

    config = app.settings.sources.watch
    report = WatchReport([_observe_or_skip(app.sessions, config, event_id, now) for event_id in event_ids])
    keys = [s.key for s in app.settings.sources.sources if s.enabled and s.is_realtime]
    words = report.keywords[:config.max_words]
    if keys and words:
        report.crawl = run_crawl(app, keys, keywords=words, max_pages=config.max_pages)
    return report
