"""Downloader middlewares: retries with backoff and Retry-After, cookies from the environment,
and GBK/GB18030 detection for Chinese pages that do not declare their encoding."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.settings import configured

logger = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 60.0


def retry_after_seconds(value: bytes | None, now: datetime) -> float | None:
    """Seconds asked for by a Retry-After header (delta seconds or an HTTP date), None when absent."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isascii() and text.isdigit():  # `¹` and other non-ASCII digits pass isdigit() but not float()
        return float(text)
    try:
        return max(0.0, (parsedate_to_datetime(text) - now).total_seconds())
    except (TypeError, ValueError):
        return None


async def _pause(seconds: float) -> None:
    from twisted.internet import reactor

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting before each one: Retry-After when the server sends it (429/503),
    otherwise an exponential backoff. A Retry-After beyond the configured maximum is not waited for."""

    def __init__(self, settings, crawler: Crawler):
        super().__init__(settings)
        self.crawler = crawler
        self.backoff = float(configured(settings, "YUQING_RETRY_BACKOFF"))
        self.max_retry_after = float(configured(settings, "YUQING_MAX_RETRY_AFTER"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Build from the crawler's settings."""
        return cls(crawler.settings, crawler)

    def _backoff(self, request: Request) -> float:
        return min(MAX_BACKOFF_SECONDS, self.backoff * 2 ** request.meta.get("retry_times", 0))

    async def process_response(  # type: ignore[override]  # Scrapy 2.13 accepts coroutine middleware methods
            self, request: Request, response: Response, spider=None) -> Request | Response:
        """Retry retryable statuses after the server's or our own delay."""
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"), datetime.now(timezone.utc))
        if asked is not None and asked > self.max_retry_after:
            self.crawler.stats.inc_value("yuqing/errors/retry_after_too_long")
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if asked is not None:
            self.crawler.stats.inc_value("yuqing/retry_after_honoured")
        await _pause(asked if asked is not None else self._backoff(request))
        return retry

    async def process_exception(  # type: ignore[override]  # as process_response
            self, request: Request, exception: Exception, spider=None) -> Request | None:
        """Retry timeouts and connection errors after a backoff."""
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await _pause(self._backoff(request))
        return retry


class EnvCookiesMiddleware:
    """Sends the Cookie header held by the environment variable the source names (cookies_env).
    It runs after Scrapy's CookiesMiddleware, which replaces any Cookie header by its jar's, and
    adds the environment's cookies that the jar does not hold (a cookie the site set since wins)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        name = crawler.settings.get("YUQING_COOKIES_ENV", "")
        self.cookie = os.environ.get(name, "") if name else ""
        if name and not self.cookie:
            logger.warning("环境变量 %s 未设置，本数据源将不带 Cookie 抓取", name)
            crawler.stats.set_value("yuqing/cookies_missing", name)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EnvCookiesMiddleware:
        """Build from the crawler's settings."""
        return cls(crawler)

    def process_request(self, request: Request, spider=None) -> None:
        """Add the environment's cookies to the request's Cookie header, leaving those it has."""
        if not self.cookie:
            return
        present = request.headers.get(b"Cookie", b"").decode("utf-8")
        names = {pair.split("=", 1)[0].strip() for pair in present.split(";") if pair.strip()}
        missing = [pair.strip() for pair in self.cookie.split(";")
                   if pair.strip() and pair.split("=", 1)[0].strip() not in names]
        if missing:
            request.headers[b"Cookie"] = "; ".join([present, *missing] if present else missing).encode("utf-8")


class EncodingFallbackMiddleware:
    """Decode undeclared non-UTF-8 pages as GB18030 (a superset of GBK/GB2312) instead of cp1252,
    or use the encoding the source config forces."""

    def __init__(self, forced: str):
        self.forced = forced

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EncodingFallbackMiddleware:
        """Build from the crawler's settings."""
        return cls(crawler.settings.get("YUQING_FORCE_ENCODING", ""))

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        """Re-label the response's encoding when it is undeclared and not UTF-8."""
        if not isinstance(response, TextResponse):
            return response
        if self.forced:
            return response.replace(encoding=self.forced)
        body = response.body
        declared = (http_content_type_encoding(response.headers.get(b"Content-Type", b"").decode("latin-1"))
                    or read_bom(body)[0] or html_body_declared_encoding(body))
        if declared or _decodes(body, "utf-8") or not _decodes(body, "gb18030"):
            return response
        return response.replace(encoding="gb18030")


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
