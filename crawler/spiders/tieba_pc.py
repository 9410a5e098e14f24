"""Baidu Tieba's 2026 PC site (a Vue app) read through the JSON its pages fetch: the page token
from ``/c/s/pc/sync``, forum lists from ``POST /c/f/frs/page_pc``, threads from ``POST
/c/f/pb/page_pc`` and search from ``GET /mo/q/search/multsearch``, every call signed with
``sign = md5(k1=v1k2=v2… over the sorted parameters + client key)``. Hand-built calls are often
refused by the live site; docs/crawler.md says what to do then."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any, Iterator
from urllib.parse import urlencode

from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler.items import PostItem

PC_SIGN_KEY = "36770b1f34c9bbf2e7d1a99d2b82fa9e"
PC_CLIENT = {"subapp_type": "pc", "_client_type": "20"}
SYNC_PATH, FRS_PATH, PB_PATH, SEARCH_PATH = "/c/s/pc/sync", "/c/f/frs/page_pc", "/c/f/pb/page_pc", "/mo/q/search/multsearch"
BAD_SIGN = 110001
FORUM_ROWS, SEARCH_ROWS = 30, 20


def pc_sign(params: dict[str, Any], key: str = PC_SIGN_KEY) -> str:
    """The signature the site's script adds: md5 of ``k=v`` for the sorted keys (sign and empty
    values left out) followed by the client key, as lowercase hex."""
    text = "".join(f"{k}={params[k]}" for k in sorted(params) if k not in ("sign", "sig") and params[k] is not None)
    return hashlib.md5((text + key).encode("utf-8")).hexdigest()


def signed(params: dict[str, Any], key: str = PC_SIGN_KEY) -> dict[str, str]:
    """The parameters with the PC client fields and their signature, as strings."""
    values = {k: str(v) for k, v in {**params, **PC_CLIENT}.items() if v is not None}
    return {**values, "sign": pc_sign(values, key)}


def content_text(parts: Any) -> str:
    """A floor's text from its rich-content list (text runs; emoticons and images carry none)."""
    if isinstance(parts, str):
        return parts
    return "".join(str(part.get("text") or part.get("c") or "") for part in parts or [] if isinstance(part, dict))


def epoch(value: Any) -> datetime | None:
    """A time given in epoch seconds."""
    try:
        return datetime.fromtimestamp(int(value), tz=timezone.utc) if value else None
    except (TypeError, ValueError):
        return None


class TiebaPcReader:
    """The 2026 PC reading of `TiebaSpider` (``site: pc``); the spider supplies `source`,
    `request`, `seen`, `listed`, `malformed`, `fail`, `blocked`, `check_captcha`."""

    tbs: str = ""

    def pc_url(self, path: str) -> str:
        """An API address on the configured site."""
        return f"{self.source.base_url.rstrip('/')}{path}"

    def pc_first_requests(self) -> list[Request]:
        """The page token first; the lists and searches follow its answer."""
        query = urlencode(signed({}, self.source.sign_key))
        return [self.request(f"{self.pc_url(SYNC_PATH)}?{query}", self.parse_sync)]

    def parse_sync(self, response: Response) -> Iterator[Request]:
        """Keep the page token (``data.anti.tbs``), then page 1 of every forum and search word."""
        data = self.pc_answer(response)
        if data is None:
            return
        self.tbs = str(((data.get("data") or {}).get("anti") or {}).get("tbs") or "")
        yield from (self.frs_request(forum, 1) for forum in self.source.forums)
        yield from (self.search_request(word, 1) for word in self.search_words())

    def pc_post(self, path: str, params: dict[str, Any], callback, **kwargs: Any) -> Request:
        """A signed form POST carrying the page token."""
        return FormRequest(self.pc_url(path), formdata=signed({**params, "tbs": self.tbs}, self.source.sign_key),
                           callback=callback, errback=self.on_error, **kwargs)

    def pc_answer(self, response: Response) -> dict[str, Any] | None:
        """The JSON answer when its error code is 0; a refused signature fails the source by name,
        another refusal blocks it."""
        self.check_captcha(response)
        try:
            data = response.json()
        except ValueError:
            self.malformed(response, "不是 JSON")
            return None
        if not isinstance(data, dict):
            self.malformed(response, "不是 JSON 对象")
            return None
        code, message = data.get("error_code", data.get("no", 0)), data.get("error_msg") or data.get("error") or ""
        if str(code) == str(BAD_SIGN):
            self.fail(f"{self.source.name}：贴吧接口拒绝签名（{code} {message}），客户端密钥或签名算法可能已变".strip())
        if str(code) not in ("0", "None", ""):
            self.blocked(f"贴吧接口拒绝（{code} {message}）")
        return data

    def frs_request(self, forum: str, page: int) -> Request:
        """One page of a forum's thread list, newest reply first."""
        params = {"kw": forum, "pn": page, "sort_type": 1, "is_newfrs": 1, "is_newfeed": 1, "rn": FORUM_ROWS,
                  "rn_need": 10}
        return self.pc_post(FRS_PATH, params, self.parse_frs, cb_kwargs={"forum": forum, "page": page})

    def parse_frs(self, response: Response, forum: str, page: int) -> Iterator[Request]:
        """A request for each thread on the page (``forum.tids``), then the next page."""
        data = self.pc_answer(response)
        if data is None:
            return
        tids = [tid.strip() for tid in str((data.get("forum") or {}).get("tids") or "").split(",") if tid.strip()]
        self.listed(len(tids))
        for tid in tids:
            yield self.thread_request(tid, forum, 1)
        if tids and page < self.page_budget:
            yield self.frs_request(forum, page + 1)

    def search_request(self, word: str, page: int) -> Request:
        """One page of the site search for a word, newest first (``st=1``)."""
        params = {"rn": SEARCH_ROWS, "st": 1, "word": word, "needbrand": 1, "sug_type": 2, "pn": page,
                  "come_from": "search"}
        query = urlencode(signed(params, self.source.sign_key))
        return self.request(f"{self.pc_url(SEARCH_PATH)}?{query}", self.parse_search,
                            cb_kwargs={"word": word, "page": page})

    def parse_search(self, response: Response, word: str, page: int) -> Iterator[Request]:
        """A thread request for each hit newer than the last run saw, then the next page."""
        data = self.pc_answer(response)
        if data is None:
            return
        cards = [card.get("data") or {} for card in (data.get("data") or {}).get("card_list") or []
                 if "thread" in (card.get("cardInfo"), card.get("cardStyle"))]
        self.listed(len(cards))
        stream, reached_seen = f"search:{word}", False
        for hit in cards:
            if self.seen(epoch(hit.get("time") or hit.get("create_time")), stream):
                reached_seen = True
                continue
            yield self.thread_request(str(hit.get("tid") or ""), stream, 1)
        if len(cards) >= SEARCH_ROWS and not reached_seen and page < self.page_budget:
            yield self.search_request(word, page + 1)

    def thread_request(self, tid: str, stream: str, page: int) -> Request:
        """One page of a thread's floors."""
        params = {"pn": page, "lz": 0, "r": 2, "mark_type": 0, "back": 0, "fr": "", "kz": tid,
                  "session_request_times": 1}
        return self.pc_post(PB_PATH, params, self.parse_pb, cb_kwargs={"tid": tid, "stream": stream, "page": page})

    def parse_pb(self, response: Response, tid: str, stream: str, page: int) -> Iterator[PostItem | Request]:
        """Every floor of a thread page as a post, then the thread's next page."""
        data = self.pc_answer(response)
        if data is None:
            return
        floors = list(data.get("post_list") or [])
        first = data.get("first_floor") or {}
        if first.get("id") and all(str(f.get("id")) != str(first["id"]) for f in floors) and page == 1:
            floors.insert(0, {**first, "floor": 1})
        if not floors:
            self.malformed(response, "帖子没有楼层")
            return
        users = {str(user.get("id")): user for user in data.get("user_list") or []}
        thread = data.get("thread") or {}
        forum = (data.get("forum") or {}).get("name") or stream
        for floor in floors:
            yield self.pc_floor_item(floor, thread, tid, forum, users, stream)
        total = int((data.get("page") or {}).get("total_page") or 1)
        if page < min(total, self.source.thread_pages):
            yield self.thread_request(tid, stream, page + 1)

    def pc_floor_item(self, floor: dict[str, Any], thread: dict[str, Any], tid: str, forum: str,
                      users: dict[str, dict[str, Any]], stream: str) -> PostItem:
        """A post item for one floor of a thread answer."""
        number = int(floor.get("floor") or 0)
        author = users.get(str(floor.get("author_id"))) or {}
        title = str(thread.get("title") or "")
        post_id = str(floor.get("id") or "")
        return PostItem(
            source_key=self.name, platform=self.platform, platform_id=post_id,
            url=f"{self.source.base_url.rstrip('/')}/p/{tid}?pid={post_id}",
            title=title if number == 1 else f"回复：{title}", text=content_text(floor.get("content")),
            author=str(author.get("name_show") or author.get("name") or ""), author_id=str(floor.get("author_id") or ""),
            location=str(author.get("ip_address") or ""), published_at=epoch(floor.get("time")),
            comments=int(thread.get("reply_num") or 0) if number == 1 else int(floor.get("sub_post_number") or 0),
            stream=stream, extra={"thread_id": tid, "floor": number, "forum": forum},
        )
