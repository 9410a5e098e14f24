"""Local JSON APIs for the `api` source kind, written to behave like the kinds a bureau configures:

- ``/open/v2/letters``: a city 12345 / 问政 platform, GET, ``Authorization: Bearer <token>``, paged by an
  opaque ``cursor`` given in ``data.nextCursor`` (null on the last page), ``limit`` items a page.
- ``/open/v2/looping``: the same letters, but the last page's cursor points back at the first page.
- ``/open/v2/broken``: the same letters, the second page cut off in the middle of its JSON.
- ``/vendor/search``: a data vendor's search, POST JSON ``{keyword, pageNo, pageSize}`` with
  ``X-Api-Key``; asked past the end it answers its last page again (as some vendors do).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

from yuqing.shell.demo.sites import JSON_TYPE, Call, Reply, SampleSite

TOKEN = "test-token-12345"
VENDOR_KEY = "vendor-key-abc"
PUBLISHED = datetime(2026, 11, 17, 9, 0, tzinfo=timezone(timedelta(hours=8)))

LETTERS = [
    {"letterId": f"YC2026{n:04d}", "subject": subject, "content": content, "citizen": {"nick": nick},
     "createTime": (PUBLISHED - timedelta(hours=n)).strftime("%Y-%m-%d %H:%M:%S"),
     "stat": {"likes": n * 3, "comments": n}, "handleStatus": status, "area": "榆川市"}
    for n, (subject, content, nick, status) in enumerate([
        ("低保复核进度", "请问市民政局，低保年度复核材料交了一个月，什么时候出结果？", "市民王女士", 2),
        ("养老服务补贴", "民政局发放的养老服务补贴本月没有到账，请帮忙查询。", "张先生", 1),
        ("婚姻登记预约", "婚姻登记处网上预约一直约不上号，民政局能否增加号源？", "小刘", 2),
        ("殡葬服务收费", "殡仪馆收费项目不透明，希望市民政局公开收费标准。", "李先生", 0),
        ("社区养老食堂", "社区养老食堂饭菜太贵，民政局有没有补贴政策？", "赵阿姨", 1),
    ], start=1)
]

ARTICLES = [
    {"docId": f"v-{n}", "title": title, "body": body, "author": author,
     "pubTime": int((PUBLISHED - timedelta(days=n)).timestamp() * 1000),
     "repostCount": n * 10, "commentCount": n * 2, "likeCount": f"{n}.5万", "link": f"https://news.example.com/a/{n}"}
    for n, (title, body, author) in enumerate([
        ("榆川市民政局回应低保争议", "榆川市民政局表示将逐户复核今年新增低保对象。", "榆川日报"),
        ("榆川养老院检查", "榆川市民政局开展养老机构安全大检查。", "榆川晚报"),
        ("榆川救助站冬季开放", "榆川市民政局：救助站冬季夜间开放。", "本地宝"),
        ("榆川婚姻登记新规", "榆川市民政局婚姻登记处推行跨省通办。", "榆川新闻网"),
    ], start=1)
]


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{index}".encode()).decode()


def _index(cursor: str) -> int | None:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":")[1])
    except (ValueError, IndexError):
        return None


def _json(body: object, status: int = 200) -> Reply:
    return Reply(json.dumps(body, ensure_ascii=False), status=status, content_type=JSON_TYPE)


class FakeApi(SampleSite):
    """The JSON APIs above on one loopback server."""

    def answer(self, call: Call) -> Reply:
        """Route to the letters platform or the vendor search."""
        if call.path.startswith("/open/v2/"):
            return self.letters(call, call.path.rsplit("/", 1)[-1])
        if call.path == "/vendor/search":
            return self.vendor(call)
        return _json({"code": 404, "message": "not found"}, status=404)

    def letters(self, call: Call, variant: str) -> Reply:
        """One page of letters after the cursor, newest first."""
        if call.headers.get("authorization") != f"Bearer {TOKEN}":
            return _json({"code": 401, "message": "invalid token"}, status=401)
        start, limit = _index(call.query.get("cursor", "")), int(call.query.get("limit", "2"))
        if start is None:
            return _json({"code": 400, "message": "bad cursor"}, status=400)
        end = start + limit
        following = _cursor(end) if end < len(LETTERS) else (_cursor(0) if variant == "looping" else None)
        body = json.dumps({"code": 0, "data": {"records": LETTERS[start:end], "nextCursor": following}},
                          ensure_ascii=False)
        if variant == "broken" and start > 0:
            body = body[: len(body) // 2]
        return Reply(body, content_type=JSON_TYPE)

    def vendor(self, call: Call) -> Reply:
        """A page of search results; a page past the end repeats the last page."""
        if call.method != "POST" or call.headers.get("x-api-key") != VENDOR_KEY:
            return _json({"status": "error", "error": "missing or wrong api key"}, status=403)
        query = json.loads(call.body or b"{}")
        size, page = int(query.get("pageSize", 10)), int(query.get("pageNo", 1))
        pages = [ARTICLES[i:i + size] for i in range(0, len(ARTICLES), size)]
        return _json({"status": "ok", "result": {"total": len(ARTICLES), "items": pages[min(page, len(pages)) - 1]}})
