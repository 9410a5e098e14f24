"""The week's cases as rows: every case open at some time during the week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from responder.digest.labels import kind_name, platform_name, section_of, staff_name
from responder.digest.period import Week
from responder.digest.privacy import mask_personal
from responder.states import level_label, state_label
from yuqing.config import Settings
from yuqing.storage.models import Case

NO_CLOCK_STATES = ("no_response",)
CASE_COLUMNS = (
    Case.id, Case.title, Case.kind, Case.level, Case.topic, Case.platform, Case.state, Case.owner,
    Case.detected_at, Case.first_response_at, Case.closed_at, Case.deadline_at, Case.published_url,
)


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
    """A short local timestamp such as 11-17 14:05, or empty."""
    return value.astimezone(tz).strftime("%m-%d %H:%M") if value else ""


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    """Hours from start to end, or None when either is missing."""
    return (end - start).total_seconds() / 3600 if start and end else None


def _within(value: datetime | None, week: Week) -> bool:
    return value is not None and week.start <= value < week.end


def _overdue_hours(row, cutoff: datetime) -> float | None:
    """Hours past the deadline for a case still unanswered and open at the cutoff."""
    if row.deadline_at is None or row.deadline_at >= cutoff or row.state in NO_CLOCK_STATES:
        return None
    answered = row.first_response_at is not None and row.first_response_at < cutoff
    closed = row.closed_at is not None and row.closed_at < cutoff
    return None if answered or closed else hours_between(row.deadline_at, cutoff)


def _on_time(row) -> bool | None:
    if row.deadline_at is None or row.first_response_at is None:
        return None
    return row.first_response_at <= row.deadline_at


def _case_row(row, settings: Settings, week: Week, cutoff: datetime) -> CaseRow:
    tz = week.tz
    closed_in = _within(row.closed_at, week)
    return CaseRow(
        row.id, mask_personal(row.title), row.kind, kind_name(row.kind), row.level, level_label(row.level),
        platform_name(settings, row.platform), row.owner, staff_name(settings, row.owner),
        section_of(settings, row.topic, row.owner), row.state, state_label(row.state),
        local_text(row.detected_at, tz), local_text(row.first_response_at, tz), local_text(row.closed_at, tz),
        local_text(row.deadline_at, tz), row.published_url, _within(row.detected_at, week),
        _within(row.first_response_at, week), closed_in, row.closed_at is None or row.closed_at >= cutoff,
        hours_between(row.detected_at, row.first_response_at) if _within(row.first_response_at, week) else None,
        hours_between(row.detected_at, row.closed_at) if closed_in else None,
        _on_time(row), _overdue_hours(row, cutoff),
    )


def week_cases(session: Session, settings: Settings, week: Week, now: datetime) -> list[CaseRow]:
    """Cases detected before the week ended and not closed before it began, most severe first."""
    query = (
        select(*CASE_COLUMNS)
        .where(Case.detected_at < week.end, or_(Case.closed_at.is_(None), Case.closed_at >= week.start))
        .order_by(Case.level, Case.detected_at, Case.id)
    )
    cutoff = min(week.end, now)
    return [_case_row(row, settings, week, cutoff) for row in session.execute(query)]
