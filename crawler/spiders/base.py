"""The base spider every kind of source derives from, and the contract it keeps.

A spider only parses: responses become `PostItem`s and further `Request`s. It never cleans,
filters, de-duplicates or stores (the item pipelines do). It reports what went wrong through
the crawl stats (`yuqing/errors/<kind>`) and closes with a `blocked: <reason>` finish reason
when the site answers with a login wall or a captcha, or `failed: <reason>` when the source cannot
run at all (a secret missing from the environment), so the health extension can tell.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, ClassVar, Sequence
from zoneinfo import ZoneInfo

import scrapy
from scrapy.exceptions import CloseSpider
from twisted.python.failure import Failure

from yuqing.core.login import EXPIRED

BLOCKED = "blocked: "
FAILED = "failed: "
logger = logging.getLogger(__name__)


def browser_error(error: BaseException) -> str | None:
    """The first line of a browser (Playwright) error: it did not start, crashed or timed out; None
    for any other error."""
    if not type(error).__module__.startswith("playwright"):
        return None
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def failure_kind(failure: Failure) -> str:
    """A short stats name for why a request failed: http_500, timeout, too_large, redirect_loop, browser, ..."""
    error = failure.value
    if browser_error(error) is not None:
        return "browser"
    response = getattr(error, "response", None)
    if response is not None:
        return f"http_{response.status}"
    name, text = type(error).__name__, str(error)
    for needle, kind in (("Timeout", "timeout"), ("Cancelled", "too_large"), ("DNS", "dns"),
                         ("Refused", "connection"), ("ConnectionLost", "connection"), ("DataLoss", "truncated")):
        if needle in name:
            return kind
    if "redirections" in text:
        return "redirect_loop"
    if "robots.txt" in text:
        return "robots_forbidden"
    return name.lower()


def scheme_keywords(mention: dict[str, Any], limit: int, max_length: int = 0) -> list[str]:
    """Search words from the monitoring scheme (names first, then the city with the generic subject
    and each topic's first event word), at most `limit` of them and none longer than `max_length`
    characters (0: any length), so that each platform gets words its search accepts."""
    from analysis.mention import MonitoringScheme

    events = [topic["keywords"][0] for topic in mention.get("business", {}).get("topics", []) if topic["keywords"]]
    words = MonitoringScheme.build(**mention.get("scheme", {"names": []})).search_keywords(events, limit=10_000)
    return [word for word in words if not max_length or len(word) <= max_length][:limit]


class SourceSpider(scrapy.Spider):
    """One configured source. Subclasses implement `first_requests()` and their callbacks.

    `keywords` (a temporary watch's words) replace a searching source's own; sources that do not
    search ignore them."""

    kind: ClassVar[str] = ""

    def __init__(self, source: Any, cutoff: datetime | None = None, cursors: dict[str, datetime] | None = None,
                 now: datetime | None = None, zone: str = "Asia/Shanghai", page_budget: int | None = None,
                 keywords: Sequence[str] = (), **kwargs: Any):
        super().__init__(name=source.key, **kwargs)
        self.source = source
        self.keywords = list(keywords)
        self.cutoff = cutoff
        self.cursors = cursors or {}
        self.page_budget = page_budget or source.max_pages
        self.now = now or datetime.now(timezone.utc)
        self.zone = ZoneInfo(zone)

    @property
    def platform(self) -> str:
        """The platform label stored on posts."""
        return self.source.platform or self.kind

    async def start(self):
        """The source's first requests, each with the common error handler."""
        for request in self.first_requests():
            yield request

    def first_requests(self) -> list[scrapy.Request]:
        """Requests that begin the crawl of this source."""
        raise NotImplementedError

    def search_words(self) -> list[str]:
        """The words a searching source asks for: a watch's, the source's own, else the monitoring
        scheme's (at most `max_keywords`); none when the source has its search switched off. Words
        longer than the platform takes (`max_keyword_length`) are left out, with a warning."""
        if not getattr(self.source, "search", True):
            return []
        longest = getattr(self.source, "max_keyword_length", 0)
        words = self.keywords or list(self.source.keywords) or scheme_keywords(
            self.settings.getdict("YUQING_MENTION"), self.source.max_keywords, longest)
        kept = [word for word in words if not longest or len(word) <= longest]
        if len(kept) < len(words):
            logger.warning("%s: 搜索词超过 %d 个字，已略去: %s", self.name, longest,
                           "、".join(word for word in words if word not in kept))
        return kept

    def request(self, url: str, callback, **kwargs: Any) -> scrapy.Request:
        """A request whose failures are counted by kind."""
        return scrapy.Request(url, callback=callback, errback=self.on_error, **kwargs)

    def seen(self, published: datetime | None, stream: str) -> bool:
        """True when a post is not newer than the --since date or, without one, than what the last
        clean run saw in the same stream (keyword, feed, start page or forum)."""
        limit = self.cutoff or self.cursors.get(stream)
        return bool(limit and published and published <= limit)

    def on_error(self, failure: Failure) -> None:
        """Count a failed request under its kind; the crawl goes on."""
        kind = failure_kind(failure)
        if kind == "browser":
            self.failed_part(kind, f"浏览器无法打开页面：{browser_error(failure.value)}")
            return
        self.crawler.stats.inc_value(f"yuqing/errors/{kind}")
        logger.warning("%s: 请求失败 (%s): %s", self.name, kind, getattr(failure, "request", failure.value))

    def listed(self, count: int) -> None:
        """Count entries seen on list pages, new or not: the source's volume for health checks."""
        self.crawler.stats.inc_value("yuqing/listed", count)

    def malformed(self, response: scrapy.http.Response, what: str) -> None:
        """Count a page whose content could not be parsed."""
        self.crawler.stats.inc_value("yuqing/errors/malformed")
        logger.warning("%s: 页面格式异常 (%s): %s", self.name, what, response.url)

    def failed_part(self, kind: str, detail: str) -> None:
        """Count an error whose health reason must say which part failed (an RSSHub route, ...)."""
        self.crawler.stats.inc_value(f"yuqing/errors/{kind}")
        details = self.crawler.stats.get_value("yuqing/error_details") or []
        self.crawler.stats.set_value("yuqing/error_details", [*details, detail])
        logger.warning("%s: %s", self.name, detail)

    def blocked(self, reason: str) -> None:
        """Stop this source: the site wants a login or a captcha solved."""
        self.crawler.stats.set_value("yuqing/blocked", reason)
        raise CloseSpider(BLOCKED + reason)

    def session_expired(self, detail: str) -> None:
        """Stop this source: its login session has expired (the admin is told which command renews it)."""
        self.blocked(f"{EXPIRED}：{detail}；请运行 yuqing login {self.name}")

    def fail(self, reason: str) -> None:
        """Stop this source before it asks anything: it cannot run as configured here."""
        self.crawler.stats.set_value("yuqing/failed", reason)
        raise CloseSpider(FAILED + reason)
