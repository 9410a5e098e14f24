"""RSS 2.0 and Atom feeds, optionally following each entry to its page for the full text."""

from __future__ import annotations

import re
from calendar import timegm
from datetime import datetime, timezone

import feedparser
from scrapy.http import Response

from crawler.items import PostItem
from crawler.spiders.base import SourceSpider, failure_kind
from crawler.spiders.rsshub import route_problem
from crawler.timeparse import parse_cn_time

_HAS_ZONE = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z|GMT|UTC|UT|[ECMP][SD]T)\s*$", re.IGNORECASE)


class FeedSpider(SourceSpider):
    """Every entry of every configured feed; entries not newer than the last run are skipped."""

    kind = "feed"

    def first_requests(self):
        """One request per feed URL and per RSSHub route (whose error answers reach the callback)."""
        requests = [self.request(url, self.parse_feed, cb_kwargs={"stream": url}) for url in self.source.urls]
        routes = self.source.rsshub.feed_urls() if self.source.rsshub else {}
        return requests + [
            self.request(url, self.parse_feed, cb_kwargs={"stream": url, "route": route},
                         meta={"handle_httpstatus_all": True}).replace(errback=self.route_failed)
            for url, route in routes.items()]

    def parse_feed(self, response: Response, stream: str, route: str = ""):
        """Entries as items, or article requests when the source follows links. An RSSHub route's
        error page, non-feed answer or empty feed fails that route by name."""
        problem = route_problem(response) if route else ""
        if problem:
            self.failed_part("rsshub", f"路由 {route}: {problem}")
            return
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        parsed = feedparser.parse(response.body, response_headers={"content-type": content_type})
        if not parsed.entries and route:
            self.failed_part("rsshub", f"路由 {route}: {'不是 RSS/Atom' if parsed.bozo else '订阅为空'}")
            return
        if not parsed.entries:
            if parsed.bozo:
                self.malformed(response, f"订阅源无法解析: {parsed.get('bozo_exception')}")
            return
        self.listed(len(parsed.entries))
        for entry in parsed.entries:
            item = self.entry_item(entry, stream)
            if self.seen(item.published_at, stream):
                continue
            if self.source.follow_links and item.url:
                yield self.request(item.url, self.parse_article, cb_kwargs={"item": item}).replace(
                    errback=self.article_failed)
            else:
                yield item

    def entry_item(self, entry, stream: str) -> PostItem:
        """A post item from a feed entry."""
        content = entry.get("content") or []
        return PostItem(
            source_key=self.name, platform=self.platform, url=entry.get("link", ""),
            title=entry.get("title", ""), text=content[0].get("value", "") if content else entry.get("summary", ""),
            author=entry.get("author", ""), published_at=self.entry_time(entry), stream=stream,
            extra={"feed_id": entry.get("id", "")},
        )

    def entry_time(self, entry) -> datetime | None:
        """The entry's time; a date written without a zone is taken as the bureau's local time."""
        raw = entry.get("published") or entry.get("updated") or ""
        struct = entry.get("published_parsed") or entry.get("updated_parsed")
        if raw and not _HAS_ZONE.search(raw.strip()):
            return parse_cn_time(raw.replace("T", " "), self.now, self.zone)
        if struct:
            return datetime.fromtimestamp(timegm(struct), tz=timezone.utc)
        return None

    def parse_article(self, response: Response, item: PostItem):
        """The entry with its article's full text."""
        body = response.css(self.source.content_css).getall() if self.source.content_css else []
        if body:
            item.text = "\n".join(body)
        else:
            self.malformed(response, f"正文选择器 {self.source.content_css!r} 未匹配")
        yield item

    def route_failed(self, failure):
        """An RSSHub route that could not be fetched at all (RSSHub down, time-out), named."""
        self.failed_part("rsshub", f"路由 {failure.request.cb_kwargs['route']}: {failure_kind(failure)}")

    def article_failed(self, failure):
        """Keep the entry with its feed summary when the article cannot be fetched."""
        self.on_error(failure)
        yield failure.request.cb_kwargs["item"]
