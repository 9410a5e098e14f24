"""A generic list-and-detail spider: selectors, paging and date formats come from the config."""

from __future__ import annotations

from datetime import datetime

from parsel import Selector, SelectorList
from scrapy.http import Response

from crawler.items import PostItem
from crawler.spiders.base import SourceSpider
from crawler.timeparse import parse_cn_time

META_DATES = ('meta[property="article:published_time"]::attr(content)', 'meta[name="PubDate"]::attr(content)',
              'meta[name="pubdate"]::attr(content)')


def pick(node: Selector | Response, expression: str) -> SelectorList:
    """Nodes matching a CSS selector, or an XPath one written as ``xpath:<expr>``."""
    if expression.startswith("xpath:"):
        return node.xpath(expression[len("xpath:"):])
    return node.css(expression)


def first(node: Selector | Response, expression: str) -> str:
    """The first match of an (optional) selector as stripped text, or ''."""
    if not expression:
        return ""
    return (pick(node, expression).get() or "").strip()


class HtmlSpider(SourceSpider):
    """List pages give links (and maybe dates); each detail page gives one post."""

    kind = "html"

    def first_requests(self):
        """The configured list pages."""
        return [self.request(url, self.parse_list, cb_kwargs={"page": 1, "stream": url})
                for url in self.source.start_urls]

    def date_of(self, text: str) -> datetime | None:
        """A date in one of the configured formats, or any format the site family uses."""
        return parse_cn_time(text, self.now, self.zone, tuple(self.source.date_formats)) if text else None

    def parse_list(self, response: Response, page: int, stream: str):
        """Detail requests for the listed posts, then the next list page."""
        selectors = self.source.selectors
        rows = pick(response, selectors.item)
        if not rows:
            self.malformed(response, f"列表选择器 {selectors.item!r} 未匹配")
            return
        self.listed(len(rows))
        reached_seen = False
        for row in rows:
            link = first(row, selectors.link)
            published = self.date_of(first(row, selectors.date))
            if not link or self.seen(published, stream):
                reached_seen |= bool(link)
                continue
            listed = {"title": first(row, selectors.title), "published_at": published, "stream": stream}
            yield self.request(response.urljoin(link), self.parse_detail, cb_kwargs={"listed": listed})
        next_page = first(response, selectors.next_page)
        if next_page and not reached_seen and page < self.page_budget:
            yield self.request(response.urljoin(next_page), self.parse_list,
                               cb_kwargs={"page": page + 1, "stream": stream})

    def parse_detail(self, response: Response, listed: dict):
        """One post from a detail page."""
        selectors = self.source.selectors
        body = pick(response, selectors.body).getall()
        if not body:
            self.malformed(response, f"正文选择器 {selectors.body!r} 未匹配")
            return
        published = (self.date_of(first(response, selectors.detail_date)) or listed["published_at"]
                     or next((self.date_of(d) for d in map(response.css, META_DATES) for d in d.getall()), None))
        yield PostItem(
            source_key=self.name, platform=self.platform, url=response.url,
            title=first(response, selectors.detail_title) or listed["title"], text="\n".join(body),
            author=first(response, selectors.author), published_at=published, stream=listed["stream"],
        )
