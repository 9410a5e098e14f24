"""The environment's cookies reach the site: they are added after Scrapy's cookie jar has set its
header (which replaces any Cookie header set before it), without overriding cookies the site set."""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import EnvCookiesMiddleware
from crawler.settings import BASE_SETTINGS


def test_environment_cookies_are_added_after_the_cookie_jar():
    from scrapy.settings.default_settings import DOWNLOADER_MIDDLEWARES_BASE

    jar = DOWNLOADER_MIDDLEWARES_BASE["scrapy.downloadermiddlewares.cookies.CookiesMiddleware"]
    assert BASE_SETTINGS["DOWNLOADER_MIDDLEWARES"]["crawler.middlewares.EnvCookiesMiddleware"] > jar


def test_cookies_the_jar_holds_are_kept_and_the_others_added(monkeypatch):
    monkeypatch.setenv("YQ_TEST_COOKIE", "SUB=from-env; SUBP=def")
    middleware = EnvCookiesMiddleware.from_crawler(get_crawler(settings_dict={"YUQING_COOKIES_ENV": "YQ_TEST_COOKIE"}))
    request = Request("http://127.0.0.1/api", headers={"Cookie": "SUB=from-site; XSRF-TOKEN=x"})
    middleware.process_request(request)
    assert request.headers[b"Cookie"] == b"SUB=from-site; XSRF-TOKEN=x; SUBP=def"
