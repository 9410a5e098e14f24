"""Working days for the response clocks: the official calendar (public holidays and 调休 make-up
working days, from the maintained `holidays` package), then the profile's own additions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from yuqing.core.config.response import ClocksConfig


@lru_cache(maxsize=8)
def official(country: str) -> holidays.HolidayBase:
    """The country's public holidays and make-up working days (years fill in as they are asked for)."""
    return holidays.country_holidays(country)


def is_working_day(day: date, clocks: ClocksConfig) -> bool:
    """A working day: the profile's `extra_workdays` and `holidays` win, then the official calendar
    (its days off, its weekend make-up days), then Monday to Friday."""
    if day in clocks.extra_workdays:
        return True
    if day in clocks.holidays:
        return False
    if clocks.calendar:
        return official(clocks.calendar).is_working_day(day)
    return day.weekday() < 5


def add_working_days(start: datetime, days: int, clocks: ClocksConfig, tz: ZoneInfo) -> datetime:
    """The same local time `days` working days after `start`."""
    local = start.astimezone(tz)
    day, left = local.date(), days
    while left:
        day += timedelta(days=1)
        left -= is_working_day(day, clocks)
    return datetime.combine(day, local.timetz()).astimezone(start.tzinfo)

