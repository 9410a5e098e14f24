"""A local search site that behaves like the platforms the `browser` kind is for (Douyin, Xiaohongshu
and the like, see docs/sources.md): the search page's own JavaScript computes a signature over the
API call (here FNV-1a of path, query and a salt baked into the script) and fetches
``/api/search?keyword=..&page=..&ts=..&sign=..``; the API refuses calls without a valid signature
(HTTP 403, ``{"code": 403, "msg": "签名错误"}``). Scrolling to the bottom makes the page fetch the
next page; ``has_more`` is false on the last one. ``/list`` is a list page whose links only its
script writes (for `render: browser` on an `html` source), each leading to a plain ``/note/<id>`` page.

With ``session=True`` the API also wants the login cookie ``sid``: the first page is answered, the
second (``expires_on_page``, 0: never) says ``{"code": 40101, "msg": "登录已过期"}`` (the session
expired mid-run); each answer sets the cookie ``renewed``.

``/login`` is a QR login page like the platforms': an image of a QR code (``/qr.png``) and a script
that polls ``/login/poll``; once the phone has scanned (``/scan``, the test's simulated scan) the
page goes to ``/login/done``, which sets the ``sid`` cookie for a day. The page reloads its QR image
every half second; with ``qr_renewed_after=N`` the code changes after N images (an expired code
replaced, as platforms do every few minutes)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from yuqing.shell.demo.sites import JSON_TYPE, Call, Reply, SampleSite

SALT = "yq-salt-7f3a"
SESSION_COOKIE = "sid"
SESSION_VALUE = "session-abc123"
RENEWED_COOKIE = "renewed"  # set by every answer of the session site, as platforms renew their cookies
PAGE_SIZE = 2
PUBLISHED = datetime(2026, 11, 17, 9, 0, tzinfo=timezone(timedelta(hours=8)))
NOTES = [
    {"note_id": f"n{n}", "desc": text, "user": {"nickname": nick, "user_id": f"u{n}"},
     "time": int((PUBLISHED - timedelta(hours=n)).timestamp() * 1000), "interact": {"liked_count": str(n * 7)}}
    for n, (text, nick) in enumerate([
        ("榆川市民政局的低保复核什么时候出结果？等了一个月了", "小周"),
        ("给榆川市民政局点赞，养老服务补贴到账很快", "退休老师"),
        ("榆川市民政局婚姻登记处周末也开门，方便", "新人"),
        ("榆川市民政局救助站冬天晚上有热饭", "志愿者阿杰"),
        ("问一下榆川市民政局，殡葬补贴怎么申请", "王先生"),
    ], start=1)
]

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>搜索</title></head><body>
<div id="results"></div>
<script>
const SALT = "%(salt)s";
function fnv(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
let page = 0, more = true, busy = false;
async function next() {
  if (!more || busy) return;
  busy = true;
  page += 1;
  const query = "keyword=" + encodeURIComponent(%(keyword)s) + "&page=" + page + "&ts=" + Date.now();
  const answer = await fetch("/api/search?" + query + "&sign=" + fnv("/api/search?" + query + SALT));
  const data = await answer.json();
  more = Boolean(data.data && data.data.has_more);
  for (const note of (data.data && data.data.items) || []) {
    const row = document.createElement("p");
    row.textContent = note.desc;
    document.getElementById("results").appendChild(row);
  }
  const room = document.createElement("div");
  room.style.height = "3000px";
  document.body.appendChild(room);
  busy = false;
}
window.addEventListener("scroll", () => {
  if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 10) next();
});
next();
</script></body></html>"""


LIST_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>列表</title></head><body><ul id="list"></ul>
<script>
for (const note of %(notes)s) {
  const item = document.createElement("li");
  item.innerHTML = '<a href="/note/' + note.note_id + '">' + note.desc.slice(0, 12) + '</a>';
  document.getElementById("list").appendChild(item);
}
</script></body></html>"""


QR_CONTENT = "https://qr.example.test/login?code=yq-7f3a"
RENEWED_QR_CONTENT = "https://qr.example.test/login?code=yq-9b21"
LOGIN_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>扫码登录</title></head><body>
<p>请使用手机 App 扫码登录</p><img id="qr" src="/qr.png" alt="二维码">
<script>
let shown = 0;
setInterval(() => { document.getElementById("qr").src = "/qr.png?n=" + (++shown); }, 500);
async function poll() {
  const answer = await fetch("/login/poll");
  const state = await answer.json();
  if (state.scanned) { location.href = "/login/done"; return; }
  setTimeout(poll, 200);
}
poll();
</script></body></html>"""


def qr_png(content: str = QR_CONTENT) -> bytes:
    """The login page's QR code image."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(content, error="m").save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def fnv(text: str) -> str:
    """FNV-1a (32 bit) of the UTF-8 text, as the page's script computes it."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


def _json(body: object, status: int = 200) -> Reply:
    return Reply(json.dumps(body, ensure_ascii=False), status=status, content_type=JSON_TYPE)


class SignedSearchSite(SampleSite):
    """The search page and its signed API on one loopback server."""

    def __init__(self, session: bool = False, later_pages_delay: float = 0.0, qr_renewed_after: int = 0,
                 expires_on_page: int = 2) -> None:
        super().__init__()
        self.session = session
        self.expires_on_page = expires_on_page
        self.later_pages_delay = later_pages_delay
        self.qr_renewed_after = qr_renewed_after
        self.qr_served = 0
        self.scanned = False

    def answer(self, call: Call) -> Reply:
        """The search page, the API, or 404."""
        if call.path == "/search":
            keyword = json.dumps(call.query.get("q", ""), ensure_ascii=False)
            return Reply(PAGE % {"salt": SALT, "keyword": keyword})
        if call.path == "/api/search":
            return self.search(call)
        if call.path.startswith(("/login", "/qr.png", "/scan")):
            return self.login(call)
        if call.path == "/robots.txt":
            return Reply("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        if call.path == "/list":
            return Reply(LIST_PAGE % {"notes": json.dumps(NOTES, ensure_ascii=False)})
        note = next((n for n in NOTES if call.path == f"/note/{n['note_id']}"), None)
        if note is not None:
            return Reply(f'<html><body><h1>{note["note_id"]}</h1><div class="body">{note["desc"]}</div></body></html>')
        return Reply("not found", status=404)

    def login(self, call: Call) -> Reply:
        """The QR login page, its image, its poll, the simulated scan and the page that sets the cookie."""
        if call.path == "/qr.png":
            self.qr_served += 1
            renewed = self.qr_renewed_after and self.qr_served > self.qr_renewed_after
            return Reply(qr_png(RENEWED_QR_CONTENT if renewed else QR_CONTENT), content_type="image/png")
        if call.path == "/scan":
            self.scanned = True
            return _json({"ok": True})
        if call.path == "/login/poll":
            return _json({"scanned": self.scanned})
        if call.path == "/login/done" and self.scanned:
            cookie = f"{SESSION_COOKIE}={SESSION_VALUE}; Max-Age=86400; Path=/"
            return Reply("<html><body>登录成功</body></html>", headers={"Set-Cookie": cookie})
        return Reply(LOGIN_PAGE)

    def search(self, call: Call) -> Reply:
        """One page of notes for a correctly signed call (and, on the session site, a logged-in one)."""
        query = "&".join(f"{name}={quote(call.query.get(name, ''), safe='')}" for name in ("keyword", "page", "ts"))
        if call.query.get("sign") != fnv(f"/api/search?{query}{SALT}"):
            return _json({"code": 403, "msg": "签名错误"}, status=403)
        page = int(call.query.get("page", "1"))
        if page > 1 and self.later_pages_delay:
            time.sleep(self.later_pages_delay)
        if self.session:
            if f"{SESSION_COOKIE}={SESSION_VALUE}" not in call.headers.get("cookie", ""):
                return _json({"code": 40100, "msg": "请先登录"})
            if self.expires_on_page and page >= self.expires_on_page:
                return _json({"code": 40101, "msg": "登录已过期"})
        start = (page - 1) * PAGE_SIZE
        items = NOTES[start:start + PAGE_SIZE]
        answer = _json({"code": 0, "data": {"items": items, "has_more": start + PAGE_SIZE < len(NOTES)}})
        if self.session:
            answer.headers["Set-Cookie"] = f"{RENEWED_COOKIE}=page{page}; Max-Age=86400; Path=/"
        return answer
