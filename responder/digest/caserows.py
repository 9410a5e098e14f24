"""The week's cases as rows: every case open at some time during the week, with its clocks at the week's end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from responder import deadlines
from responder.digest.labels import platform_name, staff_name
from responder.digest.period import Week
from responder.clocks import case_metrics
from responder.links import safe_url
from responder.people import section_of
from responder.states import level_label, state_label
from yuqing.core.config import Settings
from yuqing.core.display import kind_name, local_time
from yuqing.core.storage.models import Case



@dataclass
class CaseRow:
    """One case as the digest shows it; times are local text, durations in hours."""

    id: int
    title: str
    kind: str
    kind_name: str
    level: int
    level_name: str
    platform: str
    owner: str
    owner_name: str
    section: str
    state: str
    state_name: str
    detected: str
    first_response: str
    closed: str
    deadline: str
    url: str
    opened_in_week: bool
    responded_in_week: bool
    closed_in_week: bool
    open_at_end: bool
    response_hours: float | None
    close_hours: float | None
    on_time: bool | None
    overdue_hours: float | None


def local_text(value: datetime | None, tz: ZoneInfo) -> str:
    """A short local timestamp such as 11-17 14:05, or empty (the digest's tables show a blank)."""
    return local_time(value, tz, short=True, empty="")


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    """Hours from start to end, or None when either is missing."""
    return (end - start).total_seconds() / 3600 if start and end else None


def _within(value: datetime | None, week: Week) -> bool:
    return value is not None and week.start <= value < week.end


def pending_milestone(case: Case, cutoff: datetime) -> tuple[datetime, str] | None:
    """The first response clock not yet met at the cutoff: (due, label), or None."""
    for item in deadlines.milestones(case):
        done = datetime.fromisoformat(item["done_at"]) if item["done_at"] else None
        if done is None or done > cutoff:
            return deadlines.due_of(item), item["label"]
    if not deadlines.milestones(case) and case.deadline_at and not case.first_response_at:
        return case.deadline_at, case.clock
    return None


def _overdue_hours(case: Case, pending: tuple[datetime, str] | None, cutoff: datetime) -> float | None:
    """Hours the pending clock is past due at the cutoff, for a case still open then."""
    closed = case.closed_at is not None and case.closed_at <= cutoff
    if pending is None or closed or case.state == "no_response" or pending[0] >= cutoff:
        return None
    return hours_between(pending[0], cutoff)


def _case_row(case: Case, settings: Settings, week: Week, cutoff: datetime) -> CaseRow:
    tz, pending = week.tz, pending_milestone(case, cutoff)
    closed_in = _within(case.closed_at, week)
    transfer = f"·转办{case.department}" if case.department not in ("", "民政") else ""
    return CaseRow(
        case.id, case.title, case.kind, kind_name(case.kind) + transfer, case.level, level_label(case.level),
        platform_name(settings, case.platform), case.owner, staff_name(settings, case.owner),
        section_of(settings, case.topic, case.owner), case.state, state_label(case.state),
        local_text(case.detected_at, tz), local_text(case.first_response_at, tz), local_text(case.closed_at, tz),
        f"{local_text(pending[0], tz)} {pending[1]}".strip() if pending else "", safe_url(case.published_url),
        _within(case.detected_at, week), _within(case.first_response_at, week), closed_in,
        case.closed_at is None or case.closed_at > cutoff,
        hours_between(case.detected_at, case.first_response_at) if _within(case.first_response_at, week) else None,
        hours_between(case.detected_at, case.closed_at) if closed_in else None,
        case_metrics(case, cutoff).on_time, _overdue_hours(case, pending, cutoff),
    )


def week_cases(session: Session, settings: Settings, week: Week, now: datetime) -> list[CaseRow]:
    """Cases detected before the week ended and not closed before it began, most severe first."""
    query = (
        select(Case)
        .where(Case.detected_at < week.end, or_(Case.closed_at.is_(None), Case.closed_at >= week.start))
        .order_by(Case.level, Case.detected_at, Case.id)
    )
    cutoff = min(week.end, now)
    return [_case_row(case, settings, week, cutoff) for case in session.scalars(query)]
