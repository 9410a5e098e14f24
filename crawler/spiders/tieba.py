"""Baidu Tieba: the 2024 HTML pages (forum thread lists with rows hidden in a commented-out pagelet,
thread pages) and, with ``site: pc``, the 2026 PC app's signed JSON (crawler/spiders/tieba_pc.py)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from parsel import Selector
from scrapy.http import Response

from crawler.items import PostItem
from crawler.spiders.base import SourceSpider
from crawler.spiders.tieba_pc import TiebaPcReader
from crawler.timeparse import parse_count, parse_cn_time

CAPTCHA_MARKERS = ("百度安全验证", "安全验证", "wappass.baidu.com")
PAGE_SIZE = 50


def thread_rows(response: Response) -> Selector:
    """The thread list: inside the `pagelet_html` comment when present, else the page itself."""
    hidden = response.xpath("//code[contains(@id, 'thread_list')]/comment()").get()
    if hidden:
        return Selector(text=hidden.removeprefix("<!--").removesuffix("-->"))
    return Selector(text=response.text)


def data_field(node: Selector) -> dict:
    """The JSON held in a node's data-field attribute ({} when missing or broken)."""
    try:
        return json.loads(node.attrib.get("data-field") or "{}")
    except ValueError:
        return {}


class TiebaSpider(TiebaPcReader, SourceSpider):
    """Threads of each configured forum, newest reply first, with their floors as posts."""

    kind = "tieba"

    def first_requests(self):
        """Page 1 of every forum's thread list (on the 2026 site, the page token first)."""
        if self.source.site == "pc":
            return self.pc_first_requests()
        return [self.list_request(forum, 1) for forum in self.source.forums]

    def list_request(self, forum: str, page: int):
        """The thread-list request for one page of a forum."""
        query = urlencode({"kw": forum, "ie": "utf-8", "pn": PAGE_SIZE * (page - 1)})
        return self.request(f"{self.source.base_url.rstrip('/')}/f?{query}", self.parse_list,
                            cb_kwargs={"forum": forum, "page": page})

    def check_captcha(self, response: Response) -> None:
        """Stop the source when Baidu answers with its security check."""
        if any(marker in response.url or marker in response.text for marker in CAPTCHA_MARKERS):
            self.blocked("出现百度安全验证（验证码），需要有效的 BDUSS Cookie")

    def parse_list(self, response: Response, forum: str, page: int):
        """Requests for changed threads, then the next list page."""
        self.check_captcha(response)
        listing = thread_rows(response)
        rows = listing.css("li.j_thread_list")
        if not rows:
            self.malformed(response, "帖子列表为空")
            return
        self.listed(len(rows))
        reached_seen = False
        for row in rows:
            thread = self.thread_info(row, forum, response)
            if self.seen(thread["last_reply_at"], forum) and not thread["is_top"]:
                reached_seen = True
                continue
            yield self.request(thread["url"], self.parse_thread, cb_kwargs={"thread": thread, "page": 1})
        has_next = listing.css("#frs_list_pager a.next") or response.css("#frs_list_pager a.next")
        if has_next and not reached_seen and page < self.page_budget:
            yield self.list_request(forum, page + 1)

    def thread_info(self, row: Selector, forum: str, response: Response) -> dict:
        """What the list row tells about a thread."""
        field = data_field(row)
        created = parse_cn_time(row.css("span.is_show_create_time::text").get(""), self.now, self.zone)
        replied = parse_cn_time(row.css("span.threadlist_reply_date::text").get(""), self.now, self.zone)
        return {
            "tid": row.attrib.get("data-tid") or str(field.get("id", "")), "forum": forum,
            "title": row.css("a.j_th_tit::text").get("").strip(),
            "url": response.urljoin(row.css("a.j_th_tit::attr(href)").get("")),
            "replies": parse_count(field.get("reply_num") or row.css("span.threadlist_rep_num::text").get()),
            "is_top": bool(field.get("is_top")), "created_at": created, "last_reply_at": replied or created,
        }

    def parse_thread(self, response: Response, thread: dict, page: int):
        """Every floor of a thread page as a post, then the thread's next page."""
        self.check_captcha(response)
        floors = response.css("div.l_post.j_l_post")
        if not floors:
            self.malformed(response, "帖子页没有楼层")
            return
        for floor in floors:
            yield self.floor_item(floor, thread)
        pages = response.css("li.l_reply_num span.red::text").getall()
        total = int(pages[1]) if len(pages) > 1 and pages[1].isdigit() else 1
        if page < min(total, self.source.thread_pages):
            yield self.request(f"{thread['url'].split('?')[0]}?pn={page + 1}", self.parse_thread,
                               cb_kwargs={"thread": thread, "page": page + 1})

    def floor_item(self, floor: Selector, thread: dict) -> PostItem:
        """A post item for one floor of a thread."""
        field = data_field(floor)
        author, content = field.get("author") or {}, field.get("content") or {}
        post_no = int(content.get("post_no") or 0)
        tails = [t.strip() for t in floor.css("div.post-tail-wrap span::text").getall() if t.strip()]
        ip = next((t.split(":", 1)[-1].split("：")[-1] for t in tails if "IP属地" in t), "")
        when = next((d for d in (parse_cn_time(t, self.now, self.zone) for t in tails if "楼" not in t) if d), None)
        post_id = str(content.get("post_id") or "")
        return PostItem(
            source_key=self.name, platform=self.platform, platform_id=post_id,
            url=f"{thread['url'].split('?')[0]}?pid={post_id}",
            title=thread["title"] if post_no == 1 else f"回复：{thread['title']}",
            text="\n".join(floor.css("div.d_post_content").getall()) or str(content.get("content") or ""),
            author=author.get("user_name") or "", author_id=str(author.get("user_id") or ""), location=ip.strip(),
            published_at=when or (thread["created_at"] if post_no == 1 else None),
            comments=thread["replies"] if post_no == 1 else 0,
            stream=thread["forum"], extra={"thread_id": thread["tid"], "floor": post_no, "forum": thread["forum"]},
        )
