"""Masking personal data (ID-card, mobile and landline numbers) in anything that leaves the bureau.

One function, `mask_personal`, serves every outbound channel: the digest (HTML, text, .docx), email,
chat robots and webhooks. Numbers are found however they are written: run together or split by
spaces, hyphens, dots or their URL encodings (`%20`, `%2D`, `%2E`, `+`), inside URLs, right after
Latin letters, with a +86/0086 prefix, in full-width digits. A digit run longer than the number
(an order number) is left alone; the old 15-digit ID card is masked too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SEP_CHARS = r" \t\u00a0\u3000\-\u2010-\u2015\u2212\uff0d.\uff0e_+"
SEP = rf"(?:[{_SEP_CHARS}]|%20|%2[dDeE])"
# Not glued to a digit before (a %XX escape such as %3D or %20 counts as a boundary) nor after.
_START = r"(?:(?<=%[0-9A-Fa-f]{2})|(?<!\d))"
_END = r"(?!\d)"
_HEAD = rf"(\d{SEP}?\d{SEP}?\d)"
ID_CARD = re.compile(rf"{_START}{_HEAD}(?:{SEP}?\d){{12}}{SEP}?(\d{SEP}?\d{SEP}?[\dXx]){_END}")
OLD_ID_CARD = re.compile(rf"{_START}{_HEAD}(?:{SEP}?\d){{10}}{SEP}?(\d{SEP}?\d){_END}")
MOBILE = re.compile(rf"{_START}((?:\+|00)?86{SEP}?)?([1１][3-9３-９]\d){SEP}?\d{{4}}{SEP}?(\d{{4}}){_END}")
LANDLINE = re.compile(rf"{_START}([0０]\d{{2,3}}){SEP}?\d{{3,4}}{SEP}?(\d{{4}}){_END}")
_NOT_DIGIT = re.compile(r"[^\dXx]")


def _keep_ends(stars: int) -> Callable[[re.Match[str]], str]:
    """A replacement keeping the digits of the first and last group around `stars` asterisks."""
    return lambda m: _NOT_DIGIT.sub("", m.group(1)) + "*" * stars + _NOT_DIGIT.sub("", m.group(2))


def mask_personal(text: str | None) -> str:
    """The text with ID-card numbers and mobile/landline numbers partly replaced by asterisks."""
    if not text:
        return ""
    text = ID_CARD.sub(_keep_ends(12), text)
    text = MOBILE.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}****{m.group(3)}", text)
    text = OLD_ID_CARD.sub(_keep_ends(10), text)
    return LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)}", text)


def headline(title: str, text: str = "", limit: int = 40) -> str:
    """The one-line title people read for a post, event or case: the title, else the first non-empty
    line of the text, cut to `limit` characters by `shorten` (never inside a phone or ID number)."""
    line = next((part.strip() for part in (title or text).splitlines() if part.strip()), "")
    return shorten(line, limit)


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """The text cut to `limit` characters (ellipsis included), never inside a number: a cut that
    would leave the first digits of a phone or ID number (which no mask then recognises) drops them."""
    if len(text) <= limit:
        return text
    cut = text[:max(limit - len(ellipsis), 0)]
    if re.match(rf"{SEP}?\d", text[len(cut):]):
        cut = re.sub(rf"(?:{SEP}|\d)+$", "", cut)
    return cut + ellipsis
