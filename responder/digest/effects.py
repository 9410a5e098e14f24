"""The response effect of the week's answers (回应后负面占比变化), as the digest prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from responder.digest.caserows import local_text
from responder.digest.period import Week
from responder.effect import EffectLine
from responder.effect_query import case_effects
from responder.links import safe_url
from responder.states import level_label
from yuqing.core.storage.models import Case


@dataclass
class Driver:
    """A negative post after the reply, among the most engaged."""

    title: str
    url: str
    platform: str
    engagement: int
    at: str


@dataclass
class EffectRow:
    """One case answered in the week: its figures before and after the reply, and what drove them."""

    case_id: int
    title: str
    level_name: str
    responded: str
    lines: list[EffectLine] = field(default_factory=list)
    drivers: list[Driver] = field(default_factory=list)


def week_effects(session: Session, week: Week, now: datetime) -> list[EffectRow]:
    """Cases first answered during the week, with their effect as of `now` (so the 72 h after a late
    answer is shown as pending until it has passed), in the order they were answered."""
    query = select(Case).where(Case.first_response_at >= week.start, Case.first_response_at < week.end)
    cases = {case.id: case for case in session.scalars(query)}
    effects = case_effects(session, cases, now)
    rows = []
    for case_id, effect in sorted(effects.items(), key=lambda pair: (pair[1].responded_at, pair[0])):
        case = cases[case_id]
        drivers = [Driver(p.title, safe_url(p.url), p.platform, p.engagement, local_text(p.at, week.tz))
                   for p in effect.drivers]
        rows.append(EffectRow(case_id, case.title, level_label(case.level), local_text(effect.responded_at, week.tz),
                              effect.lines(), drivers))
    return rows
