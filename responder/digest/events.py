"""The week's top events: level, summary, spread, handling state and links."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, desc, func, select
from sqlalchemy.orm import Session

from responder.digest.caserows import local_text
from responder.digest.period import Week
from responder.digest.volume import posted_between, sentiment_label
from responder.links import safe_url
from responder.privacy import headline
from responder.states import level_label, state_label
from yuqing.core.config import Settings
from yuqing.core.storage.models import Assessment, Case, Event, Post

LINKS_PER_EVENT = 3


@dataclass
class Link:
    """A post that carried the event, most engaged first."""

    title: str
    url: str
    platform: str
    engagement: int


@dataclass
class EventFigure:
    """One event as the digest shows it."""

    id: int
    title: str
    summary: str
    level: int
    level_name: str
    posts: int
    platforms: int
    negative: int
    engagement: int
    first_seen: str
    last_seen: str
    state: str = "未立案"
    case_id: int | None = None
    links: list[Link] = field(default_factory=list)


def _ranked(session: Session, week: Week, limit: int):
    engagement = func.sum(Post.reposts + Post.comments + Post.likes)
    count = func.count(Post.id)
    negative = func.sum(case((sentiment_label() == "negative", 1), else_=0))
    query = (
        select(Post.event_id, count, func.count(func.distinct(Post.platform)), negative, engagement)
        .select_from(Post)
        .outerjoin(Assessment, Assessment.post_id == Post.id)
        .join(Event, Event.id == Post.event_id)
        .where(posted_between(week.start, week.end))
        .group_by(Post.event_id, Event.level)
        .order_by(Event.level, desc(count), Post.event_id)
        .limit(limit)
    )
    return session.execute(query).all()


def _links(session: Session, week: Week, event_ids: list[int]) -> dict[int, list[Link]]:
    engagement = Post.reposts + Post.comments + Post.likes
    rank = func.row_number().over(partition_by=Post.event_id, order_by=(desc(engagement), Post.id)).label("rank")
    inner = (
        select(Post.event_id, Post.title, Post.clean_text, Post.url, Post.platform, engagement.label("eng"), rank)
        .where(Post.event_id.in_(event_ids), posted_between(week.start, week.end))
        .subquery()
    )
    links: dict[int, list[Link]] = {}
    for row in session.execute(select(inner).where(inner.c.rank <= LINKS_PER_EVENT).order_by(inner.c.event_id, inner.c.rank)):
        title = headline(row.title, row.clean_text)
        links.setdefault(row.event_id, []).append(Link(title, safe_url(row.url), row.platform, int(row.eng or 0)))
    return links


def _cases(session: Session, event_ids: list[int]) -> dict[int, tuple[int, str, int]]:
    """The newest case of each event: id, state and its (possibly hand-set) level."""
    query = select(Case.event_id, Case.id, Case.state, Case.level).where(Case.event_id.in_(event_ids)).order_by(Case.id)
    return {row.event_id: (row.id, row.state, row.level) for row in session.execute(query)}


def top_events(session: Session, settings: Settings, week: Week) -> list[EventFigure]:
    """The most severe and most discussed events with posts in the week."""
    ranked = _ranked(session, week, settings.digest.top_events)
    ids = [row[0] for row in ranked]
    if not ids:
        return []
    events = {e.id: e for e in session.scalars(select(Event).where(Event.id.in_(ids)))}
    links, cases = _links(session, week, ids), _cases(session, ids)
    figures = []
    for event_id, posts, platforms, negative, engagement in ranked:
        figures.append(_figure(events[event_id], week, posts, platforms, int(negative or 0), int(engagement or 0)))
        figures[-1].links = links.get(event_id, [])
        if event_id in cases:
            _attach_case(figures[-1], *cases[event_id])
    return figures


def _attach_case(figure: EventFigure, case_id: int, state: str, level: int) -> None:
    figure.case_id, figure.state = case_id, state_label(state)
    figure.level, figure.level_name = level, level_label(level)


def _figure(event: Event, week: Week, posts: int, platforms: int, negative: int, engagement: int) -> EventFigure:
    return EventFigure(
        event.id, event.title, event.summary, event.level, level_label(event.level),
        posts, platforms, negative, engagement, local_text(event.first_seen_at, week.tz),
        local_text(event.last_seen_at, week.tz),
    )
