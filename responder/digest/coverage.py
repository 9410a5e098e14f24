"""Coverage: which sources were watched all week and which were down, so quiet is not read as blind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from responder.digest.caserows import local_text
from responder.digest.period import Week
from responder.digest.volume import posted_between
from yuqing.core.config import Settings
from yuqing.core.storage.models import Post, Source, SourceRun

GOOD_RUNS = ("ok", "partial", "running")  # crawler.health: ok and partial runs count as a success
SILENCE_FACTOR = 3


@dataclass
class Outage:
    """A stretch of the week when a source was not being read."""

    start: str
    end: str
    hours: float
    reason: str


@dataclass
class SourceCoverage:
    """One source's week: runs, posts found, and the hours it was down."""

    key: str
    name: str
    kind: str
    enabled: bool
    healthy_now: bool
    last_error: str
    runs: int = 0
    failed_runs: int = 0
    posts: int = 0
    down_hours: float = 0.0
    outages: list[Outage] = field(default_factory=list)
    blind: bool = False
    verdict: str = ""


@dataclass
class Run:
    """The part of a SourceRun that coverage needs."""

    at: datetime
    good: bool
    reason: str


def _runs(session: Session, week: Week, cutoff: datetime) -> dict[int, list[Run]]:
    """Each source's runs in the week, preceded by its last run before the week."""
    before = (
        select(SourceRun.source_id, func.max(SourceRun.started_at).label("at"))
        .where(SourceRun.started_at < week.start).group_by(SourceRun.source_id).subquery()
    )
    columns = (SourceRun.source_id, SourceRun.started_at, SourceRun.status, SourceRun.error_reason)
    prior = select(*columns).join(before, (before.c.source_id == SourceRun.source_id) & (before.c.at == SourceRun.started_at))
    inside = select(*columns).where(SourceRun.started_at >= week.start, SourceRun.started_at < cutoff)
    runs: dict[int, list[Run]] = {}
    for source_id, at, status, reason in session.execute(prior.union_all(inside).order_by(SourceRun.started_at)):
        runs.setdefault(source_id, []).append(Run(at, status in GOOD_RUNS, reason or status))
    return runs


def _posts(session: Session, week: Week) -> dict[int, int]:
    query = (
        select(Post.source_id, func.count())
        .where(posted_between(week.start, week.end), Post.source_id.is_not(None))
        .group_by(Post.source_id)
    )
    return {key: count for key, count in session.execute(query)}


def outages(runs: list[Run], start: datetime, cutoff: datetime, interval: timedelta) -> list[tuple[datetime, datetime, str]]:
    """Stretches in [start, cutoff) after a failed run, or with no run for SILENCE_FACTOR intervals."""
    spans: list[tuple[datetime, datetime, str]] = []
    previous: Run | None = None
    for run in [*runs, Run(cutoff, True, "")]:
        since = max(previous.at if previous else start, start)
        if previous is not None and not previous.good:
            spans.append((since, run.at, previous.reason))
        elif run.at - (previous.at if previous else start) > interval * SILENCE_FACTOR:
            spans.append((max(since, (previous.at + interval) if previous else start), run.at, "未运行"))
        previous = run
    return _merge([(a, b, why) for a, b, why in spans if b > a])


def _merge(spans: list[tuple[datetime, datetime, str]]) -> list[tuple[datetime, datetime, str]]:
    merged: list[tuple[datetime, datetime, str]] = []
    for start, end, reason in spans:
        if merged and merged[-1][1] >= start:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, reason))
    return merged


@dataclass
class CoverageFigures:
    """All sources' coverage for the week."""

    sources: list[SourceCoverage] = field(default_factory=list)
    healthy: int = 0
    interrupted: int = 0
    blind: int = 0


def _verdict(item: SourceCoverage) -> str:
    if not item.enabled:
        return "已停用"
    if item.blind:
        return "整周未能采集（盲区）"
    if item.down_hours > 0:
        return f"中断 {item.down_hours:.1f} 小时，期间信息可能缺失"
    return "采集正常，本周无相关信息" if item.posts == 0 else "采集正常"


def _source_coverage(source: Source, runs: list[Run], posts: int, week: Week, cutoff: datetime,
                     interval: timedelta) -> SourceCoverage:
    item = SourceCoverage(source.key, source.name, source.kind, source.enabled, source.healthy, source.last_error)
    inside = [r for r in runs if r.at >= week.start]
    item.runs, item.failed_runs, item.posts = len(inside), sum(not r.good for r in inside), posts
    if source.enabled:
        for start, end, reason in outages(runs, week.start, cutoff, interval):
            item.outages.append(Outage(local_text(start, week.tz), local_text(end, week.tz),
                                       round((end - start).total_seconds() / 3600, 1), reason[:200]))
        item.down_hours = round(sum(o.hours for o in item.outages), 1)
    item.blind = source.enabled and not any(r.good for r in inside)
    item.verdict = _verdict(item)
    return item


def _never_run(settings: Settings, known: set[str], window_hours: float) -> list[SourceCoverage]:
    """Configured, enabled sources that have no record at all: blind for the whole week."""
    missing = []
    for config in settings.sources.sources:
        if config.enabled and config.key not in known:
            item = SourceCoverage(config.key, config.name, config.kind, True, False, "从未运行",
                                  down_hours=round(window_hours, 1), blind=True)
            item.verdict = _verdict(item)
            missing.append(item)
    return missing


def gather_coverage(session: Session, settings: Settings, week: Week, now: datetime) -> CoverageFigures:
    """Every known source with its runs, posts, outages and a one-line verdict."""
    cutoff = min(week.end, now)
    intervals = {s.key: timedelta(minutes=s.interval_minutes) for s in settings.sources.sources}
    runs, posts = _runs(session, week, cutoff), _posts(session, week)
    figures = CoverageFigures()
    for source in session.scalars(select(Source).order_by(Source.key)):
        interval = intervals.get(source.key, timedelta(minutes=30))
        item = _source_coverage(source, runs.get(source.id, []), posts.get(source.id, 0), week, cutoff, interval)
        figures.sources.append(item)
    window_hours = (cutoff - week.start).total_seconds() / 3600
    figures.sources.extend(_never_run(settings, {s.key for s in figures.sources}, window_hours))
    figures.blind = sum(1 for s in figures.sources if s.blind)
    figures.interrupted = sum(1 for s in figures.sources if s.enabled and 0 < s.down_hours) - figures.blind
    figures.healthy = sum(1 for s in figures.sources if s.enabled and s.down_hours == 0)
    return figures
