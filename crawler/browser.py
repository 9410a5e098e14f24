"""The crawl's one headless browser and the sources' saved login sessions.

Sources that need a browser (`render: browser`, the `browser` kind) download through
scrapy-playwright's handler; every crawler of the process borrows the same Chromium from
`SharedBrowserProvider` (Debian's package at the configured path, never a downloaded build), and
the last one to close shuts it. `LoginSessionMiddleware` gives a source that has a `login` profile
the saved session of one of its accounts (the least recently used valid one): as the browser
context's storage state, or as a Cookie header when the environment gives none."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotSupported
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from crawler.spiders.base import EXPIRED
from yuqing.core.config.sources import BrowserConfig
from yuqing.core.login.store import SessionStore

logger = logging.getLogger(__name__)
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


class BrowserPool:
    """The process's one Playwright driver and Chromium, launched on first need and closed with its
    last borrower; a browser that crashed is launched anew for the next borrower."""

    def __init__(self) -> None:
        self.lock: asyncio.Lock | None = None
        self.driver: Any = None
        self.browser: Any = None
        self.users = 0

    async def acquire(self, launch_options: dict[str, Any]) -> Any:
        """The shared browser, launched when there is none or it has disconnected."""
        from playwright.async_api import async_playwright

        self.lock = self.lock or asyncio.Lock()
        async with self.lock:
            if self.browser is None or not self.browser.is_connected():
                self.driver = self.driver or await async_playwright().start()
                self.browser, self.users = await self.driver.chromium.launch(**launch_options), 0
            self.users += 1
            return self.browser

    async def release(self) -> None:
        """Give back one share; the last one closes the browser and the driver."""
        async with self.lock:
            self.users -= 1
            if self.users > 0:
                return
            browser, driver, self.browser, self.driver = self.browser, self.driver, None, None
            if browser is not None and browser.is_connected():
                await browser.close()
            if driver is not None:
                await driver.stop()


POOL = BrowserPool()


class SharedBrowser:
    """The shared browser as one crawler's download handler holds it: closing it gives back its share."""

    def __init__(self, browser: Any):
        self._browser = browser
        self._released = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    async def close(self) -> None:
        """Give back this crawler's share of the browser (once)."""
        if not self._released:
            self._released = True
            await POOL.release()


class SharedBrowserProvider:
    """scrapy-playwright browser provider lending every crawler of the process the same Chromium."""

    def __init__(self, config: Any) -> None:
        self.config = config

    async def start(self) -> None:
        """Nothing to start: the pool starts the driver with the first browser."""

    async def launch_browser(self) -> SharedBrowser:
        """A share of the process's browser."""
        return SharedBrowser(await POOL.acquire(self.config.launch_options))

    async def launch_persistent_context(self, context_kwargs: dict) -> Any:
        """Persistent profiles are not used: sessions are storage states saved by `yuqing login`."""
        raise NotSupported("persistent browser contexts are not used")

    async def close(self) -> None:
        """Nothing to close: the handler closes its share of the browser."""


def browser_settings(config: BrowserConfig, source: Any, data_dir: str) -> dict[str, Any]:
    """Scrapy settings for one source: its login sessions' folder and, when it needs a browser,
    scrapy-playwright's handler with the shared, bounded Chromium."""
    values: dict[str, Any] = {"YUQING_DATA_DIR": data_dir,
                              "DOWNLOADER_MIDDLEWARES": {"crawler.browser.LoginSessionMiddleware": 720}}
    if not source.needs_browser:
        return values
    timeout_ms = config.navigation_timeout_seconds * 1000
    return {**values,
            "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_BROWSER_PROVIDER": "crawler.browser.SharedBrowserProvider",
            "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": config.executable_path, "args": list(config.args),
                                          "headless": True, "timeout": timeout_ms},
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": config.max_pages,
            "PLAYWRIGHT_MAX_CONTEXTS": config.max_contexts,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms}


def cookie_header(state: dict[str, Any], url: str, present: str = "") -> str:
    """The Cookie header `present` plus the storage state's cookies for the URL's host that it lacks
    (cookies from the environment and those the site set since are kept)."""
    host = urlsplit(url).hostname or ""
    names = {pair.split("=", 1)[0].strip() for pair in present.split(";") if pair.strip()}
    pairs = [f"{c['name']}={c['value']}" for c in state.get("cookies", []) if c["name"] not in names
             and (host == c.get("domain", "").lstrip(".") or host.endswith("." + c.get("domain", "").lstrip(".")))]
    return "; ".join(filter(None, [present, *pairs]))


class LoginSessionMiddleware:
    """Sends a source's requests through the browser when it needs one, with the saved session of
    one of its accounts; a page that says the session has expired closes the source as 登录失效,
    and the account's session is marked expired when the source closes so."""

    def __init__(self, crawler: Crawler):
        spider: Any = crawler.spider
        self.crawler = crawler
        self.source = spider.source
        self.store = SessionStore(crawler.settings.get("YUQING_DATA_DIR", "data"))
        self.account = ""
        self.state: dict[str, Any] | None = None
        if self.source.login is not None:
            self._take_session()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LoginSessionMiddleware:
        """Build for the crawler's source."""
        return cls(crawler)

    def _take_session(self) -> None:
        try:
            taken = self.store.take(self.source.key, datetime.now(timezone.utc))
        except Exception as exc:  # a missing key or a damaged file must not stop the other sources
            logger.warning("%s: 登录会话无法读取: %s", self.source.key, exc)
            self.crawler.stats.set_value("yuqing/session_error", str(exc))
            return
        if taken is None:
            self.crawler.stats.set_value("yuqing/session_error", "没有有效的登录会话")
            return
        info, self.state = taken
        self.account = info.account
        self.crawler.stats.set_value("yuqing/session", info.account)

    def process_request(self, request: Request, spider=None) -> None:
        """Route through the browser with the session's storage state (robots.txt stays plain), or add
        the session's cookies to those the request carries (after Scrapy's jar and the environment's)."""
        if self.source.needs_browser and not urlsplit(request.url).path.endswith("/robots.txt"):
            request.meta.setdefault("playwright", True)
            request.meta.setdefault("playwright_context", f"{self.source.key}:{self.account or '-'}")
            if self.state is not None:
                request.meta.setdefault("playwright_context_kwargs", {"storage_state": self.state})
        elif self.state is not None:
            header = cookie_header(self.state, request.url, request.headers.get(b"Cookie", b"").decode("utf-8"))
            if header:
                request.headers[b"Cookie"] = header.encode("utf-8")

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        """A redirect to the platform's login page ends the source as 登录失效."""
        login = self.source.login
        if login is not None and login.expired_url and login.expired_url in response.url:
            reason = f"{EXPIRED}：被带到登录页，请运行 yuqing login {self.source.key}"
            self.crawler.stats.set_value("yuqing/blocked", reason)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="blocked: " + reason))
            raise IgnoreRequest(reason)
        return response

    def spider_closed(self, spider, reason: str) -> None:
        """Mark the account's session expired when the source closed as 登录失效; otherwise keep the
        cookies its browser ended with, when the spider read them."""
        if not self.account:
            return
        if EXPIRED in reason:
            self.store.mark_expired(self.source.key, self.account, datetime.now(timezone.utc), reason)
        elif getattr(spider, "session_state", None):
            self.store.refresh(self.source.key, self.account, spider.session_state, self.source.login.done_cookie)
