"""The office's scorecard over a period: 回应率, 及时率 and 满意度, overall, per section and per commentator.

回应率: cases that came due in the period (their first clock passed, or they were answered) and were
answered by its end. 及时率: cases whose clocks are settled and were all met (`responder.clocks`).
满意度: 回访 recorded in the period that were 满意 or 基本满意.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from responder import deadlines
from responder.clocks import case_metrics
from responder.digest.labels import staff_name
from responder.people import section_of
from responder.revisits import CONTENT
from yuqing.core.config import Settings
from yuqing.core.storage.models import Case, Revisit

NOT_OURS = frozenset({"no_response", "transferred"})


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Kpi:
    """One group's counts and the three rates (None when nothing counted)."""

    label: str
    due: int = 0
    responded: int = 0
    settled: int = 0
    on_time: int = 0
    revisited: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0

    @property
    def response_rate(self) -> float | None:
        """回应率: answered among the cases that came due."""
        return _rate(self.responded, self.due)

    @property
    def timely_rate(self) -> float | None:
        """及时率: every clock met among the cases whose clocks are settled."""
        return _rate(self.on_time, self.settled)

    @property
    def satisfaction(self) -> float | None:
        """满意度: 满意 and 基本满意 among the follow-ups recorded."""
        return _rate(self.satisfied + self.basic, self.revisited)

    def rates(self) -> dict[str, float | None]:
        """The three rates by name, for JSON."""
        return {"response_rate": self.response_rate, "timely_rate": self.timely_rate,
                "satisfaction": self.satisfaction}


@dataclass
class Scorecard:
    """The rates overall, per section and per commentator (every commentator, then other owners)."""

    total: Kpi = field(default_factory=lambda: Kpi("全部"))
    by_section: list[Kpi] = field(default_factory=list)
    by_commentator: list[Kpi] = field(default_factory=list)


def _came_due(case: Case, cutoff: datetime) -> bool:
    if case.first_response_at is not None and case.first_response_at <= cutoff:
        return True
    items = deadlines.milestones(case)
    first_due = deadlines.due_of(items[0]) if items else case.deadline_at
    return first_due is not None and first_due <= cutoff


def _add_case(groups: list[Kpi], case: Case, cutoff: datetime) -> None:
    answered = case.first_response_at is not None and case.first_response_at <= cutoff
    on_time = case_metrics(case, cutoff).on_time if _came_due(case, cutoff) else None
    for kpi in groups:
        kpi.due += _came_due(case, cutoff)
        kpi.responded += answered
        kpi.settled += on_time is not None
        kpi.on_time += bool(on_time)


def _add_revisit(groups: list[Kpi], task: Revisit) -> None:
    for kpi in groups:
        kpi.revisited += 1
        kpi.satisfied += task.satisfaction == "satisfied"
        kpi.basic += task.satisfaction == "basic"
        kpi.unsatisfied += task.satisfaction not in CONTENT


class _Groups:
    """Kpi rows keyed by section and by owner, created on first use."""

    def __init__(self, settings: Settings):
        self.settings, self.total = settings, Kpi("全部")
        self.sections: dict[str, Kpi] = {}
        self.people = {p.key: Kpi(p.name) for p in settings.with_role("commentator")}

    def of(self, case: Case, owner: str) -> list[Kpi]:
        section = section_of(self.settings, case.topic, case.owner)
        person = self.people.setdefault(owner, Kpi(staff_name(self.settings, owner)))
        return [self.total, self.sections.setdefault(section, Kpi(section)), person]


def scorecard(session: Session, settings: Settings, start: datetime, end: datetime | None,
              now: datetime) -> Scorecard:
    """The rates for cases live in [start, end) and 回访 recorded then, as of min(end, now);
    `end` None means through `now` itself (the dashboard's "last 30 days")."""
    cutoff, groups = min(end, now) if end else now, _Groups(settings)
    before_end = Case.detected_at < end if end else Case.detected_at <= now
    cases = session.scalars(select(Case).where(
        before_end, or_(Case.closed_at.is_(None), Case.closed_at >= start), Case.state.not_in(NOT_OURS)))
    for case in cases:
        _add_case(groups.of(case, case.owner), case, cutoff)
    done_by_end = Revisit.done_at < end if end else true()
    done = session.scalars(select(Revisit).where(Revisit.done_at >= start, Revisit.done_at <= now, done_by_end))
    for task in done:
        _add_revisit(groups.of(task.case, task.owner or task.case.owner), task)
    sections = sorted(groups.sections.values(), key=lambda k: (-k.due - k.revisited, k.label))
    return Scorecard(groups.total, sections, list(groups.people.values()))
