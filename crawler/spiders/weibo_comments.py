"""Comments under Weibo posts (m.weibo.cn mobile API), for the spiders that read them.

First-level comments come from ``/comments/hotflow?id=&mid=&max_id_type=`` paged by the ``max_id``
cursor of each answer (``data.max_id``, 0 on the last page); replies to a comment from
``/comments/hotFlowChild?cid=&max_id=&max_id_type=0`` (the list at the top level, ``max_id`` 0 on the
last page). A comment with all its replies inline (``comments`` holding ``total_number`` of them)
needs no second request. Each post's comments are one stream: paging stops at a page that shows
nothing newer than what the last clean run saw, and at the configured bounds per post and run.
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from typing import Any, Iterator
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.items import PostItem
from crawler.timeparse import parse_cn_time, parse_count

FIRST_PAGE_CURSOR = "0"


def comment_stream(post_id: str) -> str:
    """The stream (cursor key) of one post's comments."""
    return f"comments:{post_id}"


class CommentReader:
    """Reads the comments and replies under posts; mixed into a Weibo spider (which provides
    `request`, `answer`, `seen`, `listed`, `platform`, `source`, `now`, `zone`)."""

    def init_comments(self, bounds: Any, headers: dict[str, str]) -> None:
        """Start counting against `bounds` (a CommentBounds) for this run."""
        self.bounds, self.comment_headers = bounds, headers
        self.comments_read = 0
        self.read_per_post: Counter[str] = Counter()

    @cached_property
    def own_uids(self) -> dict[str, str]:
        """User id to name of the bureau's own Weibo accounts (read once the crawler's settings are set)."""
        return (self.settings.getdict("YUQING_MENTION").get("own_accounts") or {}).get(self.platform, {})

    def comments_request(self, post: PostItem, max_id: str = FIRST_PAGE_CURSOR, max_id_type: str = "0",
                         page: int = 1) -> Request | None:
        """A page of first-level comments under `post`, or None when the bounds are reached."""
        if not self._room(post.platform_id):
            return None
        query = {"id": post.platform_id, "mid": post.platform_id, "max_id_type": max_id_type}
        if max_id != FIRST_PAGE_CURSOR:
            query["max_id"] = max_id
        url = f"{self.source.base_url.rstrip('/')}/comments/hotflow?{urlencode(query)}"
        return self.request(url, self.parse_comments, headers=self.comment_headers,
                            cb_kwargs={"post": post, "page": page})

    def parse_comments(self, response: Response, post: PostItem, page: int) -> Iterator[PostItem | Request]:
        """The comments of one page, requests for their replies, and the next page."""
        data = self.comment_answer(response)
        if data is None:
            return
        body = data.get("data") or {}
        raws = [raw for raw in body.get("data") or [] if isinstance(raw, dict)]
        self.listed(len(raws))
        stream = comment_stream(post.platform_id)
        fresh = False
        for raw in raws:
            if not self._take(post.platform_id):
                return
            item = self.comment_from(raw, post)
            fresh |= not self.seen(item.published_at, stream)
            yield item
            yield from self.replies_of(raw, item, post)
        cursor = str(body.get("max_id") or FIRST_PAGE_CURSOR)
        if fresh and cursor != FIRST_PAGE_CURSOR and page < self.bounds.pages_per_post:
            request = self.comments_request(post, cursor, str(body.get("max_id_type") or 0), page + 1)
            if request is not None:
                yield request

    def replies_of(self, raw: dict[str, Any], comment: PostItem, post: PostItem) -> Iterator[PostItem | Request]:
        """The replies under a comment: inline when all are there, else a request for them."""
        total, inline = parse_count(raw.get("total_number")), raw.get("comments") or []
        if not total or not self.bounds.reply_pages:
            return
        if isinstance(inline, list) and len(inline) >= total:
            for reply in inline:
                if isinstance(reply, dict) and self._take(post.platform_id):
                    yield self.comment_from(reply, post, comment)
        elif (request := self.replies_request(comment, post)) is not None:
            yield request

    def replies_request(self, comment: PostItem, post: PostItem, max_id: str = FIRST_PAGE_CURSOR,
                        page: int = 1) -> Request | None:
        """A page of replies to one comment, or None when the bounds are reached."""
        if not self._room(post.platform_id):
            return None
        cid = comment.platform_id.removeprefix("comment:")
        query = urlencode({"cid": cid, "max_id": max_id, "max_id_type": 0})
        url = f"{self.source.base_url.rstrip('/')}/comments/hotFlowChild?{query}"
        return self.request(url, self.parse_replies, headers=self.comment_headers,
                            cb_kwargs={"comment": comment, "post": post, "page": page})

    def parse_replies(self, response: Response, comment: PostItem, post: PostItem,
                      page: int) -> Iterator[PostItem | Request]:
        """The replies of one page and the next page."""
        data = self.comment_answer(response)
        if data is None:
            return
        raws = [raw for raw in data.get("data") or [] if isinstance(raw, dict)]
        self.listed(len(raws))
        for raw in raws:
            if not self._take(post.platform_id):
                return
            yield self.comment_from(raw, post, comment)
        cursor = str(data.get("max_id") or FIRST_PAGE_CURSOR)
        if raws and cursor != FIRST_PAGE_CURSOR and page < self.bounds.reply_pages:
            request = self.replies_request(comment, post, cursor, page + 1)
            if request is not None:
                yield request

    def comment_answer(self, response: Response) -> dict[str, Any] | None:
        """The JSON envelope when ok:1; ok:0 without a verification address means no comments
        (or comments closed); login walls and captchas stop the source as on any Weibo page."""
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("ok") == 0 and not data.get("url"):
            return None
        return self.answer(response)

    def comment_from(self, raw: dict[str, Any], post: PostItem, parent: PostItem | None = None) -> PostItem:
        """A comment (or a reply, under `parent`) as an item that keeps its thread."""
        user = raw.get("user") or {}
        cid = str(raw.get("idstr") or raw.get("id"))
        verified = user.get("verified_type")
        return PostItem(
            source_key=self.name, platform=self.platform, platform_id=f"comment:{cid}",
            url=f"{self.source.base_url.rstrip('/')}/detail/{post.platform_id}#comment-{cid}",
            text=raw.get("text") or "", author=user.get("screen_name") or "", author_id=str(user.get("id") or ""),
            author_followers=parse_count(user.get("followers_count")),
            author_verified_type=verified if isinstance(verified, int) else -1,
            location=str(raw.get("source") or "").removeprefix("来自").strip(),
            published_at=parse_cn_time(str(raw.get("created_at") or ""), self.now, self.zone),
            comments=0 if parent else parse_count(raw.get("total_number")),
            likes=parse_count(raw.get("like_count", raw.get("like_counts"))),
            stream=comment_stream(post.platform_id), thread_post=f"{self.platform}:{post.platform_id}",
            thread_comment=f"{self.platform}:{parent.platform_id}" if parent else "",
            own_thread=post.author_id in self.own_uids,
            extra={"reply_to": _reply_to(raw)} if parent else {"floor": raw.get("floor_number")},
        )

    def _room(self, post_id: str) -> bool:
        return (self.comments_read < self.bounds.max_per_run
                and self.read_per_post[post_id] < self.bounds.max_per_post)

    def _take(self, post_id: str) -> bool:
        """Count one comment against the bounds; False when there is no room left."""
        if not self._room(post_id):
            return False
        self.comments_read += 1
        self.read_per_post[post_id] += 1
        return True


def _reply_to(raw: dict[str, Any]) -> str:
    """The name of the person a reply answers (a reply to a reply names it), or ''."""
    target = raw.get("reply_comment") or {}
    return ((target.get("user") or {}).get("screen_name") or "") if isinstance(target, dict) else ""
