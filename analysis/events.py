"""Events: posts about one matter within a time window (near-copies and shared keywords),
with volume, growth and a burst score against the event's own recent baseline."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import jieba.analyse


@dataclass(frozen=True)
class EventRules:
    """How posts join events (config ``analysis.events``)."""

    window: timedelta = timedelta(hours=72)
    min_shared_keywords: int = 2
    min_overlap: float = 0.25
    keywords_per_post: int = 8
    keywords_per_event: int = 12
    baseline_hours: int = 12


@dataclass(frozen=True)
class EventState:
    """What an open event looks like to the matcher."""

    event_id: int
    keywords: tuple[str, ...]
    last_seen: datetime
    post_ids: frozenset[int] = frozenset()
    topic: str = ""


@dataclass(frozen=True)
class Assignment:
    """The event a post joins (None: it starts a new one) and why."""

    event_id: int | None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EventFigures:
    """Volume and growth of an event at ``now``."""

    volume: int
    last_hour: int
    baseline_mean: float
    growth: float
    burst_score: float
    reasons: list[str] = field(default_factory=list)


def post_keywords(text: str, ignore: Iterable[str] = (), limit: int = 8) -> tuple[str, ...]:
    """The text's most telling words (TF-IDF), without names that every post shares."""
    skip = set(ignore)
    words = jieba.analyse.extract_tags(text, topK=limit + len(skip))
    return tuple(word for word in words if word not in skip and not word.isdigit())[:limit]


def merge_keywords(posts_keywords: Iterable[Sequence[str]], limit: int = 12) -> tuple[str, ...]:
    """An event's keywords: the ones most of its posts share."""
    counts = Counter(word for keywords in posts_keywords for word in keywords)
    return tuple(word for word, _ in counts.most_common(limit))


def representative(posts_keywords: Sequence[Sequence[str]]) -> int:
    """The index of the post that best stands for the event: the one whose keywords the other
    posts share most (the earliest on ties), so a matter many posts discuss names the event
    rather than whichever post came first."""
    counts = Counter(word for keywords in posts_keywords for word in set(keywords))
    scores = [sum(counts[word] - 1 for word in set(keywords)) for keywords in posts_keywords]
    return max(range(len(scores)), key=lambda i: (scores[i], -i)) if scores else 0


def _overlap(first: Sequence[str], second: Sequence[str]) -> tuple[list[str], float]:
    shared = [word for word in first if word in set(second)]
    smaller = min(len(first), len(second)) or 1
    return shared, len(shared) / smaller


def assign_event(post_id: int, at: datetime, keywords: Sequence[str], duplicate_of: int | None,
                 events: Sequence[EventState], rules: EventRules = EventRules()) -> Assignment:
    """The open event this post belongs to: its near-copy's event, else the best keyword match."""
    live = [event for event in events if at - event.last_seen <= rules.window]
    for event in live:
        if duplicate_of is not None and duplicate_of in event.post_ids:
            return Assignment(event.event_id, [f"与帖子 {duplicate_of} 近似重复，归入同一事件"])
    best: tuple[float, EventState, list[str]] | None = None
    for event in live:
        shared, overlap = _overlap(keywords, event.keywords)
        if len(shared) >= rules.min_shared_keywords and overlap >= rules.min_overlap:
            if best is None or overlap > best[0]:
                best = (overlap, event, shared)
    if best is None:
        return Assignment(None, ["未找到相近事件，新建事件"])
    return Assignment(best[1].event_id, [f"共享关键词 {'、'.join(best[2])}，归入同一事件"])


def hourly_counts(times: Iterable[datetime], now: datetime, hours: int) -> list[int]:
    """Posts per hour for the ``hours`` full hours before the last hour, oldest first."""
    counts = [0] * hours
    for at in times:
        age = (now - at).total_seconds() / 3600
        if 1 <= age < hours + 1:
            counts[hours - int(age)] += 1
    return counts


def event_figures(times: Sequence[datetime], now: datetime, rules: EventRules = EventRules()) -> EventFigures:
    """Volume, last-hour count, growth and burst score (last hour against the previous hours)."""
    past = [at for at in times if at <= now]
    last_hour = sum(1 for at in past if (now - at) < timedelta(hours=1))
    baseline = hourly_counts(past, now, rules.baseline_hours)
    mean = sum(baseline) / len(baseline)
    spread = math.sqrt(sum((count - mean) ** 2 for count in baseline) / len(baseline))
    burst = (last_hour - mean) / max(spread, math.sqrt(mean), 1.0)
    growth = (last_hour - mean) / max(mean, 1.0)
    reasons = [f"事件共 {len(past)} 条；近 1 小时 {last_hour} 条，前 {rules.baseline_hours} 小时平均每小时 "
               f"{mean:.1f} 条（突发度 {burst:.1f}）"]
    return EventFigures(len(past), last_hour, mean, round(growth, 2), round(burst, 2), reasons)
