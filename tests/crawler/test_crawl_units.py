"""Small parts of the crawler: dates and counts, Retry-After, encodings, keys, health verdicts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.health import apply_outcome, describe_errors, judge
from crawler.items import PostItem
from crawler.middlewares import EncodingFallbackMiddleware, retry_after_seconds
from crawler.pipelines.clean import CleanPipeline, canonical_url
from crawler.spiders import spider_for
from crawler.timeparse import parse_cn_time, parse_count

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("text, expected", [
    ("刚刚", "2026-11-18 18:00"), ("5分钟前", "2026-11-18 17:55"), ("2小时前", "2026-11-18 16:00"),
    ("3 天前", "2026-11-15 18:00"), ("今天 12:30", "2026-11-18 12:30"), ("昨天 08:05", "2026-11-17 08:05"),
    ("11-17", "2026-11-17 00:00"), ("12-25", "2025-12-25 00:00"), ("2026年11月17日 09:30", "2026-11-17 09:30"),
    ("11月17日 09:30", "2026-11-17 09:30"), ("2026/11/17", "2026-11-17 00:00"), ("17:30", "2026-11-18 17:30"),
    ("2025-03", "2025-03-01 00:00"), ("Sun Nov 15 20:00:00 +0800 2026", "2026-11-15 20:00"),
])
def test_chinese_site_dates_in_shanghai_time(text, expected):
    assert parse_cn_time(text, NOW, SHANGHAI).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize("text", ["", "置顶", "13-45", "明天"])
def test_non_dates_are_none(text):
    assert parse_cn_time(text, NOW, SHANGHAI) is None


@pytest.mark.parametrize("value, expected", [(15, 15), ("1.2万", 12000), ("3亿", 300_000_000), ("100万+", 1_000_000),
                                              ("转发", 0), (None, 0), ("1,234", 1234)])
def test_engagement_counts(value, expected):
    assert parse_count(value) == expected


def test_retry_after_as_seconds_or_http_date():
    assert retry_after_seconds(b"7", NOW) == 7
    assert retry_after_seconds(b"Wed, 18 Nov 2026 10:00:30 GMT", NOW) == 30
    assert retry_after_seconds(None, NOW) is None


@pytest.mark.parametrize("value", ["¹".encode("latin-1"), "²³".encode("latin-1"), "١".encode("utf-8"), b"-5", b"1e9", b"soon"])
def test_retry_after_with_non_ascii_digits_or_junk_is_ignored(value):
    assert retry_after_seconds(value, NOW) is None


def _page(body: bytes, content_type: bytes = b"text/html") -> HtmlResponse:
    return HtmlResponse("http://127.0.0.1/p", body=body, headers={"Content-Type": content_type},
                        request=Request("http://127.0.0.1/p"))


def test_undeclared_gbk_page_is_decoded_as_gb18030():
    text = "<html><body>白石县民政局的救助站</body></html>"
    fixed = EncodingFallbackMiddleware("").process_response(None, _page(text.encode("gbk")))
    assert "白石县民政局" in fixed.text


def test_declared_or_utf8_pages_are_left_alone():
    middleware = EncodingFallbackMiddleware("")
    utf8 = _page("<p>榆川</p>".encode("utf-8"))
    declared = _page("<p>榆川</p>".encode("big5"), b"text/html; charset=big5")
    assert middleware.process_response(None, utf8) is utf8
    assert middleware.process_response(None, declared) is declared


def test_canonical_url_drops_tracking_and_fragment():
    assert canonical_url("http://a.cn/n4.html?utm_source=rss&id=2#top") == "http://a.cn/n4.html?id=2"


def test_clean_pipeline_keys_posts_by_platform_id_or_url():
    pipeline = CleanPipeline()
    with_id = pipeline.process_item(PostItem("s", "weibo", "<b>榆川</b>", platform_id="5"))
    by_url = pipeline.process_item(PostItem("s", "html", "榆川", url="http://a.cn/x?utm_medium=x"))
    assert (with_id.dedup_key, with_id.clean_text) == ("weibo:5", "榆川")
    assert by_url.dedup_key == "url:http://a.cn/x"


def test_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match="board, browser, feed, html, tieba, weibo"):
        spider_for("wechat")


@pytest.mark.parametrize("stats, reason, status", [
    ({"response_received_count": 3, "item_scraped_count": 2}, "finished", "ok"),
    ({"response_received_count": 3, "item_scraped_count": 2, "yuqing/errors/timeout": 1}, "finished", "partial"),
    ({"response_received_count": 0, "yuqing/errors/http_503": 2}, "finished", "failed"),
    ({"response_received_count": 1}, "blocked: 需要登录", "blocked"),
    ({"response_received_count": 1}, "shutdown", "interrupted"),
])
def test_run_verdicts(stats, reason, status):
    assert judge(stats, reason).status == status


def test_error_summary_is_readable():
    assert describe_errors({"http_500": 2, "timeout": 1}) == "HTTP 500 ×2，超时 ×1"


def test_only_a_clean_run_moves_the_stream_cursors_and_failures_count_up():
    source = SimpleNamespace(state={"cursors": {"榆川民政局": "2026-11-01T00:00:00+00:00"}}, usual_items=0.0,
                             consecutive_failures=0, last_error="")
    newest = {"低保": NOW - timedelta(minutes=5)}
    apply_outcome(source, judge({"response_received_count": 1, "yuqing/errors/timeout": 1,
                                 "item_scraped_count": 1}, "finished"), NOW, newest)
    assert "低保" not in source.state["cursors"] and source.healthy and "超时" in source.last_error
    apply_outcome(source, judge({}, "blocked: 出现验证码页面"), NOW, newest)
    assert not source.healthy and source.consecutive_failures == 1
    apply_outcome(source, judge({"response_received_count": 1, "yuqing/listed": 4}, "finished"), NOW, newest)
    assert source.state["cursors"] == {"榆川民政局": "2026-11-01T00:00:00+00:00", "低保": newest["低保"].isoformat()}
    assert source.consecutive_failures == 0 and source.usual_items == 4


def test_cookies_come_from_the_named_environment_variable(monkeypatch):
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import EnvCookiesMiddleware

    monkeypatch.setenv("YQ_TEST_COOKIE", "SUB=abc; SUBP=def")
    middleware = EnvCookiesMiddleware.from_crawler(get_crawler(settings_dict={"YUQING_COOKIES_ENV": "YQ_TEST_COOKIE"}))
    request = Request("http://127.0.0.1/api")
    middleware.process_request(request)
    assert request.headers[b"Cookie"] == b"SUB=abc; SUBP=def"


def test_missing_cookie_variable_is_recorded_and_the_crawl_goes_on(monkeypatch):
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import EnvCookiesMiddleware

    monkeypatch.delenv("YQ_TEST_COOKIE", raising=False)
    crawler = get_crawler(settings_dict={"YUQING_COOKIES_ENV": "YQ_TEST_COOKIE"})
    crawler.stats.open_spider()
    request = Request("http://127.0.0.1/api")
    EnvCookiesMiddleware.from_crawler(crawler).process_request(request)
    assert b"Cookie" not in request.headers
    assert crawler.stats.get_value("yuqing/cookies_missing") == "YQ_TEST_COOKIE"


def test_crawl_process_rejects_an_unknown_source_with_status_2(profile_dir, capsys):
    from crawler.run import main

    assert main(["--config", str(profile_dir), "--source", "nope"]) == 2
    assert "未知的数据源 nope" in capsys.readouterr().err


def test_weibo_search_words_come_from_the_monitoring_scheme_when_none_are_configured(settings):
    from crawler.run import mention_lists
    from crawler.spiders.base import scheme_keywords

    source = next(s for s in settings.sources.sources if s.kind == "weibo")
    words = scheme_keywords(mention_lists(settings, source), 6)
    assert words[0] == settings.bureau.name and len(words) == 6
    assert f"{settings.bureau.city} 救灾" in scheme_keywords(mention_lists(settings, source), 20)
