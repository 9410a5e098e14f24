"""Browser-driven sources (`browser` kind): a search or list page opened in the crawl's headless
browser with the saved session; the JSON answers that the page's own scripts fetch (and sign) are
captured and mapped to posts by the same JMESPath paths as the `api` kind. Further pages come from
scrolling or clicking "next", each bounded by the page budget and a wait."""

from __future__ import annotations

import asyncio
import re
from typing import Any, AsyncIterator
from urllib.parse import quote

from scrapy import Request
from scrapy.http import Response

from crawler.items import PostItem
from crawler.spiders.api import JsonPosts, fill
from crawler.spiders.base import browser_error

EXPIRED_STATUSES = (401, 419, 440)


class Capture:
    """The answers of one page whose URL matches the source's pattern, read as they arrive."""

    def __init__(self, pattern: str):
        self.pattern = re.compile(pattern)
        self.pending: list[asyncio.Future] = []
        self.arrived = asyncio.Event()

    def __call__(self, response: Any) -> None:
        """Playwright's response event: start reading a matching answer's body."""
        if self.pattern.search(response.url):
            self.pending.append(asyncio.ensure_future(self._read(response)))
            self.arrived.set()

    @staticmethod
    async def _read(response: Any) -> tuple[str, int, str | None]:
        try:
            return response.url, response.status, await response.text()
        except Exception:  # the page navigated or closed before the body was read
            return response.url, response.status, None

    async def take(self, timeout: float) -> list[tuple[str, int, str | None]]:
        """The answers that arrived since the last take, waiting up to `timeout` for the first one."""
        if not self.pending:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), timeout)
            except asyncio.TimeoutError:
                return []
        taken, self.pending = self.pending, []
        return list(await asyncio.gather(*taken))


class BrowserSpider(JsonPosts):
    """One page per keyword (or one); its captured answers, then scrolls or "next" clicks until an
    answer brings nothing new, a post not newer than the last run, or the page budget. A login
    source's cookies as the page ended with them are left in `session_state` for the session store."""

    kind = "browser"

    def __init__(self, source: Any, **kwargs: Any):
        super().__init__(source, {"has_more": source.has_more}, **kwargs)
        self.session_state: dict[str, Any] | None = None

    def first_requests(self) -> list[Request]:
        """The page of every keyword; a login source without a valid session fails at once."""
        missing = self.crawler.stats.get_value("yuqing/session_error")
        if self.source.login is not None and missing:
            self.fail(f"{missing}：请运行 yuqing login {self.name}")
        words = self.keywords or self.source.keywords or [""]
        return [self.page_request(word) for word in words]

    def page_request(self, keyword: str) -> Request:
        """The configured page for one keyword, kept open for the callback, its answers captured."""
        capture = Capture(self.source.capture)
        url = fill(self.source.page_url, {"keyword": keyword}, lambda text: quote(text, safe=""))
        meta = {"playwright": True, "playwright_include_page": True,
                "playwright_page_event_handlers": {"response": capture}}
        return Request(url, callback=self.parse_page, errback=self.on_page_error, meta=meta, dont_filter=True,
                       cb_kwargs={"keyword": keyword, "capture": capture})

    async def parse_page(self, response: Response, keyword: str, capture: Capture) -> AsyncIterator[PostItem]:
        """Posts of the captured answers, page after page; the browser page is closed in any case."""
        page = response.meta["playwright_page"]
        stream = keyword or "all"
        try:
            self.check_login_page(page.url)
            for index in range(1, self.page_budget + 1):
                answers = await capture.take(self.source.wait_seconds)
                posts, more = self.read_answers(answers, stream)
                for post in posts:
                    yield post
                if not more or index == self.page_budget or self.source.next == "none":
                    break
                await self.advance(page)
            if self.source.login is not None:
                self.session_state = dict(await page.context.storage_state())
        except Exception as exc:
            detail = browser_error(exc)
            if detail is None:
                raise
            self.failed_part("browser", f"浏览器页面出错：{detail}")
        finally:
            await page.close()

    def read_answers(self, answers: list[tuple[str, int, str | None]], stream: str) -> tuple[list[PostItem], bool]:
        """The posts of a round of answers and whether the next page is worth asking for."""
        posts: list[PostItem] = []
        fresh = False
        for url, status, text in answers:
            if status in EXPIRED_STATUSES:
                self.session_expired(f"接口答复 HTTP {status}")
            data = self.answer_data(text or "", url)
            page = self.posts_in(data, stream, url) if data is not None else None
            if page is not None:
                posts += page[0]
                fresh |= not page[1] and (not self.source.has_more or bool(self.search("has_more", data)))
        return posts, fresh

    def check_login_page(self, url: str) -> None:
        """A page that landed on the platform's login page means the session has expired."""
        login = self.source.login
        if login is not None and login.expired_url and login.expired_url in url:
            self.session_expired("页面跳转到登录页")

    async def advance(self, page: Any) -> None:
        """Make the page fetch its next page of results: scroll to the bottom or click "next"."""
        if self.source.next == "click":
            await page.click(self.source.next_selector, timeout=self.source.wait_seconds * 1000)
        else:
            await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")

    def on_page_error(self, failure: Any) -> None:
        """A page that could not be opened: its browser page is closed, the failure counted."""
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            asyncio.ensure_future(page.close())
        self.on_error(failure)
