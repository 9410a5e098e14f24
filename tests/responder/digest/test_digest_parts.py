"""The digest's small parts: weeks in local time, the chart font."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from matplotlib import font_manager, rc_context
from matplotlib.ft2font import FT2Font

from responder.digest import charts
from responder.digest.coverage import Run, outages
from responder.digest.labels import SENTIMENTS
from responder.digest.period import WeekError, last_complete_week, parse_week, week_of
from responder.states import level_label
from yuqing.core.config.digest import DEFAULT_PLATFORMS

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK_START = datetime(2026, 11, 15, 16, tzinfo=timezone.utc)


def test_week_bounds_are_local_midnights():
    week = parse_week("2026-W47", SHANGHAI)
    assert week.start == datetime(2026, 11, 15, 16, tzinfo=timezone.utc)
    assert week.end == datetime(2026, 11, 22, 16, tzinfo=timezone.utc)
    assert week.span_text() == "2026年11月16日—11月22日"
    assert week.shifted(-1).label == "2026-W46" and parse_week("2026-W01", SHANGHAI).shifted(-1).label == "2025-W52"


def test_a_week_with_a_clock_change_has_a_short_day():
    week = parse_week("2026-W13", ZoneInfo("Europe/Berlin"))
    hours = [(b - a).total_seconds() / 3600 for a, b in zip(week.day_bounds, week.day_bounds[1:])]
    assert hours == [24, 24, 24, 24, 24, 24, 23]


def test_default_week_is_the_last_complete_one():
    sunday_night = datetime(2026, 11, 22, 15, 59, tzinfo=timezone.utc)
    monday_morning = datetime(2026, 11, 22, 16, 1, tzinfo=timezone.utc)
    assert last_complete_week(sunday_night, SHANGHAI).label == "2026-W46"
    assert last_complete_week(monday_morning, SHANGHAI).label == "2026-W47"


def test_the_week_of_a_moment_follows_local_time():
    sunday_night = datetime(2026, 11, 22, 15, 59, tzinfo=timezone.utc)
    monday_morning = datetime(2026, 11, 22, 16, 1, tzinfo=timezone.utc)
    assert week_of(sunday_night, SHANGHAI).label == "2026-W47"
    assert week_of(monday_morning, SHANGHAI).label == "2026-W48"


@pytest.mark.parametrize("label", ["2026-47", "2026-W7", "W47", "2026-W54"])
def test_bad_week_labels_are_refused(label):
    with pytest.raises(WeekError):
        parse_week(label, SHANGHAI)


def _charmap(path: str) -> set[int]:
    return set(FT2Font(path).get_charmap())


def test_charts_find_the_packaged_cjk_font_without_configuration(monkeypatch):
    """Defect 11: on a machine without system CJK fonts (here: matplotlib knows none but DejaVu) the
    charts still draw Chinese, from the font the `mplfonts` dependency installs; no font_path."""
    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if f.name.startswith("DejaVu")])
    manager._findfont_cached.cache_clear()
    charts.cjk_font.cache_clear()
    assert charts.cjk_font_file() == charts.packaged_font() is not None
    family = charts.cjk_font()
    charts.cjk_font.cache_clear()
    with rc_context({"font.family": [family, "DejaVu Sans"]}):
        used = manager.findfont(font_manager.FontProperties(family=[family]), fallback_to_default=False)
    manager._findfont_cached.cache_clear()
    assert used == charts.packaged_font()
    labels = "".join([*SENTIMENTS.values(), *DEFAULT_PLATFORMS.values(), *(level_label(n) for n in range(1, 5)),
                      "本周负面上周同日信息量（条）按时超时工单（件）周一二三四五六日（无）本周无可考核工单"])
    assert {ord(char) for char in labels} <= _charmap(used)


def test_the_digest_charts_render_chinese_labels_with_no_missing_glyph(sessions, settings, digest_now, recwarn):
    from responder.digest.figures import gather_figures

    charts.cjk_font.cache_clear()
    with sessions() as session:
        figures = gather_figures(session, settings, parse_week("2026-W47", SHANGHAI), digest_now)
    images = charts.draw_charts(figures)
    assert [i.png[:4] for i in images] == [b"\x89PNG"] * 3
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_a_missing_font_path_falls_back_to_the_packaged_font(caplog, tmp_path):
    with caplog.at_level(logging.WARNING, logger="responder.digest.charts"):
        assert charts.cjk_font_file(str(tmp_path / "gone.ttf")) == charts.packaged_font()
    assert "font_path" in caplog.text


def test_without_any_cjk_font_charts_degrade_with_a_warning(monkeypatch, caplog, sessions, settings, digest_now):
    from responder.digest.figures import gather_figures

    charts.cjk_font.cache_clear()
    monkeypatch.setattr(charts, "packaged_font", lambda: None)
    with sessions() as session:
        figures = gather_figures(session, settings, parse_week("2026-W47", SHANGHAI), digest_now)
    with caplog.at_level(logging.WARNING, logger="responder.digest.charts"):
        images = charts.draw_charts(figures)
    charts.cjk_font.cache_clear()
    assert "未找到中文字体" in caplog.text
    assert [i.png[:4] for i in images] == [b"\x89PNG"] * 3


def _run(hour: float, good: bool = True):
    return Run(WEEK_START + timedelta(hours=hour), good, "" if good else "HTTP 403")


@pytest.mark.parametrize("runs, expected", [
    ([_run(-0.25), *[_run(h / 2) for h in range(48)]], []),
    ([_run(-0.25), _run(1, good=False), _run(2, good=False), _run(3)], [(1, 3, "HTTP 403"), (3.5, 24, "未运行")]),
    ([_run(-0.25), _run(0), _run(10)], [(0.5, 10, "未运行"), (10.5, 24, "未运行")]),
    ([_run(20)], [(0, 20, "未运行"), (20.5, 24, "未运行")]),
    ([_run(-5, good=False)], [(0, 24, "HTTP 403")]),
])
def test_outages_after_failures_and_silences(runs, expected):
    spans = outages(runs, WEEK_START, WEEK_START + timedelta(hours=24), timedelta(minutes=30))
    hours = [((a - WEEK_START).total_seconds() / 3600, (b - WEEK_START).total_seconds() / 3600, why) for a, b, why in spans]
    assert hours == expected
