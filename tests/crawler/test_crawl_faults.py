"""Broken answers: the crawl goes on, each source's health says what happened, nothing is stored twice."""

from __future__ import annotations

import pytest

from tests.crawler.crawlkit import make_profile, read_posts, read_sources, report_of, run_crawl_process
from yuqing.shell.demo.sites import demo_sources


def sources_with_faults(base: str) -> list[dict]:
    """The sample sources, each behind its own faults."""
    weibo, feed, forum, tieba, board = demo_sources(base)
    broken_forum = (f"{base}/fault/truncated/thread-301/fault/slow/thread-302/fault/loop/thread-304"
                    f"/fault/huge/thread-305/bbs/forum-12-1.html")
    return [
        {**weibo, "key": "w-malformed", "base_url": f"{base}/fault/malformed/page=2"},
        {**weibo, "key": "w-login", "base_url": f"{base}/fault/login/getIndex"},
        {**weibo, "key": "w-expired", "base_url": f"{base}/fault/expired/all"},
        {**forum, "key": "f-broken", "start_urls": [broken_forum]},
        {**feed, "key": "n-limited", "urls": [f"{base}/fault/once429/shehui/rss/shehui.xml"], "follow_links": False},
        {**board, "key": "b-flaky", "base_url": f"{base}/fault/once500/all"},
        {**tieba, "key": "t-captcha", "base_url": f"{base}/fault/captcha/all"},
    ]


@pytest.fixture(scope="module")
def faulty(site, tmp_path_factory):
    """Two crawls of the faulty sources into one database."""
    folder = tmp_path_factory.mktemp("faults")
    url = f"sqlite:///{folder / 'crawl.db'}"
    profile = make_profile(folder / "config", sources_with_faults(site.url))
    first = report_of(run_crawl_process(profile, url)[1])
    after_first = set(read_posts(url))
    second = report_of(run_crawl_process(profile, url)[1])
    return {"first": first, "second": second, "keys_first": after_first, "posts": read_posts(url),
            "sources": read_sources(url), "calls": list(site.calls)}


def test_malformed_json_page_is_counted_and_earlier_pages_kept(faulty):
    row = faulty["first"]["w-malformed"]
    assert row["status"] == "partial" and "页面格式异常 ×1" in row["reason"]
    assert {"weibo:5101", "weibo:5103", "weibo:5109"} <= faulty["keys_first"]


def test_broken_forum_pages_are_named_and_good_ones_stored(faulty):
    row = faulty["first"]["f-broken"]
    assert row["status"] == "partial"
    for label in ("响应不完整", "超时", "重定向次数过多", "页面超过大小上限"):
        assert label in row["reason"]
    forum = {key.rsplit("/", 1)[-1] for key in faulty["keys_first"] if "/bbs/" in key}
    assert forum == {"thread-303-1-1.html"}
    source = faulty["sources"]["f-broken"]
    assert source.healthy and "超时" in source.last_error


def test_500_then_200_is_retried_and_clean(faulty):
    assert faulty["first"]["b-flaky"]["status"] == "ok"
    assert {"board:26000003", "board:26000004", "board:26000005"} <= faulty["keys_first"]


def test_429_waits_for_retry_after_before_retrying(faulty):
    assert faulty["first"]["n-limited"]["status"] == "ok"
    feed_calls = [c.at for c in faulty["calls"] if c.path.startswith("/fault/once429/")]
    assert len(feed_calls) >= 2 and feed_calls[1] - feed_calls[0] >= 0.9


@pytest.mark.parametrize("key, words", [
    ("w-login", "需要登录"), ("w-expired", "ok:-100"), ("t-captcha", "百度安全验证"),
])
def test_login_walls_and_captchas_mark_the_source_unhealthy(faulty, key, words):
    assert faulty["first"][key]["status"] == "blocked"
    source = faulty["sources"][key]
    assert not source.healthy and words in source.last_error and source.consecutive_failures == 2
    assert source.last_success_at is None


def test_a_second_run_stores_nothing_twice(faulty):
    assert set(faulty["posts"]) == faulty["keys_first"]
    assert sum(row["new_posts"] for row in faulty["second"].values()) == 0
