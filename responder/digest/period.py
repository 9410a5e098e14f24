"""The reporting week: an ISO week, Monday to Sunday in the bureau's local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(ValueError):
    """A week label that is not of the form 2026-W47."""


@dataclass(frozen=True)
class Week:
    """One ISO week in a time zone; `start`/`end` are aware UTC bounds (end exclusive)."""

    year: int
    number: int
    tz: ZoneInfo

    @property
    def label(self) -> str:
        """The ISO label, e.g. 2026-W47."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        """The local date of the week's Monday."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def days(self) -> list[date]:
        """The seven local dates, Monday first."""
        return [self.monday + timedelta(days=i) for i in range(7)]

    def day_start(self, day: date) -> datetime:
        """Local midnight of a date, as aware UTC."""
        return datetime.combine(day, time(0), self.tz).astimezone(timezone.utc)

    @cached_property
    def day_bounds(self) -> list[datetime]:
        """Eight UTC instants: the start of each day and the end of the week."""
        return [self.day_start(d) for d in self.days] + [self.day_start(self.monday + timedelta(days=7))]

    @property
    def start(self) -> datetime:
        """Monday 00:00 local, as aware UTC."""
        return self.day_bounds[0]

    @property
    def end(self) -> datetime:
        """The following Monday 00:00 local, as aware UTC (exclusive)."""
        return self.day_bounds[-1]

    def shifted(self, weeks: int) -> Week:
        """The week `weeks` later (negative for earlier)."""
        year, number, _ = (self.monday + timedelta(weeks=weeks)).isocalendar()
        return Week(year, number, self.tz)

    def span_text(self) -> str:
        """A Chinese date range, e.g. 2026年11月16日—11月22日."""
        first, last = self.days[0], self.days[-1]
        tail = f"{last.month}月{last.day}日" if last.year == first.year else f"{last.year}年{last.month}月{last.day}日"
        return f"{first.year}年{first.month}月{first.day}日—{tail}"


def parse_week(label: str, tz: ZoneInfo) -> Week:
    """The week named by an ISO label such as 2026-W47."""
    match = WEEK_PATTERN.match(label.strip())
    if not match:
        raise WeekError(f"周次格式应为 2026-W47，收到 {label!r}")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise WeekError(f"{year} 年没有第 {number} 周") from None
    return Week(year, number, tz)


def week_of(moment: datetime, tz: ZoneInfo) -> Week:
    """The week (Monday to Sunday, local time) that contains `moment`."""
    year, number, _ = moment.astimezone(tz).date().isocalendar()
    return Week(year, number, tz)


def last_complete_week(now: datetime, tz: ZoneInfo) -> Week:
    """The latest week that has fully ended before `now` (local time)."""
    return week_of(now - timedelta(days=7), tz)


def resolve_week(label: str | None, now: datetime, tz: ZoneInfo) -> Week:
    """The named week, or the last complete one when no label is given."""
    return parse_week(label, tz) if label else last_complete_week(now, tz)
