"""Spiders by kind of source; `spider_for(kind)` maps a config `kind` to its class."""

from __future__ import annotations

from crawler.spiders.api import ApiSpider
from crawler.spiders.base import SourceSpider
from crawler.spiders.board import BoardSpider
from crawler.spiders.browser import BrowserSpider
from crawler.spiders.feed import FeedSpider
from crawler.spiders.html import HtmlSpider
from crawler.spiders.tieba import TiebaSpider
from crawler.spiders.weibo import WeiboSpider
from crawler.spiders.weibo_account import WeiboAccountSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    spider.kind: spider
    for spider in (WeiboSpider, WeiboAccountSpider, FeedSpider, HtmlSpider, TiebaSpider, BoardSpider, ApiSpider,
                   BrowserSpider)
}


def spider_for(kind: str) -> type[SourceSpider]:
    """The spider class for a kind of source; unknown kinds are a clear error."""
    try:
        return SPIDERS[kind]
    except KeyError:
        raise ValueError(f"未知的数据源类型 {kind!r}；可用: {', '.join(sorted(SPIDERS))}") from None
