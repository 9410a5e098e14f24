"""Any JSON API by configuration (`api` kind): a URL template, headers and secrets from the
environment, paging by page number, offset or cursor, and JMESPath paths from an answer to posts."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from datetime import datetime, timezone
from typing import Any, Callable, Iterator
from urllib.parse import quote

import jmespath
from scrapy import Request
from scrapy.http import JsonRequest, Response

from crawler.items import PostItem
from crawler.spiders.base import SourceSpider
from crawler.timeparse import parse_cn_time, parse_count

PLACEHOLDER = re.compile(r"{(\w+)}")
NO_CURSOR = (None, "", 0, "0", False)
MILLISECONDS_FROM = 10**11
logger = logging.getLogger(__name__)


def fill(template: str, values: dict[str, Any], encode: Callable[[str], str] = str) -> str:
    """The template with each ``{name}`` replaced by its value (passed through `encode`)."""
    return PLACEHOLDER.sub(lambda m: encode(str(values[m.group(1)])) if m.group(1) in values else m.group(0),
                           template)


def fill_body(template: Any, values: dict[str, Any]) -> Any:
    """A JSON body template filled: a string that is one placeholder takes the value's own type."""
    if isinstance(template, dict):
        return {key: fill_body(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [fill_body(value, values) for value in template]
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template)
        return values[whole.group(1)] if whole and whole.group(1) in values else fill(template, values)
    return template


def as_text(value: Any) -> str:
    """A mapped value as text: lists joined by lines, None empty, JSON scalars as JSON writes them."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(filter(None, map(as_text, value)))
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class JsonPosts(SourceSpider):
    """A spider whose answers are JSON mapped to posts by the source's JMESPath paths (`api` and
    `browser` kinds): the list of items, a refusal, an expired login, each post field; pages read
    twice are skipped."""

    def __init__(self, source: Any, extra_paths: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(source, **kwargs)
        expired = source.login.expired if source.login else ""
        paths = {"items": source.items, "error": source.error, "expired": expired, **(extra_paths or {}),
                 **source.fields.model_dump()}
        self.paths = {name: jmespath.compile(path) for name, path in paths.items() if path}
        self.pages_seen: dict[str, set[str]] = {}

    def search(self, name: str, data: Any) -> Any:
        """The value at a configured path (None when the path is not configured)."""
        path = self.paths.get(name)
        return path.search(data) if path else None

    def first_sight(self, stream: str, entries: list[Any]) -> bool:
        """False for an empty page, or one whose entries were already read in this run (an API that
        ignores the paging parameter answers the same page again)."""
        if not entries:
            return False
        digest = hashlib.sha1(json.dumps(entries, sort_keys=True, default=str).encode("utf-8")).hexdigest()
        seen = self.pages_seen.setdefault(stream, set())
        if digest in seen:
            return False
        seen.add(digest)
        return True

    def answer_data(self, text: str, url: str) -> Any:
        """An answer's JSON, None (counted as malformed) when it is not JSON."""
        try:
            return json.loads(text)
        except ValueError:
            self.crawler.stats.inc_value("yuqing/errors/malformed")
            logger.warning("%s: 页面格式异常 (不是 JSON): %s", self.name, url)
            return None

    def posts_in(self, data: Any, stream: str, url: str) -> tuple[list[PostItem], bool] | None:
        """The posts of one answer and whether one of them was already seen; None for an answer
        without a list or one already read; a refusal blocks the source, and so does an answer that
        says the login session has expired (as 登录失效)."""
        if self.search("expired", data):
            self.session_expired("接口答复登录会话已过期")
        refusal = self.search("error", data)
        if refusal not in (None, "", [], {}):
            self.blocked(f"接口拒绝: {as_text(refusal)[:120]}")
        entries = self.search("items", data)
        if not isinstance(entries, list):
            self.crawler.stats.inc_value("yuqing/errors/malformed")
            logger.warning("%s: 页面格式异常 (items 路径 %r 未得到列表): %s", self.name, self.source.items, url)
            return None
        if not self.first_sight(stream, entries):
            return None
        self.listed(len(entries))
        posts = [self.post_from(entry, stream) for entry in entries]
        return posts, any(self.seen(post.published_at, stream) for post in posts)

    def post_from(self, entry: Any, stream: str) -> PostItem:
        """A post item from one entry of the list, by the configured paths."""
        post_id = as_text(self.search("id", entry))
        url = as_text(self.search("url", entry))
        if not url and self.source.url_template and post_id:
            url = fill(self.source.url_template, {"id": quote(post_id, safe="")})
        state = as_text(self.search("reply_state", entry))
        return PostItem(
            source_key=self.name, platform=self.platform, platform_id=post_id, url=url,
            title=as_text(self.search("title", entry)), text=as_text(self.search("text", entry)),
            author=as_text(self.search("author", entry)), author_id=as_text(self.search("author_id", entry)),
            location=as_text(self.search("location", entry)), published_at=self.when(self.search("time", entry)),
            reposts=parse_count(self.search("reposts", entry)), comments=parse_count(self.search("comments", entry)),
            likes=parse_count(self.search("likes", entry)), reply_state=self.source.reply_states.get(state, state),
            stream=stream,
        )

    def when(self, value: Any) -> datetime | None:
        """A time from epoch seconds or milliseconds, ISO 8601 (local time when no zone) or a site's date text."""
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            seconds = value / 1000 if value >= MILLISECONDS_FROM else value
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            stamp = datetime.fromisoformat(value.strip())
        except ValueError:
            return parse_cn_time(value, self.now, self.zone, tuple(self.source.time_formats))
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=self.zone)


class ApiSpider(JsonPosts):
    """Pages of each stream (one per keyword, or one) until the end, a page already seen, a post
    not newer than the last run, or the page budget."""

    kind = "api"

    def __init__(self, source: Any, **kwargs: Any):
        super().__init__(source, {"cursor": source.paging.cursor, "has_more": source.paging.has_more}, **kwargs)
        self.secrets: dict[str, str] = {}
        self.asked: dict[str, set[str]] = {}

    def first_requests(self) -> list[Request]:
        """The first page of every stream; a secret missing from the environment fails the source."""
        missing = [f"{var}（{name}）" for name, var in self.source.secrets.items() if not os.environ.get(var)]
        if missing:
            self.fail(f"接口密钥的环境变量未设置: {', '.join(missing)}")
        self.secrets = {name: os.environ[var] for name, var in self.source.secrets.items()}
        words = self.search_words() or [""]
        first = "" if self.source.paging.mode == "cursor" else self.source.paging.start
        return [self.page_request(word, 1, first) for word in words]

    def page_request(self, keyword: str, index: int, value: Any) -> Request:
        """Page `index` of a stream, asked for by page number, offset or cursor `value`."""
        paging = self.source.paging
        values = {**self.secrets, "size": paging.size, "keyword": keyword, "page": paging.start, "offset": paging.start,
                  "cursor": ""}
        if paging.mode in ("page", "offset", "cursor"):
            values[paging.mode] = value
        url = fill(self.source.url, values, lambda text: quote(text, safe=""))
        headers = {name: fill(text, values) for name, text in self.source.headers.items()}
        cb_kwargs = {"keyword": keyword, "index": index, "value": value}
        if self.source.body is not None:
            return JsonRequest(url, method=self.source.method, data=fill_body(self.source.body, values), headers=headers,
                               callback=self.parse_page, errback=self.on_error, cb_kwargs=cb_kwargs)
        return self.request(url, self.parse_page, method=self.source.method, headers=headers, cb_kwargs=cb_kwargs)

    def parse_page(self, response: Response, keyword: str, index: int, value: Any) -> Iterator[PostItem | Request]:
        """The posts of one page, then the next page unless this one ends the stream."""
        stream = keyword or "all"
        data = self.answer_data(response.text, response.url)
        page = self.posts_in(data, stream, response.url) if data is not None else None
        if page is None:
            return
        posts, reached_seen = page
        yield from posts
        following = self.next_value(data, stream, value, len(posts))
        if following is not None and not reached_seen and index < self.page_budget:
            yield self.page_request(keyword, index + 1, following)

    def next_value(self, data: Any, stream: str, value: Any, count: int) -> Any:
        """The page number, offset or cursor of the next page; None when this page is the last."""
        paging = self.source.paging
        more = self.search("has_more", data)
        if paging.mode == "none" or (paging.has_more and not more):
            return None
        if paging.mode == "cursor":
            cursor = self.search("cursor", data)
            asked = self.asked.setdefault(stream, {str(value)})
            if cursor in NO_CURSOR or str(cursor) in asked:
                return None
            asked.add(str(cursor))
            return cursor
        if count < paging.size and not paging.has_more:
            return None
        return value + 1 if paging.mode == "page" else value + count
