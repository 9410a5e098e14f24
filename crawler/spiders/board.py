"""Government message boards (人民网领导留言板 style JSON API): messages, reply state, addressee."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from scrapy.http import JsonRequest, Response

from crawler.items import PostItem
from crawler.spiders.base import SourceSpider

LIST_PATH = "/v1/threads/list/df"
CONTENT_PATH = "/v1/threads/content"
MESSAGE, OFFICIAL_REPLY = 1, 4


def board_body(param: dict[str, Any]) -> dict[str, Any]:
    """The request envelope: the parameters travel as a JSON string."""
    return {"appCode": "PC42ce3bfa4980a9", "token": "", "param": json.dumps(param, ensure_ascii=False)}


class BoardSpider(SourceSpider):
    """Each configured forum's messages, newest first, paged by the last message id."""

    kind = "board"

    def first_requests(self):
        """Page 1 of every forum."""
        return [self.list_request(forum, "", 1) for forum in self.source.forums]

    def list_request(self, forum, last_item: str, page: int):
        """The list request after `last_item` (empty for the first page)."""
        param = {"fid": forum.id, "showUnAnswer": 1, "typeId": 5, "lastItem": last_item, "position": 0,
                 "rows": self.source.page_size, "orderType": 2}
        return JsonRequest(f"{self.source.base_url.rstrip('/')}{LIST_PATH}", data=board_body(param),
                           callback=self.parse_list, errback=self.on_error, cb_kwargs={"forum": forum, "page": page})

    def answer(self, response: Response) -> dict[str, Any] | None:
        """`resultData` of a successful answer; stops the source when the API refuses us."""
        try:
            data = response.json()
        except ValueError:
            self.malformed(response, "不是 JSON")
            return None
        if isinstance(data, dict) and "resultData" in data:
            return data["resultData"] or {}
        if isinstance(data, dict) and data.get("code"):
            self.blocked(f"接口拒绝（{data['code']} {data.get('msg', '')}）".strip())
        self.malformed(response, "缺少 resultData")
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
            item = self.message_item(message, forum)
            reached_seen |= self.seen(item.published_at, item.stream)
            yield self.content_request(item) if self.source.fetch_content else item
        if len(messages) >= self.source.page_size and not reached_seen and page < self.page_budget:
            yield self.list_request(forum, str(messages[-1].get("tid", "")), page + 1)

    def message_item(self, message: dict[str, Any], forum) -> PostItem:
        """A post item from a list entry (text is the subject until the content arrives)."""
        stamp = message.get("createDateline") or message.get("threadsCheckTime")
        tid = str(message.get("tid", ""))
        return PostItem(
            source_key=self.name, platform=self.platform, platform_id=tid,
            url=f"{self.source.base_url.rstrip('/')}/threads/content?tid={tid}", title=message.get("subject", ""),
            text=message.get("subject", ""), author=message.get("nickName", ""),
            published_at=datetime.fromtimestamp(int(stamp), tz=timezone.utc) if stamp else None,
            reply_state=message.get("stateInfo", ""), addressee=forum.addressee, location=forum.region,
            stream=str(forum.id),
            extra={"forum_id": forum.id, "type": message.get("typeName", "")},
        )

    def content_request(self, item: PostItem):
        """The request for a message's full text and the official reply."""
        body = board_body({"tid": item.platform_id, "fromTrash": 0})
        return JsonRequest(f"{self.source.base_url.rstrip('/')}{CONTENT_PATH}", data=body,
                           callback=self.parse_content, errback=self.content_failed, cb_kwargs={"item": item})

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
