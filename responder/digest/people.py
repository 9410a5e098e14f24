"""Who carried the work: each commentator's load, and the consultations answered."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from responder.digest.caserows import CaseRow
from yuqing.core.config import Settings
from yuqing.core.storage.models import Draft

ANSWER_STATUSES = ("approved", "published", "sent")


@dataclass
class Load:
    """One owner's cases in the week."""

    key: str
    name: str
    section: str
    capacity: int | None
    assigned: int = 0
    responded: int = 0
    closed: int = 0
    open_at_end: int = 0
    overdue: int = 0
    settled: int = 0
    on_time: int = 0


@dataclass
class Consultation:
    """A citizen's question answered in the week."""

    case_id: int
    question: str
    answer: str
    answered: str
    owner_name: str
    url: str


@dataclass
class ConsultationFigures:
    """Consultations answered in the week, with a few examples."""

    answered: int = 0
    examples: list[Consultation] = field(default_factory=list)


def _new_load(settings: Settings, key: str) -> Load:
    try:
        person = settings.member(key)
    except KeyError:
        return Load(key, key or "未分派", "", None)
    return Load(key, person.name, person.section, person.max_open_cases)


def commentator_load(settings: Settings, rows: list[CaseRow]) -> list[Load]:
    """Every commentator (and any other owner) with assigned, answered, open and overdue counts."""
    loads = {p.key: _new_load(settings, p.key) for p in settings.with_role("commentator")}
    for row in rows:
        load = loads.setdefault(row.owner, _new_load(settings, row.owner))
        load.assigned += row.opened_in_week
        load.responded += row.responded_in_week
        load.closed += row.closed_in_week
        load.open_at_end += row.open_at_end
        load.overdue += row.overdue_hours is not None
        load.settled += row.on_time is not None
        load.on_time += bool(row.on_time)
    return list(loads.values())


def _answers(session: Session, case_ids: list[int]) -> dict[int, str]:
    """The newest approved reply text of each case."""
    query = (
        select(Draft.case_id, Draft.text)
        .where(Draft.case_id.in_(case_ids), Draft.status.in_(ANSWER_STATUSES))
        .order_by(Draft.case_id, Draft.version)
    )
    return {case_id: text for case_id, text in session.execute(query)}


def consultations(session: Session, settings: Settings, rows: list[CaseRow]) -> ConsultationFigures:
    """Consultations first answered in the week; examples (most severe first) quote the question and the reply."""
    answered = [r for r in rows if r.kind == "consultation" and r.responded_in_week]
    picked = answered[: settings.digest.consultation_examples]
    texts = _answers(session, [r.id for r in picked]) if picked else {}
    examples = [
        Consultation(r.id, r.title, texts.get(r.id, ""), r.first_response, r.owner_name, r.url)
        for r in picked
    ]
    return ConsultationFigures(len(answered), examples)
