"""The `api` source kind, run by real Scrapy against local JSON APIs: cursor and page-number paging,
secrets from the environment, fields mapped by JMESPath, broken pages and missing secrets in health."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.crawler.crawlkit import make_profile, read_posts, read_sources, report_of, run_crawl_process
from tests.crawler.fake_api import TOKEN, VENDOR_KEY, FakeApi

TOKEN_ENV, VENDOR_ENV, UNSET_ENV = "YQ_TEST_12345_TOKEN", "YQ_TEST_VENDOR_KEY", "YQ_TEST_UNSET_TOKEN"


def letters_source(base: str, key: str, variant: str, platform: str, **extra) -> dict:
    """A city 12345 platform paged by cursor, as a bureau would configure it."""
    return {
        "key": key, "kind": "api", "name": "榆川12345", "platform": platform, "local": True, "addressed": True,
        "obey_robots": False, "max_pages": 10,
        "url": f"{base}/open/v2/{variant}?limit={{size}}&cursor={{cursor}}",
        "headers": {"Authorization": "Bearer {token}"}, "secrets": {"token": TOKEN_ENV},
        "paging": {"mode": "cursor", "size": 2, "cursor": "data.nextCursor"},
        "items": "data.records", "error": "message",
        "fields": {"id": "letterId", "title": "subject", "text": "content", "author": "citizen.nick",
                   "time": "createTime", "likes": "stat.likes", "comments": "stat.comments",
                   "reply_state": "handleStatus", "location": "area"},
        "url_template": f"{base}/letters/{{id}}", "reply_states": {"0": "未受理", "1": "办理中", "2": "已办结"},
        **extra,
    }


def vendor_source(base: str) -> dict:
    """A data vendor's keyword search, POST with a JSON body, paged by page number."""
    return {
        "key": "vendor", "kind": "api", "name": "舆情数据服务", "platform": "vendor", "obey_robots": False,
        "max_pages": 10, "method": "POST", "url": f"{base}/vendor/search",
        "headers": {"X-Api-Key": "{key}"}, "secrets": {"key": VENDOR_ENV}, "keywords": ["榆川市民政局"],
        "body": {"keyword": "{keyword}", "pageNo": "{page}", "pageSize": "{size}"},
        "paging": {"mode": "page", "start": 1, "size": 2}, "items": "result.items",
        "fields": {"id": "docId", "title": "title", "text": "body", "author": "author", "time": "pubTime",
                   "reposts": "repostCount", "comments": "commentCount", "likes": "likeCount", "url": "link"},
    }


@pytest.fixture(scope="module")
def api_site():
    """The fake APIs on 127.0.0.1."""
    running = FakeApi().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def crawled(api_site, tmp_path_factory):
    """Two crawls of every API source, with the secrets in the environment (one left unset)."""
    folder = tmp_path_factory.mktemp("api")
    url, base = f"sqlite:///{folder / 'crawl.db'}", api_site.url
    sources = [letters_source(base, "letters", "letters", "12345"),
               letters_source(base, "letters-loop", "looping", "12345-loop"),
               letters_source(base, "letters-broken", "broken", "wenzheng"),
               letters_source(base, "letters-nosecret", "nosecret", "12345-x", secrets={"token": UNSET_ENV}),
               vendor_source(base)]
    profile = make_profile(folder / "config", sources)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TOKEN_ENV, TOKEN)
        patch.setenv(VENDOR_ENV, VENDOR_KEY)
        patch.delenv(UNSET_ENV, raising=False)
        first = report_of(run_crawl_process(profile, url)[1])
        first_calls = list(api_site.calls)
        second = report_of(run_crawl_process(profile, url)[1])
    return {"first": first, "second": second, "posts": read_posts(url), "sources": read_sources(url),
            "calls": first_calls}


def paths(crawled, part: str) -> list:
    return [call for call in crawled["calls"] if part in call.path]


def test_cursor_paged_letters_are_stored_with_mapped_fields(crawled):
    letters = {key: post for key, post in crawled["posts"].items() if key.startswith("12345:")}
    assert set(letters) == {f"12345:YC2026{n:04d}" for n in range(1, 6)}
    first = letters["12345:YC20260001"]
    assert (first.title, first.author, first.location) == ("低保复核进度", "市民王女士", "榆川市")
    assert first.clean_text.startswith("请问市民政局") and (first.likes, first.comments) == (3, 1)
    assert first.published_at.replace(tzinfo=timezone.utc) == datetime(2026, 11, 17, 0, 0, tzinfo=timezone.utc)
    assert first.url.endswith("/letters/YC20260001")
    assert {post.reply_state for post in letters.values()} == {"未受理", "办理中", "已办结"}
    assert crawled["first"]["letters"]["status"] == "ok"


def test_cursor_pages_follow_the_answer_and_carry_the_secret(crawled):
    calls = paths(crawled, "/open/v2/letters")
    assert [call.query.get("cursor", "") != "" for call in calls] == [False, True, True]
    assert all(call.headers["authorization"] == f"Bearer {TOKEN}" for call in calls)


def test_paging_stops_at_a_page_already_seen(crawled):
    assert len(paths(crawled, "/open/v2/looping")) == 4, "the cursor back to page 1 is followed once, then stops"
    assert len(paths(crawled, "/vendor/search")) == 3, "page 3 repeats page 2 and ends the stream"
    assert crawled["first"]["letters-loop"]["new_posts"] == 5


def test_page_number_post_api_maps_epoch_milliseconds_and_counts(crawled):
    bodies = [json.loads(call.body) for call in paths(crawled, "/vendor/search")]
    assert [body["pageNo"] for body in bodies] == [1, 2, 3]
    assert all(body == {"keyword": "榆川市民政局", "pageNo": body["pageNo"], "pageSize": 2} for body in bodies)
    vendor = {key: post for key, post in crawled["posts"].items() if key.startswith("vendor:")}
    assert set(vendor) == {f"vendor:v-{n}" for n in range(1, 5)}
    second = vendor["vendor:v-2"]
    assert (second.reposts, second.comments, second.likes) == (20, 4, 25000)
    assert second.published_at.replace(tzinfo=timezone.utc) == datetime(2026, 11, 15, 1, 0, tzinfo=timezone.utc)
    assert second.url == "https://news.example.com/a/2" and second.author == "榆川晚报"


def test_malformed_json_page_is_a_health_error_and_earlier_pages_are_kept(crawled):
    row = crawled["first"]["letters-broken"]
    assert row["status"] == "partial" and "页面格式异常 ×1" in row["reason"]
    kept = {key for key in crawled["posts"] if key.startswith("wenzheng:")}
    assert kept == {"wenzheng:YC20260001", "wenzheng:YC20260002"}
    assert "页面格式异常" in crawled["sources"]["letters-broken"].last_error


def test_missing_secret_fails_the_source_by_name_and_asks_nothing(crawled):
    row = crawled["first"]["letters-nosecret"]
    assert row["status"] == "failed" and UNSET_ENV in row["reason"]
    source = crawled["sources"]["letters-nosecret"]
    assert not source.healthy and UNSET_ENV in source.last_error and source.consecutive_failures == 2
    assert not paths(crawled, "/open/v2/nosecret")


def test_a_second_run_stores_nothing_twice(crawled):
    assert sum(row["new_posts"] for row in crawled["second"].values()) == 0
    assert crawled["second"]["letters"]["status"] == "ok"
