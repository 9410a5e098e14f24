"""A local stand-in for an RSSHub instance, answering as RSSHub does (DIYgod/RSSHub ``lib/views/rss.tsx``
for feeds, ``lib/errors/index.tsx`` and ``lib/views/error.tsx`` for errors; see docs/sources.md):

- ``/yuchuan/gov/news``, ``/yuchuan/gov/notice``, ``/weibo/user/7700000002``: RSS 2.0 feeds;
- ``/bilibili/user/dynamic/empty``: a feed without items;
- ``/douyin/user/blocked``: 503 HTML error page (the site behind the route refused RSSHub);
- ``/zhihu/search/config``: 503 JSON error, as RSSHub answers when run as a package;
- any other path: 404 HTML error page, ``NotFoundError`` (the route does not exist).
"""

from __future__ import annotations

import json
from html import escape

from yuqing.shell.demo.sites import JSON_TYPE, Call, Reply, SampleSite

RSS_TYPE = "application/rss+xml; charset=utf-8"
FEEDS = {
    "/yuchuan/gov/news": ("榆川市人民政府 - 要闻", [
        ("n-701", "榆川市民政局部署冬季困难群众救助工作", "榆川市民政局召开会议，部署今冬明春困难群众救助。",
         "Tue, 17 Nov 2026 01:00:00 GMT"),
        ("n-702", "榆川市民政局开展养老机构消防检查", "榆川市民政局联合消防部门检查全市养老机构。",
         "Mon, 16 Nov 2026 08:30:00 GMT"),
    ]),
    "/yuchuan/gov/notice": ("榆川市人民政府 - 通知公告", [
        ("n-711", "榆川市民政局关于临时救助标准调整的公告", "自12月1日起，榆川市民政局调整临时救助标准。",
         "Tue, 17 Nov 2026 03:00:00 GMT"),
    ]),
    "/weibo/user/7700000002": ("榆川发布的微博", [
        ("w-721", "", "【提醒】榆川市民政局婚姻登记处本周六正常办公。", "Tue, 17 Nov 2026 05:00:00 GMT"),
    ]),
    "/bilibili/user/dynamic/empty": ("某UP主 的 bilibili 动态", []),
}
ERRORS = {
    "/douyin/user/blocked": ("/douyin/user/:uid", 'FetchError: [GET] "https://www.douyin.com/aweme/v1/web/aweme/post/": 403 Forbidden'),
}
JSON_ERRORS = {"/zhihu/search/config": "ConfigNotFoundError: This route requires ZHIHU_COOKIES"}


def rss(base: str, route: str, title: str, items: list[tuple[str, str, str, str]]) -> str:
    """An RSS 2.0 feed shaped like RSSHub's (generator RSSHub, CDATA titles, GMT pubDate)."""
    entries = "".join(
        f"<item><title><![CDATA[{name}]]></title><description><![CDATA[{text}]]></description>"
        f"<pubDate>{date}</pubDate><guid isPermaLink=\"false\">{base}{route}/{key}</guid>"
        f"<link>{base}/article/{key}</link></item>" for key, name, text, date in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">'
            f"<channel><title><![CDATA[{title}]]></title><link>{base}{route}</link>"
            f"<description><![CDATA[{title} - Powered by RSSHub]]></description><generator>RSSHub</generator>"
            f"<language>zh-cn</language><ttl>5</ttl>{entries}</channel></rss>")


def error_page(path: str, route: str, message: str) -> str:
    """RSSHub's HTML error page: the message in ``code.details``, then the route and the full route."""
    return (f"<!DOCTYPE html><html><head><title>RSSHub</title></head><body>"
            f"<h1>Looks like something went wrong</h1><p class=\"message\">Error Message:<br/>"
            f"<code class=\"mt-2 block details\">{escape(message)}</code></p>"
            f"<p class=\"message\">Route: <code>{escape(route)}</code></p>"
            f"<p class=\"message\">Full Route: <code>{escape(path)}</code></p></body></html>")


class FakeRssHub(SampleSite):
    """Routes above on one loopback server."""

    def answer(self, call: Call) -> Reply:
        """A feed, or the error RSSHub would give for this path."""
        if call.path in FEEDS:
            title, items = FEEDS[call.path]
            return Reply(rss(call.base, call.path, title, items), content_type=RSS_TYPE)
        if call.path in JSON_ERRORS:
            return Reply(json.dumps({"error": {"message": JSON_ERRORS[call.path]}}), status=503, content_type=JSON_TYPE)
        if call.path in ERRORS:
            route, message = ERRORS[call.path]
            return Reply(error_page(call.path, route, f"Error: {message}"), status=503)
        message = "NotFoundError: The route does not exist or has been deleted."
        return Reply(error_page(call.path, call.path, message), status=404)
