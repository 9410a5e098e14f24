"""Chinese names and colours for the codes stored in the database."""

from __future__ import annotations

from responder.states import LEVEL_NUMERALS
from yuqing.config import Settings

LEVEL_SHORT = {number: f"{numeral}级" for number, numeral in LEVEL_NUMERALS.items()}
LEVEL_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#d4ac0d", 4: "#2e86c1"}
SENTIMENTS = {"negative": "负面", "neutral": "中性", "positive": "正面", "none": "未分析"}
SENTIMENT_COLOURS = {"negative": "#c0392b", "neutral": "#95a5a6", "positive": "#27ae60", "none": "#d5d8dc"}
KINDS = {"complaint": "投诉", "consultation": "咨询", "request": "诉求", "rumour": "待核实传闻", "praise": "表扬",
         "other": "其他"}


def kind_name(kind: str) -> str:
    """The Chinese name of an item kind."""
    return KINDS.get(kind, kind or "其他")


def platform_name(settings: Settings, platform: str) -> str:
    """The configured Chinese name of a platform key."""
    return settings.digest.platform_labels.get(platform, platform or "其他")


def staff_name(settings: Settings, key: str) -> str:
    """A staff member's name, or the key when the person is not in staff.yaml."""
    try:
        return settings.member(key).name
    except KeyError:
        return key or "未分派"

