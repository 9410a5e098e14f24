"""The digest's names and colours for stored codes (the shared words come from yuqing.core.display)."""

from __future__ import annotations

from responder.states import LEVEL_NUMERALS
from yuqing.core.config import Settings
from yuqing.core.display import NOT_ANALYSED, SENTIMENT_NAMES

LEVEL_SHORT = {number: f"{numeral}级" for number, numeral in LEVEL_NUMERALS.items()}
LEVEL_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#d4ac0d", 4: "#2e86c1"}
SENTIMENTS = {**SENTIMENT_NAMES, "none": NOT_ANALYSED}
SENTIMENT_COLOURS = {"negative": "#c0392b", "neutral": "#95a5a6", "positive": "#27ae60", "none": "#d5d8dc"}


def platform_name(settings: Settings, platform: str) -> str:
    """The configured Chinese name of a platform key."""
    return settings.digest.platform_labels.get(platform, platform or "其他")


def staff_name(settings: Settings, key: str) -> str:
    """A staff member's name, or the key when the person is not in staff.yaml."""
    try:
        return settings.member(key).name
    except KeyError:
        return key or "未分派"

