"""Government message boards (人民网领导留言板 style JSON API): messages, reply state, addressee.

Every call is a signed JSON POST ``{appCode, token, signature, param}``: ``param`` is the compact
JSON string of the parameters and ``signature = md5(path + param + key + token)``, where ``key`` is
the first 16 hex digits of md5(token) when there is a token and of md5(appCode) when there is
none (the site's own script; see docs/sources.md). A wrong signature answers HTTP 200 with code
``SN0006``, which fails the source by name instead of reading as an empty board."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from scrapy.http import JsonRequest, Response

from crawler.items import PostItem
from crawler.spiders.base import SourceSpider

LIST_PATHS = {"local": "/v1/threads/list/df", "ministry": "/v1/threads/list/bw"}
CONTENT_PATH = "/v1/threads/content"
SEARCH_PATH = "/v2/threads/search"
MESSAGE, OFFICIAL_REPLY = 1, 4
BAD_SIGNATURE = "SN0006"


def md5_hex(text: str) -> str:
    """The md5 of a text's UTF-8 bytes, as lowercase hex."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def board_signature(path: str, param: str, app_code: str, token: str = "") -> str:
    """The request signature the site's script computes (the path without its query string)."""
    key = md5_hex(token or app_code)[:16]
    return md5_hex(path.split("?", 1)[0] + param + key + token)


def board_body(path: str, param: dict[str, Any], app_code: str, token: str = "") -> dict[str, str]:
    """The signed request envelope: the parameters travel as a compact JSON string."""
    text = json.dumps(param, ensure_ascii=False, separators=(",", ":"))
    return {"appCode": app_code, "token": token, "signature": board_signature(path, text, app_code, token),
            "param": text}


class BoardSpider(SourceSpider):
    """Each configured forum's messages, newest first, paged by the last message id; with `search`,
    the site-wide search for each keyword, newest first, paged by number."""

    kind = "board"

    def first_requests(self):
        """Page 1 of every forum, and of every search word."""
        forums = [self.list_request(forum, "", 1) for forum in self.source.forums]
        return forums + [self.search_request(word, 1) for word in self.search_words()]

    def signed(self, path: str, param: dict[str, Any], callback, errback=None, query: str = "", **kwargs: Any):
        """A signed POST to the API."""
        url = f"{self.source.base_url.rstrip('/')}{path}{query}"
        return JsonRequest(url, data=board_body(path, param, self.source.app_code), callback=callback,
                           errback=errback or self.on_error, headers={"token": ""}, **kwargs)

    def list_request(self, forum, last_item: str, page: int):
        """The list request after `last_item` (empty for the first page)."""
        param = {"fid": forum.id, "showUnAnswer": 1, "typeId": 5, "lastItem": last_item, "position": 0,
                 "rows": self.source.page_size, "orderType": 2}
        return self.signed(LIST_PATHS[forum.level], param, self.parse_list, cb_kwargs={"forum": forum, "page": page})

    def search_request(self, word: str, page: int):
        """One page of the site-wide search, newest first."""
        param = {"position": 0, "keywords": word, "fid": None, "domainId": None, "typeId": None, "timeRange": None,
                 "ansChecked": False, "stTime": None, "sortType": "0", "page": page, "rows": self.source.page_size}
        return self.signed(SEARCH_PATH, param, self.parse_search, query="?sortType=0",
                           cb_kwargs={"word": word, "page": page})

    def answer(self, response: Response, envelope: str = "resultData") -> dict[str, Any] | None:
        """The answer's `envelope` object; a refused signature fails the source by name, another
        refusal blocks it."""
        try:
            data = response.json()
        except ValueError:
            self.malformed(response, "不是 JSON")
            return None
        if isinstance(data, dict) and isinstance(data.get(envelope), dict):
            return data[envelope]
        code = str(data.get("code") or "") if isinstance(data, dict) else ""
        detail = " ".join(part for part in (code, str(data.get("msg") or "") if code else "") if part)
        if code == BAD_SIGNATURE:
            self.fail(f"{self.source.name}：留言板接口拒绝签名（{detail}），appCode 或签名算法可能已变")
        if code:
            self.blocked(f"接口拒绝（{detail}）")
        self.malformed(response, f"缺少 {envelope}")
        return None

    def parse_list(self, response: Response, forum, page: int):
        """Messages of one page (with content requests), then the next page. Messages already seen
        on this page are fetched again, so that a reply given since the last run updates them;
        paging stops there."""
        result = self.answer(response)
        if result is None:
            return
        messages = result.get("data") or []
        self.listed(len(messages))
        reached_seen = False
        for message in messages:
            item = self.message_item(message, forum.id, forum.addressee, forum.region)
            reached_seen |= self.seen(item.published_at, item.stream)
            yield self.content_request(item) if self.source.fetch_content else item
        if len(messages) >= self.source.page_size and not reached_seen and page < self.page_budget:
            yield self.list_request(forum, str(messages[-1].get("tid", "")), page + 1)

    def parse_search(self, response: Response, word: str, page: int):
        """Messages found for one word (the addressee is the board they were left on), then the
        next page until one reaches what the last run saw."""
        result = self.answer(response, "data")
        if result is None:
            return
        messages = result.get("data") or []
        self.listed(len(messages))
        reached_seen = False
        for message in messages:
            item = self.message_item(message, message.get("fid", ""), message.get("forumName", ""),
                                     message.get("domainName", ""), stream=f"search:{word}")
            reached_seen |= self.seen(item.published_at, item.stream)
            if message.get("content"):
                item.text = message["content"]
            yield self.content_request(item) if self.source.fetch_content else item
        if len(messages) >= self.source.page_size and not reached_seen and page < self.page_budget:
            yield self.search_request(word, page + 1)

    def message_item(self, message: dict[str, Any], forum_id: Any, addressee: str, region: str,
                     stream: str = "") -> PostItem:
        """A post item from a list entry (text is the subject until the content arrives)."""
        stamp = message.get("createDateline") or message.get("threadsCheckTime")
        tid = str(message.get("tid", ""))
        return PostItem(
            source_key=self.name, platform=self.platform, platform_id=tid,
            url=f"{self.source.base_url.rstrip('/')}/threads/content?tid={tid}", title=message.get("subject", ""),
            text=message.get("subject", ""), author=message.get("nickName", ""),
            published_at=datetime.fromtimestamp(int(stamp), tz=timezone.utc) if stamp else None,
            reply_state=message.get("stateInfo", ""), addressee=addressee, location=region,
            stream=stream or str(forum_id),
            extra={"forum_id": forum_id, "type": message.get("typeName", "")},
        )

    def content_request(self, item: PostItem):
        """The request for a message's full text and the official reply."""
        return self.signed(CONTENT_PATH, {"tid": item.platform_id, "fromTrash": 0}, self.parse_content,
                           errback=self.content_failed, cb_kwargs={"item": item})

    def parse_content(self, response: Response, item: PostItem):
        """The message with its text and, when answered, the answering organisation and reply."""
        result = self.answer(response)
        for entry in (result or {}).get("contentList") or []:
            if entry.get("dataType") == MESSAGE and entry.get("content"):
                item.text = entry["content"]
            elif entry.get("dataType") == OFFICIAL_REPLY:
                item.extra["reply"] = {"organization": entry.get("organization", ""),
                                       "content": entry.get("content", ""), "dateline": entry.get("dateline")}
        yield item

    def content_failed(self, failure):
        """Keep the message with its subject when its content cannot be fetched."""
        self.on_error(failure)
        yield failure.request.cb_kwargs["item"]
