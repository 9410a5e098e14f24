"""How the bureau answered: cases opened, answered, closed, overdue, and on time against the clocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from responder.digest.caserows import CaseRow
from responder.digest.labels import LEVEL_SHORT
from responder.digest.period import Week
from yuqing.core.storage.models import Case


@dataclass
class OnTime:
    """The week's cases whose clocks are settled (all met, or one missed), and how many met them all.

    A case counts once its outcome is known in the responder's own terms (`responder.clocks.case_metrics`).
    """

    label: str
    total: int = 0
    on_time: int = 0

    @property
    def share(self) -> float | None:
        """The share met on time, or None when no clock came due."""
        return self.on_time / self.total if self.total else None


@dataclass
class HandlingFigures:
    """Case counts, response times and clock compliance for the week."""

    opened: int = 0
    responded: int = 0
    closed: int = 0
    overdue: int = 0
    previous: dict[str, int] = field(default_factory=dict)
    median_response_hours: float | None = None
    median_close_hours: float | None = None
    on_time: OnTime = field(default_factory=lambda: OnTime("全部"))
    by_level: list[OnTime] = field(default_factory=list)
    by_section: list[OnTime] = field(default_factory=list)
    overdue_cases: list[CaseRow] = field(default_factory=list)


def _in(column, start: datetime, end: datetime):
    return func.sum(case((and_(column >= start, column < end), 1), else_=0))


def _counts(session: Session, week: Week, previous: Week) -> list[int]:
    columns = (Case.detected_at, Case.first_response_at, Case.closed_at)
    sums = [_in(c, w.start, w.end) for w in (week, previous) for c in columns]
    return [int(value or 0) for value in session.execute(select(*sums)).one()]


def _tally(groups: dict, key: int | str, total: int, on_time: int) -> None:
    entry = groups.setdefault(key, OnTime(str(key)))
    entry.total += total
    entry.on_time += on_time


def _compliance(figures: HandlingFigures, rows: list[CaseRow]) -> None:
    levels: dict[int, OnTime] = {}
    sections: dict[str, OnTime] = {}
    for row in rows:
        if row.on_time is None:
            continue
        _tally(levels, row.level, 1, row.on_time)
        _tally(sections, row.section, 1, row.on_time)
        figures.on_time.total += 1
        figures.on_time.on_time += row.on_time
    figures.by_level = [levels[k] for k in sorted(levels)]
    for level, entry in levels.items():
        entry.label = LEVEL_SHORT.get(level, f"{level}级")
    figures.by_section = sorted(sections.values(), key=lambda g: (-g.total, g.label))


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return median(present) if present else None


def gather_handling(session: Session, week: Week, rows: list[CaseRow]) -> HandlingFigures:
    """Case counts against the week before, medians, clock compliance and the overdue list."""
    counts = _counts(session, week, week.shifted(-1))
    figures = HandlingFigures(*counts[:3])  # type: ignore[arg-type]  # the first three fields are the counts
    figures.previous = dict(zip(("opened", "responded", "closed"), counts[3:]))
    figures.median_response_hours = _median([r.response_hours for r in rows])
    figures.median_close_hours = _median([r.close_hours for r in rows])
    _compliance(figures, rows)
    figures.overdue_cases = sorted((r for r in rows if r.overdue_hours is not None), key=lambda r: -r.overdue_hours)
    figures.overdue = len(figures.overdue_cases)
    return figures
