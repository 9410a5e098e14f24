"""Spread of a rumour against its rebuttal: the event's posts still carrying the rumour and the posts
repeating the rebuttal, in the 24 h before publication, per day after it, and over 24 h and 72 h.

Pure: post points and times in, counts out; the database is read in `responder.effect_query`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from responder.effect import AFTER, BEFORE, PostPoint

DAY = timedelta(days=1)


@dataclass(frozen=True)
class SpreadRow:
    """Posts in [start, end): how many carried the rumour and how many repeated the rebuttal.

    `complete` is False while `end` is still ahead of now (the counts are so far).
    """

    name: str
    start: datetime
    end: datetime
    rumour: int
    rebuttal: int
    complete: bool


@dataclass(frozen=True)
class RumourSpread:
    """Both spreads around the rebuttal's publication, and the most engaged rumour posts after it."""

    published_at: datetime
    windows: list[SpreadRow]
    days: list[SpreadRow]
    rumour_posts: list[PostPoint]
    rebuttal_posts: list[PostPoint]


def _row(name: str, start: datetime, end: datetime, rumour: list[PostPoint], rebuttal: list[PostPoint],
         now: datetime) -> SpreadRow:
    def count(points: list[PostPoint]) -> int:
        return sum(1 for p in points if start <= p.at < end)

    return SpreadRow(name, start, end, count(rumour), count(rebuttal), end <= now)


def measure_spread(published_at: datetime, rumour: list[PostPoint], rebuttal: list[PostPoint], now: datetime,
                   days: int) -> RumourSpread:
    """Rumour and rebuttal posts as of `now` (later posts ignored): the 24 h before, the 24 h and 72 h after,
    and each of the first `days` days after publication (days not yet begun are left out)."""
    rumour = [p for p in rumour if p.at <= now]
    rebuttal = [p for p in rebuttal if p.at <= now]
    windows = [_row("发布前24小时", published_at - BEFORE, published_at, rumour, rebuttal, now)]
    windows += [_row(f"发布后{int(span.total_seconds() // 3600)}小时", published_at, published_at + span,
                     rumour, rebuttal, now) for span in AFTER]
    starts = [published_at + i * DAY for i in range(days)]
    daily = [_row(f"第{i + 1}天", start, start + DAY, rumour, rebuttal, now)
             for i, start in enumerate(starts) if start <= now]
    after = [p for p in rumour if p.at >= published_at]
    top = sorted(after, key=lambda p: (-p.engagement, p.id))[:3]
    return RumourSpread(published_at, windows, daily, top, sorted(rebuttal, key=lambda p: (p.at, p.id)))
