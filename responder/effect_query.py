"""The one place the response effect reads the database: answered cases' response times and their event's
posts; for a rumour case also the posts repeating its published rebuttal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from responder.effect import AFTER, BEFORE, Effect, PostPoint, measure
from responder.privacy import headline
from responder.rumour import is_rebuttal
from responder.rumour_spread import RumourSpread, measure_spread
from responder.sighting import reply_share
from yuqing.core.config import Settings
from yuqing.core.storage.models import Assessment, CaseAction, CasePost, Case, Post


def response_times(session: Session, case_ids: Iterable[int]) -> dict[int, datetime]:
    """When each answered case's reply was first recorded as published (from its audit rows)."""
    ids = list(case_ids)
    if not ids:
        return {}
    query = (select(CaseAction.case_id, func.min(CaseAction.at))
             .where(CaseAction.case_id.in_(ids), CaseAction.action == "record_published")
             .group_by(CaseAction.case_id))
    return {case_id: at for case_id, at in session.execute(query)}


def _points(session: Session, case: Case, start: datetime, end: datetime) -> list[PostPoint]:
    # imported here: the digest package imports this module while it initialises
    from responder.digest.volume import posted_at, posted_between, sentiment_label

    attached = select(CasePost.post_id).where(CasePost.case_id == case.id)
    own = Post.id.in_(attached) if case.event_id is None else or_(Post.event_id == case.event_id, Post.id.in_(attached))
    query = (select(Post.id, posted_at(), sentiment_label(), Post.reposts + Post.comments + Post.likes,
                    Post.title, Post.clean_text, Post.url, Post.platform)
             .select_from(Post).outerjoin(Assessment, Assessment.post_id == Post.id)
             .where(own, Post.own.is_(False), posted_between(start, end)))
    return [PostPoint(pid, at, label, int(eng or 0), headline(title, text), url, platform)
            for pid, at, label, eng, title, text, url, platform in session.execute(query)]


def case_effects(session: Session, case_ids: Iterable[int], now: datetime) -> dict[int, Effect]:
    """The response effect of every answered case among `case_ids`, as of `now` (unanswered ones are absent)."""
    effects = {}
    for case_id, at in response_times(session, case_ids).items():
        case = session.get(Case, case_id)
        posts = _points(session, case, at - BEFORE, at + AFTER[-1])
        effects[case_id] = measure(at, posts, now)
    return effects


def case_effect(session: Session, case_id: int, now: datetime) -> Effect | None:
    """The response effect of one case as of `now`, or None when it has not been answered."""
    return case_effects(session, [case_id], now).get(case_id)


def _repeats(session: Session, rebuttal: str, start: datetime, end: datetime, min_share: float) -> list[PostPoint]:
    """Posts by others in [start, end) carrying at least `min_share` of the rebuttal's sentences."""
    from responder.digest.volume import posted_at, posted_between

    query = (select(Post.id, posted_at(), Post.reposts + Post.comments + Post.likes, Post.title, Post.clean_text,
                    Post.url, Post.platform)
             .where(Post.own.is_(False), posted_between(start, end)))
    return [PostPoint(pid, at, "none", int(eng or 0), headline(title, text), url, platform)
            for pid, at, eng, title, text, url, platform in session.execute(query)
            if reply_share(text, rebuttal) >= min_share]


def rumour_spread(session: Session, settings: Settings, case_id: int, now: datetime) -> RumourSpread | None:
    """The rumour's and the rebuttal's spread for a rumour case whose rebuttal was published, as of `now`
    (None otherwise): the event's posts not repeating the rebuttal against the posts that do."""
    case = session.get(Case, case_id)
    published = response_times(session, [case_id]).get(case_id)
    rebuttal = next((d for d in reversed(case.drafts) if d.status == "published" and is_rebuttal(d)), None) \
        if case is not None and case.kind == "rumour" else None
    if rebuttal is None or published is None:
        return None
    days = settings.response.rumour.track_days
    end = published + max(AFTER[-1], timedelta(days=days))
    repeats = _repeats(session, rebuttal.text, published, end, settings.response.confirm.min_share)
    repeated = {p.id for p in repeats}
    rumour = [p for p in _points(session, case, published - BEFORE, end) if p.id not in repeated]
    return measure_spread(published, rumour, repeats, now, days)
