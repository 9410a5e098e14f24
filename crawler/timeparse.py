"""Parse the dates and counts Chinese sites print: 刚刚, 5分钟前, 今天 12:30, 11-20, 1.2万, 100万+."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

_AGO = re.compile(r"^(\d+)\s*(秒|分钟|小时|天)前$")
_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}
_DAY_WORDS = {"今天": 0, "昨天": 1, "前天": 2}
_NUMERIC = re.compile(
    r"^(?:(?P<y>\d{4})[-/年.])?(?P<m>\d{1,2})[-/月.](?P<d>\d{1,2})日?"
    r"(?:\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_FIXED_FORMATS = ("%a %b %d %H:%M:%S %z %Y", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z")
_COUNT = re.compile(r"^([\d.]+)\s*(万|亿|w|W|k|K)?\+?$")
_MULTIPLIERS = {None: 1, "万": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000, "k": 1000, "K": 1000}


def _relative(text: str, local_now: datetime) -> datetime | None:
    if text in ("刚刚", "刚才"):
        return local_now
    if found := _AGO.match(text):
        return local_now - timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
    word, _, clock = text.partition(" ")
    if word in _DAY_WORDS:
        hour, minute = (int(x) for x in clock.split(":")) if clock else (0, 0)
        day = local_now - timedelta(days=_DAY_WORDS[word])
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if found := _CLOCK.match(text):
        return local_now.replace(hour=int(found.group(1)), minute=int(found.group(2)), second=0, microsecond=0)
    return None


def _numeric(text: str, local_now: datetime) -> datetime | None:
    if found := _YEAR_MONTH.match(text):
        return local_now.replace(year=int(found.group(1)), month=int(found.group(2)), day=1,
                                 hour=0, minute=0, second=0, microsecond=0)
    found = _NUMERIC.match(text)
    if not found:
        return None
    parts = {k: int(v) for k, v in found.groupdict().items() if v is not None}
    result = local_now.replace(year=parts.get("y", local_now.year), month=parts["m"], day=parts["d"],
                               hour=parts.get("H", 0), minute=parts.get("M", 0), second=parts.get("S", 0),
                               microsecond=0)
    if "y" not in parts and result > local_now + timedelta(days=1):
        result = result.replace(year=result.year - 1)
    return result


def _with_formats(text: str, formats: tuple[str, ...], zone: tzinfo) -> datetime | None:
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return None


def parse_cn_time(text: str, now: datetime, zone: tzinfo, formats: tuple[str, ...] = ()) -> datetime | None:
    """An aware datetime for a site's date text, relative ones counted back from `now` in `zone`;
    None when the text is not a date. `formats` (strptime) are tried first."""
    text = " ".join(text.replace("\xa0", " ").split())
    if not text:
        return None
    local_now = now.astimezone(zone)
    try:
        return (_with_formats(text, tuple(formats), zone) or _with_formats(text, _FIXED_FORMATS, zone)
                or _relative(text, local_now) or _numeric(text, local_now))
    except ValueError:
        return None


def parse_count(value: object) -> int:
    """Engagement counts as integers: 15, "1.2万", "3亿", "100万+"; labels such as "转发" count as 0."""
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    found = _COUNT.match(str(value).strip().replace(",", ""))
    if not found:
        return 0
    return int(float(found.group(1)) * _MULTIPLIERS[found.group(2)])
