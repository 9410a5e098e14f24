"""Every figure of one week's digest, gathered from the database in a handful of queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from responder.digest.caserows import CaseRow, week_cases
from responder.digest.coverage import CoverageFigures, gather_coverage
from responder.digest.effects import EffectRow, week_effects
from responder.digest.events import EventFigure, top_events
from responder.digest.handling import HandlingFigures, gather_handling
from responder.digest.kpis import Scorecard, scorecard
from responder.digest.outlook import judgement, watchlist
from responder.digest.people import ConsultationFigures, Load, commentator_load, consultations
from responder.digest.period import Week
from responder.digest.volume import VolumeFigures, gather_volume
from responder.privacy import mask_personal
from yuqing.core.config import Settings
from yuqing.core.display import local_time


@dataclass
class Figures:
    """The digest's content: plain data that the HTML, text and document renderers share."""

    week: str
    span: str
    title: str
    generated: str
    volume: VolumeFigures
    events: list[EventFigure]
    handling: HandlingFigures
    consultations: ConsultationFigures
    commentators: list[Load]
    coverage: CoverageFigures
    cases: list[CaseRow]
    scorecard: Scorecard = field(default_factory=Scorecard)
    judgement: list[str] = field(default_factory=list)
    watchlist: list[str] = field(default_factory=list)
    effects: list[EffectRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The figures as JSON-ready data, with the on-time shares and the scorecard's rates spelled out."""
        data = asdict(self)
        handling = data["handling"]
        handling["on_time"]["share"] = self.handling.on_time.share
        for key in ("by_level", "by_section"):
            for entry, source in zip(handling[key], getattr(self.handling, key)):
                entry["share"] = source.share
        card = data["scorecard"]
        card["total"].update(self.scorecard.total.rates())
        for key in ("by_section", "by_commentator"):
            for entry, source in zip(card[key], getattr(self.scorecard, key)):
                entry.update(source.rates())
        return data


def map_text(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of figures (or any part of them) with `change` applied to every string inside;
    mapping keys stay as they are, since they are labels the renderers look up."""
    if isinstance(value, str):
        return change(value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: map_text(getattr(value, f.name), change) for f in fields(value)})
    if isinstance(value, (list, tuple)):
        return type(value)(map_text(item, change) for item in value)
    if isinstance(value, dict):
        return {key: map_text(item, change) for key, item in value.items()}
    return value


def gather_figures(session: Session, settings: Settings, week: Week, now: datetime) -> Figures:
    """All figures for the week against the week before, as of `now`; phone and ID numbers quoted from posts
    are masked in every text (so in the HTML, text and .docx alike) unless digest.yaml turns `mask_personal` off."""
    cases = week_cases(session, settings, week, now)
    volume = gather_volume(session, settings, week)
    events = top_events(session, settings, week)
    handling = gather_handling(session, week, cases)
    coverage = gather_coverage(session, settings, week, now)
    figures = Figures(
        week.label, week.span_text(), settings.digest.title, local_time(now, week.tz),
        volume, events, handling, consultations(session, settings, cases),
        commentator_load(settings, cases), coverage, cases, scorecard(session, settings, week.start, week.end, now),
    )
    figures.judgement = judgement(volume, events, handling, coverage)
    figures.watchlist = watchlist(settings, volume, events, cases, coverage)
    figures.effects = week_effects(session, week, now)
    return map_text(figures, mask_personal) if settings.digest.mask_personal else figures
