"""The bureau's own Weibo accounts: each timeline (m.weibo.cn user container ``107603{uid}``,
paged by ``cardlistInfo.since_id``, or per account weibo.com's ajax ``mymblog``, paged by
``page`` and ``data.since_id``) and the comments and replies under its recent posts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Iterator
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.items import PostItem
from crawler.spiders.weibo import HEADERS, WeiboSpider, mblogs_of
from crawler.timeparse import parse_count

TIMELINE_PREFIX = "107603"
PINNED_TITLE = "置顶"
WEB_HEADERS = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json, text/plain, */*"}


def is_pinned(mblog: dict[str, Any]) -> bool:
    """A post pinned to the top of a timeline (shown first whatever its age)."""
    title = mblog.get("title") if isinstance(mblog.get("title"), dict) else {}
    return mblog.get("isTop") in (1, True) or mblog.get("mblogtype") == 2 or title.get("text") == PINNED_TITLE


class WeiboAccountSpider(WeiboSpider):
    """Timelines of the bureau's accounts, newest first; comments under posts of the last
    `comment_days`. The posts are stored as the bureau's own by the mention pipeline."""

    kind = "weibo_account"

    def comment_bounds(self) -> Any:
        """How far comments are read under the account's posts."""
        return self.source.comments

    @property
    def platform(self) -> str:
        """Weibo: the same posts found by search and on the timeline are one post."""
        return self.source.platform or "weibo"

    def accounts(self) -> dict[str, str]:
        """User id to name of the accounts this source reads."""
        wanted = set(self.source.accounts)
        return {uid: name for uid, name in self.own_uids.items() if not wanted or name in wanted}

    def first_requests(self) -> list[Request]:
        """The first timeline page of every account, from the timeline configured for it."""
        return [self.web_timeline_request(uid, "", 1) if self.timeline_of(name) == "web"
                else self.timeline_request(uid, "", 1) for uid, name in self.accounts().items()]

    def timeline_of(self, name: str) -> str:
        """Which timeline an account is read from: its own setting, else the source's."""
        return self.source.timelines.get(name, self.source.timeline)

    def timeline_request(self, uid: str, since_id: str, page: int) -> Request:
        """One page of an account's timeline; `since_id` is the cursor the previous page gave."""
        query = {"type": "uid", "value": uid, "containerid": f"{TIMELINE_PREFIX}{uid}"}
        if since_id:
            query["since_id"] = since_id
        url = f"{self.source.base_url.rstrip('/')}/api/container/getIndex?{urlencode(query)}"
        return self.request(url, self.parse_timeline, headers=HEADERS, cb_kwargs={"uid": uid, "page": page})

    def web_timeline_request(self, uid: str, since_id: str, page: int) -> Request:
        """One page of an account's weibo.com timeline; after page 1 with the `since_id` the
        previous page gave."""
        query = {"uid": uid, "page": page, "feature": 0}
        if since_id:
            query["since_id"] = since_id
        web = self.source.web_base_url.rstrip("/")
        return self.request(f"{web}/ajax/statuses/mymblog?{urlencode(query)}", self.parse_web_timeline,
                            headers={**WEB_HEADERS, "Referer": f"{web}/u/{uid}"}, cb_kwargs={"uid": uid, "page": page})

    def parse_timeline(self, response: Response, uid: str, page: int) -> Iterator[PostItem | Request]:
        """The posts of one page, requests for their comments, and the next page until one shows
        a post already seen (pinned posts excepted)."""
        data = self.answer(response)
        if data is None:
            return
        body = data.get("data") or {}
        mblogs = list(mblogs_of(body.get("cards")))
        reached_seen = yield from self.own_posts(mblogs, uid, self.expand)
        since_id = str((body.get("cardlistInfo") or {}).get("since_id") or "")
        if mblogs and since_id and not reached_seen and page < self.page_budget:
            yield self.timeline_request(uid, since_id, page + 1)

    def parse_web_timeline(self, response: Response, uid: str, page: int) -> Iterator[PostItem | Request]:
        """The posts of one weibo.com page (``data.list``), requests for their comments, and the
        next page until an empty one or one that shows a post already seen (pinned excepted)."""
        data = self.answer(response)
        if data is None:
            return
        body = data.get("data") or {}
        mblogs = list(body.get("list") or [])
        reached_seen = yield from self.own_posts(mblogs, uid, self.web_expand)
        if mblogs and not reached_seen and page < self.page_budget:
            yield self.web_timeline_request(uid, str(body.get("since_id") or ""), page + 1)

    def own_posts(self, mblogs: list[dict[str, Any]], uid: str, expand) -> Iterator[PostItem | Request]:
        """The account's posts of one page (long ones through `expand`) with requests for their
        comments; returns whether a post already seen was reached."""
        self.listed(len(mblogs))
        stream, reached_seen = f"account:{uid}", False
        for mblog in mblogs:
            item = self.post_from(mblog, stream)
            reached_seen |= not is_pinned(mblog) and self.seen(item.published_at, stream)
            yield from self.with_original(mblog, stream)
            yield expand(item) if mblog.get("isLongText") and self.source.fetch_long_text else item
            if self.wants_comments(item, mblog, uid):
                request = self.comments_request(item)
                if request is not None:
                    yield request
        return reached_seen

    def web_expand(self, item: PostItem) -> Request:
        """A request for the full text of a truncated post on weibo.com."""
        url = f"{self.source.web_base_url.rstrip('/')}/ajax/statuses/longtext?id={item.platform_id}"
        return self.request(url, self.parse_long_text, headers=WEB_HEADERS, cb_kwargs={"item": item}).replace(
            errback=self.long_text_failed)

    def wants_comments(self, item: PostItem, mblog: dict[str, Any], uid: str) -> bool:
        """The account's own recent posts that have comments."""
        recent = item.published_at is not None and item.published_at >= self.now - timedelta(
            days=self.source.comment_days)
        return item.author_id == uid and recent and parse_count(mblog.get("comments_count")) > 0
