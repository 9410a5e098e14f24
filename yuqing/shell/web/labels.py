"""The desk's names for levels, states and actions, and deadline countdowns (shared words live in yuqing.core.display)."""

from __future__ import annotations

from datetime import datetime

from responder.states import LEVEL_LABELS, STATE_LABELS, action_label, state_label
from responder.states import LEVEL_NUMERALS as LEVEL_NUMERALS  # re-exported: the templates read labels.LEVEL_NUMERALS

LEVELS = LEVEL_LABELS
LEVEL_COLOURS = {1: "红色", 2: "橙色", 3: "黄色", 4: "蓝色"}
STATES = STATE_LABELS


state_name = state_label
DESK_ACTIONS = {"relabel": "更正标注（情感或级别）"}


def action_name(action: str) -> str:
    """The Chinese name of an action as the desk shows it (re-labelling covers sentiment and level)."""
    return DESK_ACTIONS.get(action) or action_label(action)


def _span(minutes: int) -> str:
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    return f"{hours}小时{mins}分" if hours else f"{mins}分钟"


def time_left(deadline: datetime | None, now: datetime) -> tuple[str, str]:
    """Text and CSS class for the time until a deadline ("已超时…" once it has passed)."""
    if deadline is None:
        return "无时限", "left-none"
    minutes = int((deadline - now).total_seconds() // 60)
    if minutes < 0:
        return f"已超时 {_span(-minutes)}", "left-overdue"
    return f"剩余 {_span(minutes)}", "left-soon" if minutes < 180 else "left-ok"
