"""Every figure of one week's digest, gathered from the database in a handful of queries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from responder.digest.caserows import CaseRow, week_cases
from responder.digest.coverage import CoverageFigures, gather_coverage
from responder.digest.events import EventFigure, top_events
from responder.digest.handling import HandlingFigures, gather_handling
from responder.digest.outlook import judgement, watchlist
from responder.digest.people import ConsultationFigures, Load, commentator_load, consultations
from responder.digest.period import Week
from responder.digest.volume import VolumeFigures, gather_volume
from yuqing.config import Settings


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
    judgement: list[str] = field(default_factory=list)
    watchlist: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The figures as JSON-ready data, with the on-time shares spelled out."""
        data = asdict(self)
        handling = data["handling"]
        handling["on_time"]["share"] = self.handling.on_time.share
        for key in ("by_level", "by_section"):
            for entry, source in zip(handling[key], getattr(self.handling, key)):
                entry["share"] = source.share
        return data


def gather_figures(session: Session, settings: Settings, week: Week, now: datetime) -> Figures:
    """All figures for the week against the week before, as of `now`."""
    cases = week_cases(session, settings, week, now)
    volume = gather_volume(session, settings, week)
    events = top_events(session, settings, week)
    handling = gather_handling(session, week, cases)
    coverage = gather_coverage(session, settings, week, now)
    figures = Figures(
        week.label, week.span_text(), settings.digest.title, now.astimezone(week.tz).strftime("%Y-%m-%d %H:%M"),
        volume, events, handling, consultations(session, settings, cases),
        commentator_load(settings, cases), coverage, cases,
    )
    figures.judgement = judgement(volume, events, handling, coverage)
    figures.watchlist = watchlist(settings, volume, events, cases, coverage)
    return figures
