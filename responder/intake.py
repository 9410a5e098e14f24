"""Intake: analysed posts at or above the thresholds become cases, one per event, routed and clocked."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from responder import alerts, deadlines, routing
from responder.audit import record
from responder.people import approvers_for
from responder.polish import polish
from responder.privacy import headline
from responder.states import FINISHED_STATES, SYSTEM
from responder.suggest import suggest
from responder.workflow import apply, change_level
from yuqing.core.config import Settings
from yuqing.core.storage.db import transaction
from yuqing.core.storage.case_data import CaseData
from yuqing.core.storage.models import Assessment, Case, CasePost, Event, Post

log = logging.getLogger(__name__)
KIND_PRIORITY = ("rumour", "complaint", "consultation", "request", "praise", "other")


@dataclass
class IntakeReport:
    """What one intake run did."""

    created: list[int] = field(default_factory=list)
    attached: int = 0
    raised: list[int] = field(default_factory=list)
    unrouted: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def qualifies(settings: Settings) -> ColumnElement[bool]:
    """SQL condition: an assessment at or above any configured threshold."""
    t = settings.response.thresholds
    actionable = [Assessment.actionable.is_(True)] if t.actionable else []
    return or_(Assessment.level <= t.max_level, Assessment.sentiment < t.negative_below,
               Assessment.label_override == "negative", Assessment.hotness >= t.min_hotness,
               Assessment.kind.in_(t.kinds), *actionable)


def pending_groups(session: Session, settings: Settings, limit: int = 500) -> dict[tuple[str, int], list[int]]:
    """Qualifying posts not yet on any case, grouped by event (or alone when they have none)."""
    query = (select(Post.id, Post.event_id).join(Assessment, Assessment.post_id == Post.id)
             .outerjoin(CasePost, CasePost.post_id == Post.id)
             .where(CasePost.id.is_(None), Post.duplicate_of_id.is_(None), Post.own.is_(False), qualifies(settings))
             .order_by(Post.id).limit(limit))
    groups: dict[tuple[str, int], list[int]] = {}
    for post_id, event_id in session.execute(query):
        groups.setdefault(("event", event_id) if event_id else ("post", post_id), []).append(post_id)
    return groups


def _kind(posts: Sequence[Post]) -> str:
    kinds = {p.assessment.kind for p in posts}
    return next((k for k in KIND_PRIORITY if k in kinds), "other")


def department_of(posts: Sequence[Post]) -> str:
    """Whose business the posts are: 民政 when any is the bureau's, else the commonest other department."""
    named = Counter(p.assessment.department for p in posts if p.assessment and p.assessment.department)
    return "民政" if "民政" in named else (named.most_common(1)[0][0] if named else "")


def _level(posts: Sequence[Post], event: Event | None) -> int:
    return min([p.assessment.level for p in posts] + ([event.level] if event else []))


def _text(case_title: str, posts: Sequence[Post]) -> str:
    return " ".join([case_title, *(f"{p.title} {p.clean_text}" for p in posts[:5])])


def _attach(session: Session, case: Case, posts: Sequence[Post], now: datetime) -> None:
    for post in posts:
        session.add(CasePost(case=case, post_id=post.id, attached_at=now))
    record(session, case, "attach", SYSTEM, now, from_state=case.state, to_state=case.state,
           data={"posts": [p.id for p in posts], "platforms": sorted({p.platform for p in posts})})


def _new_case(settings: Settings, posts: Sequence[Post], event: Event | None, now: datetime) -> Case:
    """A case for these posts: the most severe level, the most pressing kind, clocks from first detection."""
    first = posts[0]
    topic = (event.topic if event else "") or next((p.assessment.topic for p in posts if p.assessment.topic), "")
    level, kind = _level(posts, event), _kind(posts)
    published = [p.published_at for p in posts if p.published_at]
    case = Case(event_id=event.id if event else None, kind=kind, level=level, topic=topic, platform=first.platform,
                department=department_of(posts),
                title=headline((event.title if event else "") or first.title, first.clean_text), state="new",
                owner="", approvers=approvers_for(settings, level, topic), created_at=now, updated_at=now,
                emergency=deadlines.is_emergency(settings, level, topic), detected_at=min(p.fetched_at for p in posts),
                data=CaseData(first_published_at=min(published).isoformat() if published else None))
    deadlines.store(case, deadlines.plan(settings, kind, case.emergency, case.detected_at))
    return case


def _create(session: Session, settings: Settings, posts: Sequence[Post], event: Event | None, now: datetime,
            report: IntakeReport) -> None:
    case = _new_case(settings, posts, event, now)
    session.add(case)
    transfer = case.department not in ("", "民政")
    record(session, case, "open", SYSTEM, now, from_state="", to_state="new",
           reason=f"属{case.department}业务，建议转办{case.department}" if transfer else "",
           data={"level": case.level, "kind": case.kind, "department": case.department})
    _attach(session, case, posts, now)
    session.flush()
    alerts.new_case(session, settings, case, now)
    owner = routing.route(session, settings, case.topic)
    if owner:
        apply(session, case.id, "assign", SYSTEM, now, to=owner, settings=settings, reason="按主题/负载自动分办")
    else:
        alerts.unrouted(session, settings, case, now)
        report.unrouted.append(case.id)
    refresh_suggestions(settings, case, posts)
    report.created.append(case.id)


def refresh_suggestions(settings: Settings, case: Case, posts: Sequence[Post] | None = None) -> None:
    """Rebuild the case's suggested replies from its posts and the current replies.yaml."""
    posts = posts if posts is not None else [link.post for link in case.posts]
    drafts = suggest(settings, case.kind, _text(case.title, posts), topic=case.topic, owner=case.owner,
                     platform=case.platform)
    case.suggestions = [polish(settings, item, os.environ) for item in drafts]


def _join(session: Session, settings: Settings, case: Case, posts: Sequence[Post], event: Event | None,
          now: datetime, report: IntakeReport) -> None:
    _attach(session, case, posts, now)
    case.updated_at = now
    report.attached += len(posts)
    session.flush()
    refresh_suggestions(settings, case)
    level = _level(posts, event)
    if level < case.level:
        change_level(session, settings, case, level, SYSTEM, now, "同一事件的新帖使级别上升", action="level_rise")
        report.raised.append(case.id)


def _take(session: Session, settings: Settings, key: tuple[str, int], post_ids: list[int], now: datetime,
          report: IntakeReport) -> None:
    posts = list(session.scalars(select(Post).where(Post.id.in_(post_ids)).order_by(Post.fetched_at, Post.id)))
    event = session.get(Event, key[1]) if key[0] == "event" else None
    case = None
    if event is not None:
        case = session.scalar(select(Case).where(Case.event_id == event.id, Case.state.not_in(FINISHED_STATES))
                              .order_by(Case.id.desc()).limit(1))
    if case is None:
        _create(session, settings, posts, event, now, report)
    else:
        _join(session, settings, case, posts, event, now, report)


def follow_event_levels(session: Session, settings: Settings, now: datetime, report: IntakeReport) -> None:
    """Raise open cases whose event the analysis has since graded more severe."""
    rows = session.execute(select(Case, Event.level).join(Event, Case.event_id == Event.id)
                           .where(Case.state.not_in(FINISHED_STATES), Event.level < Case.level))
    for case, level in rows:
        change_level(session, settings, case, level, SYSTEM, now, "事件级别上升", action="level_rise")
        report.raised.append(case.id)


def open_cases(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> IntakeReport:
    """Open or update cases for every qualifying post not yet on a case; one transaction per event.

    A failing event is rolled back and reported; its posts stay unattached and are retried next run.
    """
    report = IntakeReport()
    with transaction(sessions) as session:
        follow_event_levels(session, settings, now, report)
    with sessions() as session:
        groups = pending_groups(session, settings)
    for key, post_ids in groups.items():
        try:
            with transaction(sessions) as session:
                _take(session, settings, key, post_ids, now, report)
        except IntegrityError:
            log.info("posts %s were taken by a concurrent intake run", post_ids)
        except Exception as exc:  # one bad event must not block the others; its posts stay pending
            log.exception("intake of posts %s failed; they will be retried", post_ids)
            report.errors.append(f"帖子 {post_ids}: {type(exc).__name__}: {exc}")
    return report
