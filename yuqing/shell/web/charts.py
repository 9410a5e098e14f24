"""Geometry for the dashboard's inline SVG chart: mention bars and a negative-share line."""

from __future__ import annotations

from dataclasses import dataclass

from yuqing.shell.web.dashboard import DayFigure

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 240, 44, 44, 16, 36


@dataclass(frozen=True)
class Bar:
    """One day's bar, its label and the point of the negative-share line above it."""

    x: float
    y: float
    width: float
    height: float
    label: str
    mentions: int
    share_percent: int
    point_x: float
    point_y: float


@dataclass(frozen=True)
class TrendChart:
    """Everything the template needs to draw the chart."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    max_mentions: int
    bars: list[Bar]

    @property
    def line_points(self) -> str:
        """The negative-share polyline as SVG points."""
        return " ".join(f"{b.point_x:.1f},{b.point_y:.1f}" for b in self.bars)


def _nice_max(value: int) -> int:
    for step in (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    return value


def trend_chart(days: list[DayFigure]) -> TrendChart:
    """Lay out one bar per day scaled to the busiest day, and the share line on a 0–100% scale."""
    top_value = _nice_max(max((d.mentions for d in days), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    bars = []
    for i, day in enumerate(days):
        height = plot_h * day.mentions / top_value
        x = LEFT + i * slot + slot * 0.15
        bars.append(Bar(round(x, 1), round(TOP + plot_h - height, 1), round(slot * 0.7, 1), round(height, 1),
                        day.day.strftime("%m-%d"), day.mentions, round(day.negative_share * 100),
                        LEFT + i * slot + slot / 2, TOP + plot_h * (1 - day.negative_share)))
    return TrendChart(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, top_value, bars)
