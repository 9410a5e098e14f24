"""The words and formats people read: sentiment and kind names and local time, for every page, message and report.

Kind names are the ones the analysis writes into its reasons (`analysis.kind.KIND_NAMES`), so a reason
and a label never disagree; the analysis is the lowest floor and cannot import this module.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from analysis.kind import KIND_NAMES

SENTIMENT_NAMES: dict[str, str] = {"negative": "负面", "neutral": "中性", "positive": "正面"}
NOT_ANALYSED = "未分析"
OTHER_KIND = KIND_NAMES["other"]

TIME_FORMAT = "%Y-%m-%d %H:%M"
SHORT_TIME_FORMAT = "%m-%d %H:%M"

__all__ = ["KIND_NAMES", "NOT_ANALYSED", "SENTIMENT_NAMES", "SHORT_TIME_FORMAT", "TIME_FORMAT", "kind_name",
           "local_time", "sentiment_name"]


def sentiment_name(label: str | None) -> str:
    """The Chinese name of a sentiment label (负面/中性/正面), 未分析 when there is none."""
    return SENTIMENT_NAMES.get(label or "", label or NOT_ANALYSED)


def kind_name(kind: str | None) -> str:
    """The Chinese name of an item kind (投诉, 咨询, ...), 其他 when there is none."""
    return KIND_NAMES.get(kind or "", kind or OTHER_KIND)


def local_time(value: datetime | None, tz: tzinfo, *, short: bool = False, empty: str = "—") -> str:
    """A moment in the bureau's time zone, `2026-11-17 14:05` (short: `11-17 14:05`), or `empty` for none."""
    if value is None:
        return empty
    return value.astimezone(tz).strftime(SHORT_TIME_FORMAT if short else TIME_FORMAT)
