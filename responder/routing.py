"""Routing: the topic's owner, else the least-loaded commentator under the cap; deputies cover."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from responder.people import cover_for
from responder.states import FINISHED_STATES
from yuqing.core.config import Settings
from yuqing.core.storage.models import Case


def open_load(session: Session) -> dict[str, int]:
    """Open cases per owner."""
    rows = session.execute(
        select(Case.owner, func.count()).where(Case.state.not_in(FINISHED_STATES)).group_by(Case.owner)
    )
    return {owner: count for owner, count in rows if owner}


def topic_owner(settings: Settings, topic: str) -> str:
    """The commentator configured for a topic (topics.yaml, else staff topics), or ''."""
    for item in settings.topics.topics:
        if item.key == topic:
            return item.owner
    for person in settings.with_role("commentator"):
        if topic and topic in person.topics:
            return person.key
    return ""


def _has_room(settings: Settings, key: str, load: dict[str, int]) -> bool:
    return load.get(key, 0) < settings.member(key).max_open_cases


def least_loaded(settings: Settings, load: dict[str, int], exclude: Iterable[str] = ()) -> str:
    """The present commentator with the fewest open cases and room under the cap, or ''."""
    skip = set(exclude)
    candidates = [
        p.key for p in settings.with_role("commentator")
        if not p.away and p.key not in skip and _has_room(settings, p.key, load)
    ]
    return min(candidates, key=lambda key: load.get(key, 0), default="")


def route(session: Session, settings: Settings, topic: str, exclude: Iterable[str] = ()) -> str:
    """The staff key a new or re-offered case goes to, or '' when nobody has room."""
    load = open_load(session)
    skip = set(exclude)
    owner = cover_for(settings, topic_owner(settings, topic))
    if owner and owner not in skip and _has_room(settings, owner, load):
        return owner
    return least_loaded(settings, load, skip)
