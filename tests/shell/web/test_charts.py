"""The dashboard chart's geometry and the time-left wording (pure functions)."""

from __future__ import annotations

from datetime import date, timedelta

from yuqing.shell.web.charts import BOTTOM, HEIGHT, TOP, trend_chart
from yuqing.shell.web.dashboard import DayFigure
from yuqing.shell.web.labels import time_left


def test_bars_scale_to_a_round_maximum_and_the_line_to_the_negative_share():
    days = [DayFigure(date(2026, 11, 17), 0, 0), DayFigure(date(2026, 11, 18), 10, 5)]
    chart = trend_chart(days)
    plot = HEIGHT - TOP - BOTTOM
    assert chart.max_mentions == 10
    empty, busy = chart.bars
    assert empty.height == 0 and empty.point_y == TOP + plot
    assert busy.height == plot and busy.y == TOP and busy.point_y == TOP + plot / 2 and busy.share_percent == 50
    assert chart.line_points == f"{empty.point_x:.1f},{TOP + plot:.1f} {busy.point_x:.1f},{TOP + plot / 2:.1f}"


def test_a_quiet_fortnight_still_draws_an_axis():
    chart = trend_chart([DayFigure(date(2026, 11, 1) + timedelta(days=i), 0, 0) for i in range(14)])
    assert chart.max_mentions == 5 and len(chart.bars) == 14


def test_time_left_reads_naturally_and_flags_overdue(now):
    assert time_left(now + timedelta(days=2, hours=3), now) == ("剩余 2天3小时", "left-ok")
    assert time_left(now + timedelta(minutes=90), now) == ("剩余 1小时30分", "left-soon")
    assert time_left(now - timedelta(minutes=5), now) == ("已超时 5分钟", "left-overdue")
    assert time_left(None, now) == ("无时限", "left-none")
