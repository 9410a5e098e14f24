"""Mention volume for the week against the week before: totals, platforms, sentiment, days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from responder.digest.labels import SENTIMENTS, platform_name
from responder.digest.period import Week
from yuqing.core.config import Settings
from yuqing.core.storage.models import Assessment, Post


@dataclass
class PlatformRow:
    """Mentions on one platform."""

    key: str
    label: str
    count: int = 0
    previous: int = 0
    sentiment: dict[str, int] = field(default_factory=dict)


@dataclass
class DayRow:
    """Mentions on one local day, with the same weekday of the week before."""

    date: str
    weekday: str
    count: int = 0
    negative: int = 0
    previous: int = 0


@dataclass
class VolumeFigures:
    """Mention volume of the week and its change."""

    total: int = 0
    previous_total: int = 0
    change: float | None = None
    sentiment: dict[str, int] = field(default_factory=dict)
    negative_share: float | None = None
    previous_negative_share: float | None = None
    platforms: list[PlatformRow] = field(default_factory=list)
    days: list[DayRow] = field(default_factory=list)
    topics: dict[str, dict[str, int]] = field(default_factory=dict)


WEEKDAYS = "一二三四五六日"


def sentiment_label() -> ColumnElement[str]:
    """The effective sentiment label of a post: a person's override first, 'none' when unanalysed."""
    override, label = func.nullif(Assessment.label_override, ""), func.nullif(Assessment.sentiment_label, "")
    return func.coalesce(override, label, literal("none"))


def posted_at() -> ColumnElement[datetime]:
    """When a post appeared, in SQL: `Post.when`, the one definition (publication time, else fetch time)."""
    return cast(ColumnElement[datetime], Post.when)


def posted_between(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Posts that appeared in [start, end); written so both halves can use the published_at index."""
    dated = and_(Post.published_at >= start, Post.published_at < end)
    return or_(dated, and_(Post.published_at.is_(None), Post.fetched_at >= start, Post.fetched_at < end))


def day_bucket(column, bounds: list[datetime]) -> ColumnElement[int]:
    """The index of the day in `bounds` that a timestamp falls in (bounds are day starts)."""
    return case(*[(column < bound, index) for index, bound in enumerate(bounds[1:])], else_=len(bounds) - 1)


def _rows(session: Session, week: Week):
    previous = week.shifted(-1)
    bounds = previous.day_bounds[:-1] + week.day_bounds
    label, bucket = sentiment_label(), day_bucket(posted_at(), bounds)
    topic = func.coalesce(Assessment.topic, "")
    query = (
        select(bucket, Post.platform, label, topic, func.count())
        .select_from(Post)
        .outerjoin(Assessment, Assessment.post_id == Post.id)
        .where(posted_between(previous.start, week.end), Post.own.is_(False))
        .group_by(bucket, Post.platform, label, topic)
    )
    return session.execute(query).all()


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


def change(current: int, previous: int) -> float | None:
    """Relative change from the previous value, or None when it was zero."""
    return (current - previous) / previous if previous else None


def _add_current(figures: VolumeFigures, row: PlatformRow, day: DayRow, label: str, count: int) -> None:
    figures.total += count
    figures.sentiment[label] = figures.sentiment.get(label, 0) + count
    row.count += count
    row.sentiment[label] = row.sentiment.get(label, 0) + count
    day.count += count
    day.negative += count if label == "negative" else 0


def _add_previous(figures: VolumeFigures, row: PlatformRow, day: DayRow, label: str, count: int,
                  previous: dict[str, int]) -> None:
    figures.previous_total += count
    row.previous += count
    day.previous += count
    previous[label] = previous.get(label, 0) + count


def _add_topic(topics: dict[str, dict[str, int]], topic: str, current: bool, label: str, count: int) -> None:
    if not topic:
        return
    tally = topics.setdefault(topic, {"count": 0, "negative": 0, "previous": 0, "previous_negative": 0})
    prefix = "" if current else "previous_"
    tally["count" if current else "previous"] += count
    tally[prefix + "negative"] += count if label == "negative" else 0


def negative_share(counts: dict[str, int]) -> float | None:
    """Negative posts as a share of the analysed ones."""
    return share(counts.get("negative", 0), sum(v for k, v in counts.items() if k != "none"))


def gather_volume(session: Session, settings: Settings, week: Week) -> VolumeFigures:
    """Mention totals, platform and sentiment splits and the daily trend for the week."""
    figures = VolumeFigures(days=[DayRow(d.isoformat(), f"周{WEEKDAYS[i]}") for i, d in enumerate(week.days)])
    platforms: dict[str, PlatformRow] = {}
    previous: dict[str, int] = {}
    for bucket, platform, label, topic, count in _rows(session, week):
        row = platforms.setdefault(platform, PlatformRow(platform, platform_name(settings, platform)))
        if bucket >= 7:
            _add_current(figures, row, figures.days[bucket - 7], label, count)
        else:
            _add_previous(figures, row, figures.days[bucket], label, count, previous)
        _add_topic(figures.topics, topic, bucket >= 7, label, count)
    figures.change = change(figures.total, figures.previous_total)
    figures.negative_share = negative_share(figures.sentiment)
    figures.previous_negative_share = negative_share(previous)
    figures.sentiment = {k: figures.sentiment.get(k, 0) for k in SENTIMENTS if k != "none" or figures.sentiment.get(k)}
    figures.platforms = sorted(platforms.values(), key=lambda r: (-r.count, -r.previous, r.key))
    return figures
