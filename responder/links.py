"""The one check a URL from outside passes before it becomes a link in anything the bureau sees or sends."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# What browsers skip (WHATWG URL parsing): C0 controls and spaces at either end, tabs and line breaks
# anywhere, so " java\tscript:" would still run; remove them before judging.
_IGNORED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]")


def safe_url(url: object) -> str:
    """The URL (without the characters browsers skip) when it is an http(s) address with a host; ''
    otherwise, so `javascript:`, `data:`, `vbscript:`, relative and malformed URLs never become links."""
    text = _IGNORED.sub("", str(url or ""))
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else ""
