"""Watching the clocks: reminders at 50%/80%, escalation on breach, re-offers, and per-case metrics."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from responder import alerts, deadlines, revisits, rumour
from responder.audit import WorkflowError, record
from responder.people import ladder_height
from responder.states import FINISHED_STATES, SYSTEM
from responder.workflow import apply, escalate
from yuqing.core.config import Settings
from yuqing.core.storage.db import transaction
from yuqing.core.storage.case_data import case_data, update_case_data
from yuqing.core.storage.models import Case

log = logging.getLogger(__name__)
WATCHED_OUT = FINISHED_STATES | {"transferred"}


@dataclass
class ClockReport:
    """What one clock check did."""

    reminders: int = 0
    escalations: int = 0
    reoffered: int = 0
    triage_alerts: int = 0
    revisits_overdue: int = 0
    verifications_overdue: int = 0


def _remind(session: Session, settings: Settings, case: Case, now: datetime, report: ClockReport) -> None:
    milestone = deadlines.current(case)
    if milestone is None:
        return
    due = deadlines.due_of(milestone)
    span = due - case.detected_at
    passed = [f for f in settings.response.clocks.reminders if now >= case.detected_at + span * f]
    fresh = [f for f in passed if f"{milestone['key']}:{f}" not in case.reminders_sent]
    if not fresh or now >= due:
        return
    case.reminders_sent = [*case.reminders_sent, *(f"{milestone['key']}:{f}" for f in fresh)]
    fraction = max(fresh)
    record(session, case, "remind", SYSTEM, now, from_state=case.state, to_state=case.state,
           data={"clock": milestone["key"], "fraction": fraction})
    alerts.reminder(session, settings, case, now, milestone["key"], fraction)
    report.reminders += 1


def _breach(session: Session, settings: Settings, case: Case, now: datetime, report: ClockReport) -> None:
    milestone = deadlines.current(case)
    if milestone is None or now < deadlines.due_of(milestone):
        return
    case.breached_at = case.breached_at or now
    every = timedelta(hours=settings.response.clocks.escalate_every_hours)
    wanted = 1 + int((now - deadlines.due_of(milestone)) / every)
    done = case_data(case).get("escalations", {}).get(milestone["key"], 0)
    top = ladder_height(settings, case.owner) - 1
    while done < wanted and case.escalation_step < top:
        escalate(session, settings, case, SYSTEM, now, f"超过时限「{milestone['label']}」未回应", milestone["key"])
        done += 1
        report.escalations += 1
    update_case_data(case, escalations={**case_data(case).get("escalations", {}), milestone["key"]: done})


def _triage_watch(session: Session, settings: Settings, case: Case, now: datetime, report: ClockReport) -> None:
    hours = settings.response.clocks.triage_hours_severe
    if case.level > 2 or case.triaged_at or "triage" in case.reminders_sent:
        return
    if now >= case.detected_at + timedelta(hours=hours):
        case.reminders_sent = [*case.reminders_sent, "triage"]
        alerts.triage_overdue(session, settings, case, now)
        report.triage_alerts += 1


def _reoffer(session: Session, settings: Settings, case: Case, now: datetime, report: ClockReport) -> None:
    assigned_at, touched_at = case_data(case).get("assigned_at"), case_data(case).get("touched_at")
    if case.state not in ("new", "assigned") or not case.owner or not assigned_at:
        return
    if touched_at and touched_at >= assigned_at:
        return
    if now - datetime.fromisoformat(assigned_at) < timedelta(minutes=settings.response.routing.reoffer_after_minutes):
        return
    try:
        apply(session, case.id, "reoffer", SYSTEM, now, settings=settings, reason="超过时限无人处理，改派")
        report.reoffered += 1
    except WorkflowError as exc:
        log.info("case %s not re-offered: %s", case.id, exc)


def check_clocks(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> ClockReport:
    """Check every open case once: reminders, breaches (escalation), triage watch, re-offers; then 回访
    tasks past due."""
    report = ClockReport()
    with sessions() as session:
        ids = list(session.scalars(select(Case.id).where(Case.state.not_in(WATCHED_OUT)).order_by(Case.id)))
    for case_id in ids:
        try:
            with transaction(sessions) as session:
                case = session.get(Case, case_id)
                for step in (_triage_watch, _remind, _breach, _reoffer):
                    step(session, settings, case, now, report)
        except StaleDataError:
            log.info("case %s changed while its clocks were checked; next run will see it", case_id)
    report.revisits_overdue = revisits.remind_overdue(sessions, settings, now)
    report.verifications_overdue = rumour.remind_overdue(sessions, settings, now)
    return report


@dataclass(frozen=True)
class CaseMetrics:
    """How a case went against the clocks (hours; None when it has not happened yet)."""

    case_id: int
    detect_hours: float | None
    triage_hours: float | None
    first_response_hours: float | None
    close_hours: float | None
    on_time: bool | None
    breached: bool


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    return round((end - start).total_seconds() / 3600, 2) if start and end else None


def _on_time(case: Case, now: datetime) -> bool | None:
    if case.state == "no_response":
        return None
    items, end = deadlines.milestones(case), case.closed_at or now
    late = [m for m in items if (datetime.fromisoformat(m["done_at"]) if m["done_at"] else end) > deadlines.due_of(m)]
    if late:
        return False
    return True if items and (all(m["done_at"] for m in items) or case.state == "closed") else None


def case_metrics(case: Case, now: datetime) -> CaseMetrics:
    """Time to detect, triage, first response and close, and whether every clock was met."""
    published = case_data(case).get("first_published_at")
    return CaseMetrics(
        case.id, _hours(datetime.fromisoformat(published) if published else None, case.detected_at),
        _hours(case.detected_at, case.triaged_at), _hours(case.detected_at, case.first_response_at),
        _hours(case.detected_at, case.closed_at), _on_time(case, now), case.breached_at is not None,
    )


def overdue(now: datetime) -> ColumnElement[bool]:
    """SQL condition for an open case whose next response milestone is past due (an acknowledged
    consultation still awaiting its answer counts: deadline_at follows the milestone not yet met)."""
    return and_(Case.deadline_at < now, Case.state.not_in(FINISHED_STATES))
