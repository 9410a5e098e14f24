"""Every figure of a special report (专报), read from the database for one event."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from responder.confirm import tracking
from responder.revisits import SATISFACTION_LABELS
from responder.states import action_label, level_label, state_label
from yuqing.core.config import Settings
from yuqing.core.display import local_time, sentiment_name
from yuqing.core.storage.models import Case, Event, Post

KEY_POSTS = 8
HOURLY_UP_TO = timedelta(hours=72)


@dataclass
class Bucket:
    """Posts in one hour (or day) of the event's spread."""

    label: str
    posts: int
    negative: int


@dataclass
class PlatformRow:
    """One platform's share of the event."""

    label: str
    posts: int
    negative: int
    engagement: int


@dataclass
class KeyPost:
    """A post that drove the event: most engagement first."""

    id: int
    time: str
    platform: str
    author: str
    text: str
    sentiment: str
    engagement: int
    url: str


@dataclass
class ActionRow:
    """One thing the bureau did about the event, from a case's audit trail."""

    case_id: int
    time: str
    actor: str
    action: str
    detail: str


@dataclass
class ReportFigures:
    """The report's content: plain data the HTML and Word renderers share."""

    event_id: int
    title: str
    bureau: str
    generated: str
    level: int
    level_name: str
    first_seen: str
    last_seen: str
    posts: int
    negative: int
    engagement: int
    hotness: float
    platforms: list[PlatformRow]
    buckets: list[Bucket]
    bucket_unit: str
    key_posts: list[KeyPost]
    reasons: list[str]
    cases: list[str]
    actions: list[ActionRow]
    next_steps: list[str] = field(default_factory=list)


def _label(post: Post) -> str:
    return post.assessment.effective_label if post.assessment else ""


def _engagement(post: Post) -> int:
    return int(post.reposts + post.comments + post.likes)


def spread(posts: list[Post], tz: ZoneInfo) -> tuple[list[Bucket], str]:
    """Posts per hour over the event (per day when it ran longer than 72 hours), negative ones apart."""
    if not posts:
        return [], "小时"
    first, last = min(p.when for p in posts), max(p.when for p in posts)
    hourly = last - first <= HOURLY_UP_TO
    step, unit, fmt = (timedelta(hours=1), "小时", "%m-%d %H时") if hourly else (timedelta(days=1), "日", "%m-%d")
    start = first.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    start = start if hourly else start.replace(hour=0)
    counts: Counter[int] = Counter()
    negative: Counter[int] = Counter()
    for post in posts:
        index = int((post.when.astimezone(tz) - start) / step)
        counts[index] += 1
        negative[index] += _label(post) == "negative"
    return [Bucket((start + i * step).strftime(fmt), counts[i], negative[i]) for i in range(max(counts) + 1)], unit


def platform_rows(settings: Settings, posts: list[Post]) -> list[PlatformRow]:
    """Posts, negative posts and engagement per platform, most posts first."""
    rows: dict[str, PlatformRow] = {}
    for post in posts:
        label = settings.digest.platform_labels.get(post.platform, post.platform or "其他")
        row = rows.setdefault(label, PlatformRow(label, 0, 0, 0))
        row.posts += 1
        row.negative += _label(post) == "negative"
        row.engagement += _engagement(post)
    return sorted(rows.values(), key=lambda r: (-r.posts, r.label))


def key_posts(settings: Settings, posts: list[Post], tz: ZoneInfo) -> list[KeyPost]:
    """The most engaged posts (earliest first among equals)."""
    ranked = sorted(posts, key=lambda p: (-_engagement(p), p.when, p.id))[:KEY_POSTS]
    return [KeyPost(p.id, local_time(p.when, tz), settings.digest.platform_labels.get(p.platform, p.platform),
                    p.author or "匿名", p.clean_text[:200], sentiment_name(_label(p)), _engagement(p), p.url)
            for p in ranked]


def _detail(data: dict, reason: str, names: dict[str, str]) -> str:
    parts = [reason] if reason else []
    for key, label in (("url", "链接"), ("to", "交给"), ("label", "满意度"), ("method", "方式")):
        value = data.get(key)
        if value and isinstance(value, str):
            parts.append(f"{label}：{names.get(value, value)}")
    return "；".join(parts)


def actions(settings: Settings, cases: list[Case], tz: ZoneInfo) -> list[ActionRow]:
    """Every audit row of the event's cases in time order, except automatic reminders."""
    rows = [(a.at, a.id, case.id, a) for case in cases for a in case.actions if a.action != "remind"]
    names = {p.key: p.name for p in settings.staff.members}
    return [ActionRow(case_id, local_time(at, tz), names.get(a.actor, "系统" if a.actor == "system" else a.actor),
                      action_label(a.action), _detail(a.data or {}, a.reason, names))
            for at, _, case_id, a in sorted(rows, key=lambda r: (r[0], r[1]))]


def case_lines(settings: Settings, cases: list[Case], tz: ZoneInfo) -> list[str]:
    """One line per case: state, owner, clocks, publication, confirmation and 回访."""
    names = {p.key: p.name for p in settings.staff.members}
    lines = []
    for case in cases:
        seen = tracking(case).get("seen_at")
        revisit = next((r for r in reversed(case.revisits) if r.done_at), None)
        lines.append("；".join(part for part in (
            f"工单 #{case.id}「{state_label(case.state)}」，负责人 {names.get(case.owner, case.owner) or '未分派'}",
            f"下一时限 {local_time(case.deadline_at, tz)}（{case.clock}）" if case.deadline_at else "",
            f"首次回应 {local_time(case.first_response_at, tz)}" if case.first_response_at else "尚未回应",
            f"回复已于 {local_time(datetime.fromisoformat(seen), tz)} 在发布链接上确认" if seen else "",
            f"回访 {SATISFACTION_LABELS.get(revisit.satisfaction, '')}" if revisit else "",
        ) if part))
    return lines


def load_event(session: Session, event_id: int) -> tuple[Event | None, list[Post], list[Case]]:
    """The event, its posts (near-copies and the bureau's own posts left out) and its cases."""
    event = session.get(Event, event_id)
    if event is None:
        return None, [], []
    posts = list(session.scalars(select(Post).options(selectinload(Post.assessment)).where(
        Post.event_id == event_id, Post.duplicate_of_id.is_(None), Post.own.is_(False)).order_by(Post.id)))
    cases = list(session.scalars(select(Case).options(selectinload(Case.actions), selectinload(Case.revisits))
                                 .where(Case.event_id == event_id).order_by(Case.id)))
    return event, posts, cases


def gather(settings: Settings, event: Event, posts: list[Post], cases: list[Case], now: datetime) -> ReportFigures:
    """The report's figures as of `now` (the level is the most severe of the event and its cases)."""
    tz = ZoneInfo(settings.app.timezone)
    level = min([event.level, *(c.level for c in cases)])
    buckets, unit = spread(posts, tz)
    return ReportFigures(
        event.id, event.title, settings.bureau.name, local_time(now, tz), level, level_label(level),
        local_time(min((p.when for p in posts), default=None), tz), local_time(max((p.when for p in posts), default=None), tz),
        len(posts), sum(_label(p) == "negative" for p in posts), sum(map(_engagement, posts)),
        round(event.hotness, 1), platform_rows(settings, posts), buckets, unit, key_posts(settings, posts, tz),
        [str(r.get("text", r)) if isinstance(r, dict) else str(r) for r in event.reasons or []],
        case_lines(settings, cases, tz), actions(settings, cases, tz))
