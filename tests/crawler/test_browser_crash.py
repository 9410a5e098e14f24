"""A browser that crashes while a `browser` source pages: the posts captured before are kept, the page
is closed, and health counts a `browser` error with the browser's message; nothing is raised."""

from __future__ import annotations

import asyncio

from playwright._impl._errors import TargetClosedError
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.health import judge
from crawler.spiders.browser import BrowserSpider, Capture
from yuqing.core.config.sources import BrowserSource

SOURCE = BrowserSource.model_validate({"key": "notes", "name": "笔记搜索", "kind": "browser", "page_url": "http://x.test/s",
                                       "capture": "/api/", "items": "data", "fields": {"id": "id", "text": "t"}})


class CrashingPage:
    """A page whose renderer is gone when it is scrolled for the next page."""

    url = "http://x.test/s"
    closed = False

    async def evaluate(self, *_):
        raise TargetClosedError("Target page, context or browser has been closed")

    async def close(self):
        self.closed = True


async def crawl_one_page(spider: BrowserSpider, page: CrashingPage) -> list:
    capture = Capture(SOURCE.capture)
    answer = asyncio.get_running_loop().create_future()
    answer.set_result(("http://x.test/api/search", 200, '{"data": [{"id": "n1", "t": "榆川市民政局"}]}'))
    capture.pending.append(answer)
    response = HtmlResponse(page.url, body=b"", request=Request(page.url, meta={"playwright_page": page}))
    return [item async for item in spider.parse_page(response, "", capture)]


def test_a_crash_keeps_what_was_read_and_is_a_browser_error_in_health():
    crawler = get_crawler(BrowserSpider)
    spider = BrowserSpider.from_crawler(crawler, source=SOURCE)
    page = CrashingPage()
    items = asyncio.run(crawl_one_page(spider, page))
    assert [item.platform_id for item in items] == ["n1"] and page.closed
    stats = {**crawler.stats.get_stats(), "item_scraped_count": 1}
    outcome = judge(stats, "finished")
    assert outcome.status == "partial"
    assert "浏览器故障 ×1" in outcome.reason and "Target page, context or browser has been closed" in outcome.reason
