"""How numbers read in the digest: shares, changes and durations in Chinese."""

from __future__ import annotations


def percent(value: float | None) -> str:
    """0.123 → 12.3%; None → —."""
    return "—" if value is None else f"{value * 100:.1f}%"


def change_text(value: float | None) -> str:
    """A week-on-week change: 上升 12.3%, 下降 4.0%, 持平, or 无可比数据 when last week had none."""
    if value is None:
        return "无可比数据"
    if abs(value) < 0.0005:
        return "持平"
    return f"{'上升' if value > 0 else '下降'} {abs(value) * 100:.1f}%"


def hours_text(value: float | None) -> str:
    """A duration in hours: 3.5 小时, 45 分钟, or —."""
    if value is None:
        return "—"
    if value < 1:
        return f"{round(value * 60)} 分钟"
    return f"{value:.1f} 小时"


FILTERS = {"percent": percent, "change": change_text, "hours": hours_text}
