"""Sample sites for the demo and the crawler tests: one loopback HTTP server that answers like
Weibo's mobile API (search, a user's timeline, comments and replies), a news site (RSS, Atom, articles), a Discuz-style forum, a Tieba forum and a
留言板 JSON API, with made-up posts about 榆川市民政局 (data files in yuqing/shell/demo/sites/).

Usage::

    site = SampleSite().start()          # 127.0.0.1, port chosen by the system, served by a thread
    sources = demo_sources(site.url)     # source dicts for sources.yaml, pointing at the site
    site.stop()

``python -m yuqing.shell.demo.sites`` serves it in the foreground and prints the URL.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).resolve().parent / "sites"
JSON_TYPE = "application/json; charset=utf-8"
NOTHING_HERE = {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
TIMELINE_PREFIX = "107603"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass
class Reply:
    """An HTTP answer of the sample site."""

    body: bytes | str = b""
    status: int = 200
    content_type: str = HTML_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    declared_length: int | None = None

    def payload(self) -> bytes:
        """The body as bytes (text is sent as UTF-8)."""
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Call:
    """One request as the site saw it."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes
    base: str
    at: float = field(default_factory=time.monotonic)
    headers: dict[str, str] = field(default_factory=dict)

    def json_param(self) -> dict[str, Any]:
        """The 留言板 `param` (a JSON string inside the JSON body)."""
        try:
            return json.loads(json.loads(self.body or b"{}").get("param") or "{}")
        except ValueError:
            return {}


def read_data(name: str, base: str) -> str:
    """A data file with {{BASE}} replaced by the site's address."""
    return (DATA / name).read_text(encoding="utf-8").replace("{{BASE}}", base)


def weibo_search(call: Call) -> Reply:
    """Search results by page; past the last page Weibo's 'nothing here' answer."""
    pages = json.loads(read_data("weibo_search.json", call.base))
    page = int(call.query.get("page", "1") or 1)
    answer = pages[page - 1] if 0 < page <= len(pages) else NOTHING_HERE
    return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)


def weibo_container(call: Call) -> Reply:
    """The mobile API's container: a user's timeline (containerid 107603{uid}) or search results."""
    container = call.query.get("containerid", "")
    if container.startswith(TIMELINE_PREFIX):
        return weibo_timeline(call, container[len(TIMELINE_PREFIX):])
    return weibo_search(call)


def weibo_timeline(call: Call, uid: str) -> Reply:
    """A user's posts, newest first, paged by ``since_id`` (the id of the next page's first post,
    given in ``cardlistInfo``; empty on the last page)."""
    pages = json.loads(read_data("weibo_timeline.json", call.base)).get(uid, [])
    since = call.query.get("since_id", "")
    index = next((i for i, page in enumerate(pages) if not since or _first_id(page) == since), None)
    answer = pages[index] if index is not None else NOTHING_HERE
    return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)


def _first_id(page: dict[str, Any]) -> str:
    cards = page.get("data", {}).get("cards") or [{}]
    return str(cards[0].get("mblog", {}).get("id", ""))


def _cursor(owner: str, index: int) -> int:
    """An opaque max_id for page `index` of a comment list (0 means no further page)."""
    return int(f"{owner}{index:04d}") if index else 0


def _page_at(pages: list[Any], owner: str, max_id: str) -> int | None:
    """The page a max_id cursor points to (none or 0: the first)."""
    if max_id in ("", "0"):
        return 0
    return next((i for i in range(1, len(pages)) if str(_cursor(owner, i)) == max_id), None)


def weibo_comments(call: Call) -> Reply:
    """First-level comments under a post (``id``/``mid``), paged by the ``max_id`` cursor; ok:0 for a
    post without comments."""
    post_id = call.query.get("id") or call.query.get("mid", "")
    pages = json.loads(read_data("weibo_comments.json", call.base))["hotflow"].get(post_id)
    index = _page_at(pages, post_id, call.query.get("max_id", "")) if pages else None
    if index is None:
        return Reply(json.dumps({"ok": 0}), content_type=JSON_TYPE)
    following = _cursor(post_id, index + 1) if index + 1 < len(pages) else 0
    body = {"data": pages[index], "total_number": sum(len(page) for page in pages), "max_id": following,
            "max_id_type": 0}
    return Reply(json.dumps({"ok": 1, "data": body}, ensure_ascii=False), content_type=JSON_TYPE)


def weibo_replies(call: Call) -> Reply:
    """Second-level replies under a comment (``cid``), paged by ``max_id``; the list is at the top
    level, beside ``rootComment``."""
    cid = call.query.get("cid", "")
    data = json.loads(read_data("weibo_comments.json", call.base))
    pages = data["children"].get(cid) or [[]]
    index = _page_at(pages, cid, call.query.get("max_id", ""))
    roots = [c for post in data["hotflow"].values() for page in post for c in page if str(c["id"]) == cid]
    following = _cursor(cid, index + 1) if index is not None and index + 1 < len(pages) else 0
    answer = {"ok": 1, "data": pages[index] if index is not None else [], "total_number": sum(map(len, pages)),
              "max_id": following, "max_id_type": 0, "rootComment": roots}
    return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)


def weibo_web_login_wall(call: Call) -> Reply | None:
    """weibo.com's ajax API wants a logged-in session: without a SUB cookie, ok:-100 and the login page."""
    if "SUB=" in call.headers.get("cookie", ""):
        return None
    return Reply(json.dumps({"ok": -100, "url": "https://weibo.com/login.php"}), content_type=JSON_TYPE)


def weibo_web_timeline(call: Call) -> Reply:
    """A user's posts on weibo.com (``uid``, ``page`` from 1, ``feature=0``), newest first, under
    ``data.list``; ``data.since_id`` is the next page's first post id, and an empty list ends it."""
    refused = weibo_web_login_wall(call)
    if refused:
        return refused
    pages = json.loads(read_data("weibo_web_timeline.json", call.base))["timelines"].get(call.query.get("uid", ""), [])
    page = int(call.query.get("page", "1") or 1)
    posts = pages[page - 1] if 0 < page <= len(pages) else []
    following = pages[page][0]["idstr"] if page < len(pages) else ""
    body = {"since_id": following, "list": posts, "total": sum(map(len, pages))}
    return Reply(json.dumps({"ok": 1, "data": body}, ensure_ascii=False), content_type=JSON_TYPE)


def weibo_web_long_text(call: Call) -> Reply:
    """The full text of a truncated post on weibo.com (``id``)."""
    refused = weibo_web_login_wall(call)
    if refused:
        return refused
    text = json.loads(read_data("weibo_web_timeline.json", call.base))["longtext"].get(call.query.get("id", ""))
    data = {"longTextContent": text, "longTextContent_raw": text, "isMarkdown": False, "url_struct": []} if text else {}
    return Reply(json.dumps({"ok": 1, "data": data}, ensure_ascii=False), content_type=JSON_TYPE)


def weibo_long_text(call: Call) -> Reply:
    """The full text of a truncated post."""
    texts = json.loads(read_data("weibo_long.json", call.base))
    text = texts.get(call.query.get("id", ""))
    answer = {"ok": 1, "data": {"longTextContent": text}} if text else {"ok": 0, "msg": "微博不存在"}
    return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)


def static_page(name: str, content_type: str = HTML_TYPE, encoding: str = "utf-8") -> Callable[[Call], Reply]:
    """A handler serving one data file, re-encoded when the real site is not UTF-8."""
    def handler(call: Call) -> Reply:
        return Reply(read_data(name, call.base).encode(encoding), content_type=content_type)
    return handler


def data_file(pattern: str) -> Callable[[Call], Reply]:
    """A handler serving the data file named by the path's groups, or 404."""
    def handler(call: Call, *groups: str) -> Reply:
        name = pattern.format(*groups)
        if not (DATA / name).is_file():
            return Reply("<html><body>404 页面不存在</body></html>", status=404)
        return Reply(read_data(name, call.base))
    return handler


def tieba_list(call: Call) -> Reply:
    """Thread list pages of the 榆川 forum (50 threads a page on the real site)."""
    page = int(call.query.get("pn", "0") or 0) // 50 + 1
    return data_file("tieba_list_{}.html")(call, str(page))


def tieba_thread(call: Call, tid: str) -> Reply:
    """A thread page (?pn=N)."""
    return data_file("tieba_thread_{}_{}.html")(call, tid, call.query.get("pn", "1") or "1")


BOARD_APP_CODE = "PC42ce3bfa4980a9"


def board_refusal(call: Call) -> Reply | None:
    """What the 留言板 API answers a call it does not accept: 405 for anything but POST, and
    HTTP 200 with code SN0006 when the signature is not md5(path + param + key + token), key
    being the first 16 hex digits of md5(token), or of md5(appCode) without a token."""
    if call.method != "POST":
        return Reply("Method Not Allowed", status=405, content_type="text/plain")
    try:
        body = json.loads(call.body or b"{}")
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    app_code, token = str(body.get("appCode") or ""), str(body.get("token") or "")
    param = body.get("param") if isinstance(body.get("param"), str) else ""
    key = hashlib.md5((token or app_code).encode("utf-8")).hexdigest()[:16]
    expected = hashlib.md5((call.path + param + key + token).encode("utf-8")).hexdigest()
    if app_code != BOARD_APP_CODE or body.get("signature") != expected:
        answer = {"code": "SN0006", "msg": "签名错误", "resultData": None}
        return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)
    return None


def board_list(call: Call) -> Reply:
    """Messages after `lastItem`, `rows` at a time, newest first (the same answer for a local
    leader's board, /df, and a ministry's, /bw)."""
    refused = board_refusal(call)
    if refused:
        return refused
    param = call.json_param()
    messages = json.loads(read_data("board.json", call.base))["messages"]
    last = str(param.get("lastItem") or "")
    start = next((i + 1 for i, m in enumerate(messages) if str(m["tid"]) == last), 0) if last else 0
    rows = int(param.get("rows") or 10)
    answer = {"resultData": {"data": messages[start:start + rows]}, "resultCode": 200}
    return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)


def board_content(call: Call) -> Reply:
    """One message's text and the official reply."""
    refused = board_refusal(call)
    if refused:
        return refused
    contents = json.loads(read_data("board.json", call.base))["contents"]
    entries = contents.get(str(call.json_param().get("tid", "")))
    if entries is None:
        return Reply(json.dumps({"code": "SN0004", "msg": "留言不存在"}, ensure_ascii=False), content_type=JSON_TYPE)
    return Reply(json.dumps({"resultData": {"contentList": entries}}, ensure_ascii=False), content_type=JSON_TYPE)


def board_search(call: Call) -> Reply:
    """Messages of every board whose subject or text holds `keywords`, newest first, paged by
    `page` and `rows`; the list is under `data.data`, each entry naming its board (`fid`,
    `forumName`) and region (`domainName`)."""
    refused = board_refusal(call)
    if refused:
        return refused
    param = call.json_param()
    word = str(param.get("keywords") or "")
    found = [m for m in json.loads(read_data("board.json", call.base))["search"]
             if word and (word in m["subject"] or word in m.get("content", ""))]
    rows, page = int(param.get("rows") or 10), int(param.get("page") or 1)
    answer = {"code": "SN0000", "data": {"data": found[(page - 1) * rows:page * rows], "total": len(found)}}
    return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)


TIEBA_PC_TOKEN = "c0ffee00feed00d15ea5e00000000001"
TIEBA_PC_KEY = "36770b1f34c9bbf2e7d1a99d2b82fa9e"


def tieba_pc_refusal(call: Call, params: dict[str, str], needs_token: bool = True) -> Reply | None:
    """What Tieba's PC API answers a call without the page's signature (HTTP 200, error_code
    110001), or, past ``/c/s/pc/sync``, without the page token it issued (``tbs``)."""
    text = "".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
    if params.get("sign") != hashlib.md5((text + TIEBA_PC_KEY).encode("utf-8")).hexdigest():
        return tieba_json({"error_code": 110001, "error_msg": "签名错误"})
    if needs_token and params.get("tbs") != TIEBA_PC_TOKEN:
        return tieba_json({"error_code": 2210002, "error_msg": "tbs 校验失败"})
    return None


def tieba_json(answer: dict[str, Any]) -> Reply:
    """A Tieba PC JSON answer."""
    return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)


def tieba_form(call: Call) -> dict[str, str]:
    """The form fields of a POST (the query string's for a GET)."""
    if call.method != "POST":
        return dict(call.query)
    return {k: v[-1] for k, v in parse_qs(call.body.decode("utf-8"), keep_blank_values=True).items()}


def tieba_pc_sync(call: Call) -> Reply:
    """The page token for the signed calls that follow."""
    refused = tieba_pc_refusal(call, tieba_form(call), needs_token=False)
    return refused or tieba_json({"error_code": 0, "data": {"anti": {"tbs": TIEBA_PC_TOKEN}}})


def tieba_pc_frs(call: Call) -> Reply:
    """A forum's thread list page (POST ``kw``, ``pn``): thread ids in ``forum.tids`` and one feed
    card each; past the last page, none."""
    form = tieba_form(call)
    refused = tieba_pc_refusal(call, form)
    if refused:
        return refused
    data = json.loads(read_data("tieba_pc.json", call.base))
    forum = data["forums"].get(form.get("kw", ""))
    if forum is None:
        return tieba_json({"error_code": 340001, "error_msg": "吧不存在"})
    page = int(form.get("pn") or 1)
    tids = forum["pages"][page - 1] if page <= len(forum["pages"]) else []
    feeds = [{"layout": "feed", "feed": {"business_info_map": {"thread_id": tid, "title": data["threads"][tid]["thread"]["title"]}}}
             for tid in tids]
    return tieba_json({"error_code": 0, "forum": {"id": forum["id"], "name": form["kw"], "tids": ",".join(tids)},
                       "page_data": {"feed_list": feeds}})


def tieba_pc_pb(call: Call) -> Reply:
    """One page of a thread (POST ``kz``, ``pn``): ``thread``, ``forum``, ``first_floor``, ``page``,
    ``post_list`` and the authors in ``user_list``."""
    form = tieba_form(call)
    refused = tieba_pc_refusal(call, form)
    if refused:
        return refused
    data = json.loads(read_data("tieba_pc.json", call.base))
    thread = data["threads"].get(form.get("kz", ""))
    if thread is None:
        return tieba_json({"error_code": 4, "error_msg": "贴子可能已被删除"})
    page = int(form.get("pn") or 1)
    floors = thread["pages"][page - 1] if page <= len(thread["pages"]) else []
    return tieba_json({"error_code": 0, "thread": thread["thread"], "forum": thread["forum"],
                       "first_floor": {**thread["pages"][0][0], "tid": thread["thread"]["id"]},
                       "page": {"current_page": page, "total_page": len(thread["pages"])},
                       "post_list": floors, "user_list": data["users"]})


def tieba_pc_search(call: Call) -> Reply:
    """Search results (GET ``word``, ``pn``, ``rn``): thread cards whose title or text holds the
    word, under ``data.card_list``."""
    form = tieba_form(call)
    refused = tieba_pc_refusal(call, form, needs_token=False)
    if refused:
        return refused
    word = form.get("word", "")
    cards = [card for card in json.loads(read_data("tieba_pc.json", call.base))["search"]
             if word and word in json.dumps(card["data"], ensure_ascii=False)]
    rows, page = int(form.get("rn") or 20), int(form.get("pn") or 1)
    return tieba_json({"no": 0, "error": "success", "data": {"card_list": cards[(page - 1) * rows:page * rows]}})


ROUTES: list[tuple[str, Callable[..., Reply]]] = [
    (r"/api/container/getIndex", weibo_container),
    (r"/comments/hotflow", weibo_comments),
    (r"/comments/hotFlowChild", weibo_replies),
    (r"/statuses/extend", weibo_long_text),
    (r"/ajax/statuses/mymblog", weibo_web_timeline),
    (r"/ajax/statuses/longtext", weibo_web_long_text),
    (r"/rss/shehui\.xml", static_page("news_rss.xml", "application/rss+xml; charset=utf-8")),
    (r"/rss/atom\.xml", static_page("news_atom.xml", "application/atom+xml")),
    (r"/news/(\w+)\.html", data_file("news_{}.html")),
    (r"/bbs/forum-12-(\d+)\.html", data_file("forum_list_{}.html")),
    (r"/bbs/thread-303-1-1\.html", static_page("forum_thread_303.html", "text/html", "gbk")),
    (r"/bbs/thread-(\d+)-1-1\.html", data_file("forum_thread_{}.html")),
    (r"/f", tieba_list),
    (r"/c/s/pc/sync", tieba_pc_sync),
    (r"/c/f/frs/page_pc", tieba_pc_frs),
    (r"/c/f/pb/page_pc", tieba_pc_pb),
    (r"/mo/q/search/multsearch", tieba_pc_search),
    (r"/p/(\d+)", tieba_thread),
    (r"/v1/threads/list/(?:df|bw)", board_list),
    (r"/v2/threads/search", board_search),
    (r"/v1/threads/content", board_content),
    (r"/robots\.txt", lambda call: Reply("User-agent: *\nDisallow: /private/\n", content_type="text/plain")),
]


class SampleSite:
    """The sample site; subclasses (the tests' fault site) may override `answer`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The site's base address, e.g. http://127.0.0.1:40123."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SampleSite:
        """Listen on 127.0.0.1 (a free port) and serve from a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.site = self
        threading.Thread(target=self._server.serve_forever, daemon=True, name="sample-site").start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def record(self, call: Call) -> None:
        """Remember a request (tests look at which pages were fetched)."""
        with self._lock:
            self.calls.append(call)

    def paths(self) -> list[str]:
        """Paths with query strings of every request so far."""
        with self._lock:
            return [c.path + ("?" + "&".join(f"{k}={v}" for k, v in c.query.items()) if c.query else "")
                    for c in self.calls]

    def answer(self, call: Call) -> Reply:
        """Route a request to its page."""
        for pattern, handler in ROUTES:
            found = re.fullmatch(pattern, call.path)
            if found:
                return handler(call, *found.groups())
        return Reply("<html><body>404 页面不存在</body></html>", status=404)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are recorded on the site instead."""

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        call = Call(method, parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()},
                    self.rfile.read(length) if length else b"", f"http://{self.headers.get('Host', '')}",
                    headers={name.lower(): value for name, value in self.headers.items()})
        site: SampleSite = self.server.site
        site.record(call)
        self.send(site.answer(call))

    def send(self, reply: Reply) -> None:
        """Write a reply (a declared length beyond the body makes a truncated response)."""
        body = reply.payload()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(reply.declared_length or len(body)))
        if reply.declared_length:
            self.close_connection = True
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")


DEMO_ACCOUNT = {"name": "榆川民政", "platform": "weibo", "uid": "7700000001"}


def own_account_source(base_url: str) -> dict[str, Any]:
    """The source entry that watches the bureau's own Weibo account (DEMO_ACCOUNT) on the site."""
    return {"key": "weibo-own", "kind": "weibo_account", "name": "本局微博", "base_url": base_url.rstrip("/"),
            "obey_robots": False, "max_pages": 3}


def demo_sources(base_url: str) -> list[dict[str, Any]]:
    """Source entries for sources.yaml that crawl the sample site at `base_url`."""
    base = base_url.rstrip("/")
    return [
        {"key": "weibo-search", "kind": "weibo", "name": "微博搜索", "base_url": base,
         "keywords": ["榆川民政局"], "obey_robots": False, "max_pages": 5},
        {"key": "city-news", "kind": "feed", "name": "榆川新闻网", "urls": [f"{base}/rss/shehui.xml", f"{base}/rss/atom.xml"],
         "follow_links": True, "content_css": "div.article-content"},
        {"key": "city-forum", "kind": "html", "name": "榆川论坛·民生", "start_urls": [f"{base}/bbs/forum-12-1.html"],
         "selectors": {"item": "tbody[id^=normalthread]", "link": "a.xst::attr(href)", "title": "a.xst::text",
                       "date": "td.by em span::attr(title)", "next_page": "a.nxt::attr(href)", "body": "td.t_f",
                       "author": "a.xw1::text"},
         "date_formats": ["%Y-%m-%d %H:%M"]},
        {"key": "tieba-yuchuan", "kind": "tieba", "name": "榆川吧", "base_url": base, "forums": ["榆川"]},
        {"key": "liuyan-board", "kind": "board", "name": "领导留言板", "base_url": base, "page_size": 3,
         "forums": [{"id": 5801, "addressee": "榆川市市长", "region": "榆川市"}]},
    ]


if __name__ == "__main__":
    running = SampleSite().start()
    print(running.url, flush=True)
    threading.Event().wait()
