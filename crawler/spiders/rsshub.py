"""How an RSSHub instance says a route failed, read from its answer.

RSSHub's error handler (DIYgod/RSSHub ``lib/errors/index.tsx``) answers 404 for a route that does not
exist (``NotFoundError``), 403 when a route refuses (``RejectError``) and 503 for anything else
(``FetchError`` from the site behind the route, ``RequestInProgressError``, ...). The body is an HTML
page (``lib/views/error.tsx``) with the message in ``<code class="… details">`` and the route after
"Route:", or, when RSSHub runs as a package, JSON ``{"error": {"message": …}}``.
"""

from __future__ import annotations

import json

from scrapy.http import Response, TextResponse

MAX_MESSAGE = 160


def json_error(response: Response) -> str | None:
    """The message of a JSON error answer ``{"error": {"message": …}}``, or None."""
    try:
        data = json.loads(response.body)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return str(data["error"].get("message", ""))
    return None


def html_error(response: Response) -> str | None:
    """The message of an HTML error page (its ``code.details``, else its title), or None when the
    answer is not HTML."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if "html" not in content_type or not isinstance(response, TextResponse):
        return None
    found = response.css("code.details::text").get() or response.css("title::text").get() or ""
    return " ".join(found.split())


def route_problem(response: Response) -> str:
    """What went wrong with a route's answer ('' when it is a feed)."""
    message = json_error(response)
    if message is None:
        message = html_error(response)
    if response.status != 200:
        return f"HTTP {response.status} {message or ''}".strip()[:MAX_MESSAGE]
    if message is not None:
        return f"返回的不是订阅: {message}"[:MAX_MESSAGE]
    return ""
