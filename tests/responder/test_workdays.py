"""Working days from the official calendar: 国庆 and 春节 with their 调休 days, on a frozen clock."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from responder.deadlines import CONSULTATION_ANSWER, plan
from responder.workdays import add_working_days, is_working_day

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clocks(settings):
    """The default clocks: the CN calendar and no bureau exceptions."""
    return settings.response.clocks


@pytest.mark.parametrize("day,working", [
    (date(2025, 9, 28), True),    # Sunday worked before 国庆 2025 (调休)
    (date(2025, 10, 1), False),   # 国庆
    (date(2025, 10, 8), False),   # last day of the 2025 国庆 and 中秋 break, a Wednesday
    (date(2025, 10, 11), True),   # Saturday worked after it (调休)
    (date(2025, 10, 13), True),   # an ordinary Monday
    (date(2026, 2, 14), True),    # Saturday worked before 春节 2026 (调休)
    (date(2026, 2, 16), False),   # 除夕
    (date(2026, 2, 20), False),   # Friday off in the 春节 break
    (date(2026, 2, 23), False),   # Monday off in the 春节 break
    (date(2026, 2, 28), True),    # Saturday worked after it (调休)
    (date(2026, 9, 20), True),    # Sunday worked before 国庆 2026 (调休)
    (date(2026, 10, 7), False),   # last day of the 2026 国庆 break, a Wednesday
    (date(2026, 10, 10), True),   # Saturday worked after it (调休)
    (date(2026, 11, 21), False),  # an ordinary Saturday
])
def test_official_holidays_and_makeup_days(clocks, day, working):
    assert is_working_day(day, clocks) is working


def test_profile_exceptions_win_over_the_official_calendar(clocks):
    own = clocks.model_copy(update={"holidays": [date(2026, 2, 14)], "extra_workdays": [date(2026, 2, 23)]})
    assert not is_working_day(date(2026, 2, 14), own)
    assert is_working_day(date(2026, 2, 23), own)


def test_without_a_calendar_only_weekends_rest(clocks):
    plain = clocks.model_copy(update={"calendar": ""})
    assert is_working_day(date(2026, 2, 16), plain) and not is_working_day(date(2026, 2, 14), plain)


def test_seven_working_days_across_the_2025_national_day_break(clocks):
    start = datetime(2025, 9, 26, 2, 0, tzinfo=timezone.utc)  # Friday 10:00 local
    due = add_working_days(start, 7, clocks, TZ)
    # Sun 28 (调休), Mon 29, Tue 30, then 1–8 off, Thu 9, Fri 10, Sat 11 (调休), Sun 12 off, Mon 13
    assert due.astimezone(TZ) == datetime(2025, 10, 13, 10, 0, tzinfo=TZ)


@freeze_time("2026-02-12 03:00:00")
def test_consultation_answer_due_across_the_2026_spring_festival(settings):
    detected = datetime.now(timezone.utc)  # Thursday 11:00 local, frozen
    answer = next(m for m in plan(settings, "consultation", False, detected) if m["key"] == CONSULTATION_ANSWER)
    # Fri 13, Sat 14 (调休), then 15–23 off, Tue 24 … Fri 27, and the seventh is Sat 28 (调休)
    assert datetime.fromisoformat(answer["due"]).astimezone(TZ) == datetime(2026, 2, 28, 11, 0, tzinfo=TZ)
    assert answer["label"] == "7个工作日内答复"
