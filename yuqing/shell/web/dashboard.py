"""Dashboard figures: cases by level and state, overdue cases, daily mentions and negative share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from responder.clocks import overdue
from responder.digest.kpis import Scorecard, scorecard
from responder.digest.volume import sentiment_label
from responder.effect import Effect
from responder.effect_query import case_effects
from yuqing.core.config import Settings
from yuqing.core.storage.models import Assessment, Case, Post, Source
from yuqing.shell.web import labels


@dataclass
class DayFigure:
    """Mentions and the negative share of one local day."""

    day: date
    mentions: int
    negative: int

    @property
    def negative_share(self) -> float:
        """Negative posts as a share of the day's mentions (0 when there were none)."""
        return self.negative / self.mentions if self.mentions else 0.0


@dataclass
class Dashboard:
    """Everything the dashboard page and /api/dashboard show."""

    by_level_state: dict[int, dict[str, int]] = field(default_factory=dict)
    overdue: list[Case] = field(default_factory=list)
    days: list[DayFigure] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def cases_by_level_state(session: Session) -> dict[int, dict[str, int]]:
    """Counts of cases per level and state."""
    table: dict[int, dict[str, int]] = {level: {} for level in labels.LEVELS}
    for level, state, count in session.execute(select(Case.level, Case.state, func.count()).group_by(Case.level, Case.state)):
        table.setdefault(level, {})[state] = count
    return table


def overdue_cases(session: Session, now: datetime) -> list[Case]:
    """Open cases past their next response milestone, most overdue first."""
    query = select(Case).where(overdue(now)).order_by(Case.deadline_at)
    return list(session.scalars(query))


def daily_mentions(session: Session, now: datetime, tz: tzinfo, days: int = 14) -> list[DayFigure]:
    """Posts about the bureau per local day over the last days (its own posts aside), with how many
    were judged negative."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    figures = {first + timedelta(days=i): DayFigure(first + timedelta(days=i), 0, 0) for i in range(days)}
    label = sentiment_label()
    when = Post.when
    rows = session.execute(select(when, label).outerjoin(Assessment, Assessment.post_id == Post.id)
                           .where(when >= now - timedelta(days=days + 1), Post.own.is_(False)))
    for when, sentiment in rows:
        day = figures.get(when.astimezone(tz).date())
        if day is not None:
            day.mentions += 1
            day.negative += sentiment == "negative"
    return list(figures.values())


SCORECARD_DAYS = 30


def recent_scorecard(session: Session, settings: Settings, now: datetime) -> Scorecard:
    """回应率, 及时率 and 满意度 over the last SCORECARD_DAYS days, up to `now`."""
    return scorecard(session, settings, now - timedelta(days=SCORECARD_DAYS), None, now)


EFFECT_DAYS = 7


def recent_effects(session: Session, now: datetime) -> list[tuple[Case, Effect]]:
    """Cases first answered in the last EFFECT_DAYS days with their response effect, latest answer first."""
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.first_response_at >= now - timedelta(days=EFFECT_DAYS),
                                                                 Case.first_response_at <= now))}
    effects = case_effects(session, cases, now)
    return sorted(((cases[i], e) for i, e in effects.items()), key=lambda pair: (pair[1].responded_at, pair[0].id),
                  reverse=True)


def build_dashboard(session: Session, now: datetime, tz: tzinfo) -> Dashboard:
    """All dashboard figures at one moment."""
    return Dashboard(cases_by_level_state(session), overdue_cases(session, now),
                     daily_mentions(session, now, tz), list(session.scalars(select(Source).order_by(Source.key))))


def state_totals(table: dict[int, dict[str, int]]) -> Counter:
    """Cases per state over all levels."""
    totals: Counter = Counter()
    for row in table.values():
        totals.update(row)
    return totals
