"""Weibo mobile search (m.weibo.cn/api/container/getIndex), paged, with long-text expansion."""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.items import PostItem
from crawler.spiders.base import SourceSpider
from crawler.spiders.weibo_comments import CommentReader
from crawler.timeparse import parse_cn_time, parse_count

HEADERS = {"MWeibo-Pwa": "1", "X-Requested-With": "XMLHttpRequest", "Accept": "application/json, text/plain, */*"}
END_OF_RESULTS = "这里还没有内容"
_FULL_TEXT_LINK = re.compile(r"<a[^>]*href=[\"']?/status/\w+[\"']?[^>]*>\s*全文\s*</a>")
_LOGIN_URLS = ("passport.", "/signin/login", "/passport/", "visitor")


def mblogs_of(cards: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Posts in a card list: card_type 9 at the top level or inside card_type 11 groups."""
    for card in cards or []:
        if card.get("card_type") == 9 and card.get("mblog"):
            yield card["mblog"]
        elif card.get("card_type") == 11:
            yield from mblogs_of(card.get("card_group") or [])


def _as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class WeiboSpider(CommentReader, SourceSpider):
    """Search results for each configured keyword, newest first (search_type 61); with
    `hot_comments` enabled, the comments under the first hot posts found."""

    kind = "weibo"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.yielded: set[str] = set()
        self.hot_posts: set[str] = set()
        self.init_comments(self.comment_bounds(), HEADERS)

    def comment_bounds(self) -> Any:
        """How far comments are read: the search's `hot_comments`."""
        return self.source.hot_comments

    def first_requests(self):
        """Page 1 of every keyword's search (a watch's words when given)."""
        return [self.page_request(keyword, 1) for keyword in self.search_words()]

    def page_request(self, keyword: str, page: int):
        """The search API request for one page of one keyword."""
        container = f"100103type={self.source.search_type}&q={keyword}"
        query = urlencode({"containerid": container, "page_type": "searchall", "page": page})
        url = f"{self.source.base_url.rstrip('/')}/api/container/getIndex?{query}"
        return self.request(url, self.parse_page, headers=HEADERS, cb_kwargs={"keyword": keyword, "page": page})

    def parse_page(self, response: Response, keyword: str, page: int):
        """Posts of one result page, the long-text requests they need, and the next page."""
        data = self.answer(response)
        if data is None:
            return
        mblogs = list(mblogs_of((data.get("data") or {}).get("cards")))
        self.yielded.update(str(m.get("idstr") or m.get("id")) for m in mblogs)
        self.listed(len(mblogs))
        reached_seen = False
        for mblog in mblogs:
            item = self.post_from(mblog, keyword)
            reached_seen |= mblog.get("mblogtype") != 2 and self.seen(item.published_at, keyword)
            yield from self.with_original(mblog, keyword)
            yield self.expand(item) if mblog.get("isLongText") and self.source.fetch_long_text else item
            yield from self.hot_comments_of(item)
        next_page = ((data.get("data") or {}).get("cardlistInfo") or {}).get("page")
        if mblogs and next_page and not reached_seen and page < self.page_budget:
            yield self.page_request(keyword, int(next_page))

    def hot_comments_of(self, item: PostItem) -> Iterator[Request]:
        """The comments under a hot post (paged within the bounds), for the first `max_posts` hot posts."""
        hot = self.bounds
        if (not hot.enabled or item.comments < hot.min_comments or item.platform_id in self.hot_posts
                or len(self.hot_posts) >= hot.max_posts):
            return
        self.hot_posts.add(item.platform_id)
        if (request := self.comments_request(item)) is not None:
            yield request

    def answer(self, response: Response) -> dict[str, Any] | None:
        """The JSON envelope when ok:1; stops the source on login walls and captchas."""
        if any(marker in response.url for marker in _LOGIN_URLS):
            self.blocked("需要登录（被重定向到登录页，Cookie 可能已失效）")
        try:
            data = response.json()
        except ValueError:
            if "验证码" in response.text or "captcha" in response.text.lower():
                self.blocked("出现验证码页面")
            self.malformed(response, "不是 JSON")
            return None
        ok = data.get("ok")
        if ok == 1:
            return data
        if ok == -100:
            self.blocked("需要登录（ok:-100，Cookie 已失效）")
        if data.get("url") and not data.get("data"):
            self.blocked("需要验证码（返回了验证页地址）")
        if data.get("msg") != END_OF_RESULTS:
            self.blocked(f"接口拒绝（ok:{ok} {data.get('msg', '')}）".strip())
        return None

    def post_from(self, mblog: dict[str, Any], keyword: str) -> PostItem:
        """A post item from an mblog object."""
        user = mblog.get("user") or {}
        post_id = str(mblog.get("idstr") or mblog.get("id"))
        retweeted = mblog.get("retweeted_status") or {}
        original_id = retweeted.get("idstr") or retweeted.get("id")
        return PostItem(
            source_key=self.name, platform=self.platform, platform_id=post_id,
            url=f"{self.source.base_url.rstrip('/')}/detail/{post_id}",
            text=_FULL_TEXT_LINK.sub("", mblog.get("text") or ""),
            author=user.get("screen_name") or "", author_id=str(user.get("id") or ""),
            author_followers=parse_count(user.get("followers_count")),
            author_verified_type=_as_int(user.get("verified_type"), -1),
            location=(mblog.get("region_name") or mblog.get("status_province") or "").replace("发布于", "").strip(),
            published_at=parse_cn_time(str(mblog.get("created_at") or ""), self.now, self.zone),
            reposts=parse_count(mblog.get("reposts_count")), comments=parse_count(mblog.get("comments_count")),
            likes=parse_count(mblog.get("attitudes_count")), stream=keyword,
            repost_of=f"{self.platform}:{original_id}" if retweeted.get("user") else "",
            extra={"bid": mblog.get("bid", ""), "keyword": keyword, "pinned": mblog.get("mblogtype") == 2},
        )

    def with_original(self, mblog: dict[str, Any], keyword: str) -> Iterator[PostItem]:
        """The reposted original as its own post, unless deleted or listed as a post of its own."""
        original = mblog.get("retweeted_status")
        if original and original.get("user") and str(original.get("idstr") or original.get("id")) not in self.yielded:
            item = self.post_from(original, keyword)
            self.yielded.add(item.platform_id)
            yield item

    def expand(self, item: PostItem):
        """A request for the full text of a truncated post."""
        url = f"{self.source.base_url.rstrip('/')}/statuses/extend?id={item.platform_id}"
        return self.request(url, self.parse_long_text, headers=HEADERS, cb_kwargs={"item": item}).replace(
            errback=self.long_text_failed)

    def parse_long_text(self, response: Response, item: PostItem):
        """The post with its full text (or as truncated when the answer is unusable)."""
        try:
            long_text = (response.json().get("data") or {}).get("longTextContent")
        except ValueError:
            long_text = None
            self.malformed(response, "长文本不是 JSON")
        if long_text:
            item.text = long_text
        yield item

    def long_text_failed(self, failure):
        """Keep the truncated post when its full text cannot be fetched."""
        self.on_error(failure)
        yield failure.request.cb_kwargs["item"]
