"""The reply queue: which cases it holds and in what order, for the terminal, the desk and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from responder.states import FINISHED_STATES
from yuqing.core.storage.models import Case


@dataclass(frozen=True)
class QueueFilter:
    """What to list; empty values mean "any", and no states means the open cases (all with `include_finished`)."""

    states: tuple[str, ...] = ()
    level: int | None = None
    topic: str = ""
    platform: str = ""
    owner: str = ""
    department: str = ""
    include_finished: bool = False

    @property
    def state(self) -> str:
        """The one state chosen, or "" when none or several are (the desk's state picker shows one)."""
        return self.states[0] if len(self.states) == 1 else ""


def queue_query(filters: QueueFilter) -> Select[tuple[Case]]:
    """The SELECT for the queue, most urgent first: level Ⅰ first, then nearest deadline, oldest, lowest number."""
    query = select(Case).order_by(Case.level, Case.deadline_at.is_(None), Case.deadline_at, Case.detected_at,
                                  Case.id)
    if filters.states:
        query = query.where(Case.state.in_(filters.states))
    elif not filters.include_finished:
        query = query.where(Case.state.not_in(FINISHED_STATES))
    for column, value in ((Case.level, filters.level), (Case.topic, filters.topic),
                          (Case.platform, filters.platform), (Case.owner, filters.owner),
                          (Case.department, filters.department)):
        if value:
            query = query.where(column == value)
    return query


def list_queue(session: Session, filters: QueueFilter) -> list[Case]:
    """The cases in the queue matching the filters, most urgent first (the one definition of "the queue")."""
    return list(session.scalars(queue_query(filters)))
