"""Masking personal data (ID-card and phone numbers) in text quoted from posts."""

from __future__ import annotations

import re

ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{12}(\d{2}[\dXx])(?![0-9A-Za-z])|(?<!\d)(\d{3})\d{10}(\d{2})(?!\d)")
MOBILE = re.compile(r"(?<!\d)(\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?\d{3,4}(\d{4})(?!\d)")


def _mask_id(match: re.Match[str]) -> str:
    head, tail = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return f"{head}{'*' * (len(match.group(0)) - len(head) - len(tail))}{tail}"


def mask_personal(text: str | None) -> str:
    """The text with ID-card numbers and mobile/landline numbers partly replaced by asterisks."""
    if not text:
        return ""
    text = ID_CARD.sub(_mask_id, text)
    text = MOBILE.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}****{m.group(3)}", text)
    return LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)}", text)
