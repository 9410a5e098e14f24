"""Feed sources that name RSSHub routes, crawled from a local fake RSSHub: good routes are stored,
error pages (HTML or JSON, 404 or 503), empty feeds and an unreachable RSSHub fail by route name."""

from __future__ import annotations

import pytest

from tests.crawler.crawlkit import make_profile, read_posts, read_sources, report_of, run_crawl_process
from tests.crawler.fake_rsshub import FakeRssHub

BROKEN = ["/douyin/user/blocked", "/no/such/route", "/zhihu/search/config", "/bilibili/user/dynamic/empty"]


def hub_source(key: str, base: str, routes: list[str]) -> dict:
    """A feed source reading `routes` of the RSSHub at `base`."""
    return {"key": key, "kind": "feed", "name": f"RSSHub {key}", "obey_robots": False,
            "rsshub": {"base_url": base, "routes": routes}}


@pytest.fixture(scope="module")
def hub():
    """The fake RSSHub on 127.0.0.1."""
    running = FakeRssHub().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def crawled(hub, tmp_path_factory):
    """One crawl of four RSSHub sources: all good, mixed, only empty, RSSHub unreachable."""
    folder = tmp_path_factory.mktemp("rsshub")
    url = f"sqlite:///{folder / 'crawl.db'}"
    closed = FakeRssHub().start()
    closed_url = closed.url
    closed.stop()
    sources = [hub_source("hub-good", hub.url, ["/yuchuan/gov/news", "/weibo/user/7700000002"]),
               hub_source("hub-mixed", hub.url + "/", ["/yuchuan/gov/notice", *BROKEN]),
               hub_source("hub-empty", hub.url, ["/bilibili/user/dynamic/empty"]),
               hub_source("hub-down", closed_url, ["/yuchuan/gov/news"])]
    report = report_of(run_crawl_process(make_profile(folder / "config", sources), url)[1])
    return {"report": report, "posts": read_posts(url), "sources": read_sources(url), "paths": hub.paths()}


def test_routes_expand_to_feed_urls_and_entries_are_stored(crawled):
    assert crawled["report"]["hub-good"]["status"] == "ok"
    titles = {post.title for post in crawled["posts"].values()}
    assert {"榆川市民政局部署冬季困难群众救助工作", "榆川市民政局开展养老机构消防检查",
            "榆川市民政局关于临时救助标准调整的公告"} <= titles
    assert any("婚姻登记处本周六正常办公" in post.clean_text for post in crawled["posts"].values())
    assert {"/yuchuan/gov/news", "/weibo/user/7700000002", *BROKEN} <= set(crawled["paths"])


def test_error_pages_and_empty_feeds_fail_each_route_by_name(crawled):
    row = crawled["report"]["hub-mixed"]
    assert row["status"] == "partial" and "RSSHub 路由失败 ×4" in row["reason"]
    reason = row["reason"]
    assert "路由 /douyin/user/blocked: HTTP 503 Error: FetchError" in reason
    assert "路由 /no/such/route: HTTP 404 NotFoundError: The route does not exist" in reason
    assert "路由 /zhihu/search/config: HTTP 503 ConfigNotFoundError" in reason
    assert "路由 /bilibili/user/dynamic/empty: 订阅为空" in reason
    assert "/yuchuan/gov/notice" not in reason
    assert crawled["sources"]["hub-mixed"].last_error == reason


def test_a_source_whose_only_route_is_empty_is_unhealthy(crawled):
    row = crawled["report"]["hub-empty"]
    assert row["status"] == "failed" and "路由 /bilibili/user/dynamic/empty: 订阅为空" in row["reason"]
    assert not crawled["sources"]["hub-empty"].healthy


def test_an_unreachable_rsshub_names_the_route(crawled):
    row = crawled["report"]["hub-down"]
    assert row["status"] == "failed" and "路由 /yuchuan/gov/news: connection" in row["reason"]
