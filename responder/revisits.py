"""回访: a follow-up task after a consultation or complaint is answered, its outcome and satisfaction;
不满意 reopens the case with a fresh clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from responder import alerts, deadlines
from responder.audit import WorkflowError, move
from responder.workdays import add_working_days
from yuqing.core.config import Settings
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case, Revisit

SATISFACTION_LABELS: dict[str, str] = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
CONTENT = frozenset({"satisfied", "basic"})


def parse_satisfaction(value: str | None) -> str:
    """The satisfaction id from an id or its Chinese label; WorkflowError (400) for anything else."""
    text = (value or "").strip()
    for key, label in SATISFACTION_LABELS.items():
        if text in (key, label):
            return key
    raise WorkflowError(f"请选择回访满意度：{' / '.join(SATISFACTION_LABELS.values())}", 400)


def pending(case: Case) -> Revisit | None:
    """The case's follow-up still to be done, or None."""
    return next((r for r in case.revisits if r.done_at is None), None)


def schedule(session: Session, settings: Settings, case: Case, now: datetime) -> Revisit | None:
    """After an answer is published: a follow-up task for the kinds that get one (none if one is open)."""
    config = settings.response.revisit
    if case.kind not in config.kinds or pending(case) is not None:
        return None
    due = add_working_days(now, config.due_working_days, settings.response.clocks, ZoneInfo(settings.app.timezone))
    task = Revisit(case=case, round=len(case.revisits) + 1, owner=case.owner, created_at=now, due_at=due,
                   done_by="", method="", outcome="", satisfaction="")
    session.add(task)
    return task


def _reopen(session: Session, settings: Settings, case: Case, actor: str, now: datetime, task: Revisit) -> None:
    """不满意: the case goes back to its owner with a new clock to answer again."""
    hours = settings.response.clocks.general_response.hours
    items = [*deadlines.milestones(case), {"key": f"revisit_{task.round}", "label": "回访不满意，重新答复",
                                            "due": (now + timedelta(hours=hours)).isoformat(), "done_at": None}]
    deadlines.store(case, items)
    case.closed_at = None
    move(session, case, "reopen", actor, now, "assigned" if case.owner else "new",
         reason=f"回访不满意：{task.outcome}", data={"revisit": task.round})
    alerts.revisit_unsatisfied(session, settings, case, now, task.round, task.outcome)


def record(session: Session, settings: Settings, case: Case, actor: str, now: datetime, *, method: str | None,
           satisfaction: str | None, outcome: str) -> Revisit:
    """Staff reached the citizen: keep how, what came of it and the satisfaction; 不满意 reopens the case."""
    task = pending(case)
    if task is None:
        raise WorkflowError(f"工单 #{case.id} 没有待办的回访")
    method = (method or "").strip()
    if method not in settings.response.revisit.methods:
        raise WorkflowError(f"请选择回访方式：{' / '.join(settings.response.revisit.methods)}", 400)
    task.satisfaction = parse_satisfaction(satisfaction)
    task.method, task.outcome, task.done_at, task.done_by = method, outcome, now, actor
    move(session, case, "revisit", actor, now, None, reason=outcome,
         data={"round": task.round, "method": method, "satisfaction": task.satisfaction,
               "label": SATISFACTION_LABELS[task.satisfaction]})
    if task.satisfaction not in CONTENT:
        _reopen(session, settings, case, actor, now, task)
    return task


def remind_overdue(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Tell the owner and the spokesperson once about each follow-up past its due time; returns how many."""
    with transaction(sessions) as session:
        query = select(Revisit).where(Revisit.done_at.is_(None), Revisit.reminded_at.is_(None), Revisit.due_at <= now)
        tasks = list(session.scalars(query))
        for task in tasks:
            task.reminded_at = now
            alerts.revisit_overdue(session, settings, task.case, now, task.round, task.owner)
    return len(tasks)


def tasks(session: Session, owner: str | None = None, include_done: bool = False) -> list[Revisit]:
    """Revisit tasks by due time: the open ones (or all), of one owner or everyone's."""
    query = select(Revisit).order_by(Revisit.due_at, Revisit.id)
    query = query if include_done else query.where(Revisit.done_at.is_(None))
    return list(session.scalars(query.where(Revisit.owner == owner) if owner else query))
