"""The bureau's own account read from weibo.com's ajax timeline (chosen per account): paged by page
and since_id, long text from the web API, stored as the bureau's own with the comments under them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.crawler.crawlkit import make_profile, read_posts, report_of, run_crawl_process
from yuqing.shell.demo.sites import DEMO_ACCOUNT, own_account_source

ACCOUNTS = [DEMO_ACCOUNT, "榆川市民政局"]
COOKIE_ENV = "YQ_TEST_WEIBO_WEB_COOKIE"


def web_source(base: str, **fields) -> dict:
    return {**own_account_source(base), "key": "weibo-own-web", "web_base_url": base, "cookies_env": COOKIE_ENV,
            "timelines": {DEMO_ACCOUNT["name"]: "web"}, **fields}


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("weibo_web")
    url = f"sqlite:///{folder / 'c.db'}"
    before = len(site.calls)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(COOKIE_ENV, "SUB=_2AtestSession; SUBP=0033test")
        code, events = run_crawl_process(make_profile(folder / "config", [web_source(site.url)], ACCOUNTS), url)
    return {"report": report_of(events), "posts": read_posts(url), "paths": site.paths()[before:]}


def test_web_timeline_is_paged_by_page_and_since_id_until_an_empty_page(crawled):
    assert crawled["report"]["weibo-own-web"]["status"] == "ok"
    pages = [path for path in crawled["paths"] if path.startswith("/ajax/statuses/mymblog")]
    assert pages[0] == "/ajax/statuses/mymblog?uid=7700000001&page=1&feature=0"
    assert "page=2" in pages[1] and "since_id=5305" in pages[1] and "page=3" in pages[2]
    assert not [path for path in crawled["paths"] if "containerid=107603" in path]


def test_web_posts_are_the_bureaus_own_with_absolute_times_and_full_text(crawled):
    posts = crawled["posts"]
    own = {f"weibo:{mid}" for mid in (5301, 5302, 5303, 5305, 5306)}
    assert own <= set(posts) and all(posts[key].own for key in own)
    assert posts["weibo:5302"].published_at == datetime(2026, 11, 18, 7, 0, tzinfo=timezone.utc)
    assert (posts["weibo:5302"].location, posts["weibo:5302"].comments) == ("河北", 7)
    assert posts["weibo:5303"].clean_text.endswith("差额部分将于下月补发。")
    assert "/ajax/statuses/longtext?id=5303" in crawled["paths"]


def test_comments_under_web_timeline_posts_keep_their_thread(crawled):
    posts = crawled["posts"]
    comment = posts["weibo:comment:9001"]
    assert comment.thread_post_id == posts["weibo:5302"].id


def test_without_a_login_the_web_timeline_blocks_the_source(site, tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    source = web_source(site.url, cookies_env="", timeline="web", timelines={})
    code, events = run_crawl_process(make_profile(tmp_path / "config", [source], ACCOUNTS), url)
    row = report_of(events)["weibo-own-web"]
    assert row["status"] == "blocked" and "登录" in row["reason"]
