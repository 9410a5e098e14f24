"""The session middleware: a browser source's pages go through the browser (robots.txt stays plain)
with the saved session's storage state; a saved session's cookies on plain HTTP requests are only the
request host's, after the cookies the request already carries (Scrapy's jar, the environment's)."""

from datetime import datetime, timezone

from cryptography.fernet import Fernet
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.browser import LoginSessionMiddleware, cookie_header
from crawler.spiders.browser import BrowserSpider
from yuqing.core.config.sources import BrowserSource
from yuqing.core.login.store import SessionStore

STATE = {"cookies": [
    {"name": "SUB", "value": "saved", "domain": ".weibo.cn"},
    {"name": "token", "value": "t1", "domain": "m.weibo.cn"},
    {"name": "other", "value": "x", "domain": ".example.com"},
]}


def test_only_the_hosts_cookies_are_sent():
    assert cookie_header(STATE, "https://m.weibo.cn/api/x") == "SUB=saved; token=t1"
    assert cookie_header(STATE, "https://passport.weibo.cn/") == "SUB=saved"
    assert cookie_header(STATE, "https://weibo.com/") == ""


def test_cookies_already_on_the_request_win():
    assert cookie_header(STATE, "https://m.weibo.cn/", "SUB=from-env") == "SUB=from-env; token=t1"


def test_browser_pages_carry_the_session_and_robots_txt_stays_plain(tmp_path, monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("YUQING_SESSION_KEY", key)
    SessionStore(tmp_path, key).save("notes", "a1", STATE, datetime.now(timezone.utc), "SUB")
    source = BrowserSource.model_validate({
        "key": "notes", "name": "笔记", "kind": "browser", "page_url": "https://m.weibo.cn/s", "capture": "api",
        "items": "data", "fields": {"text": "t"}, "login": {"url": "https://m.weibo.cn/login", "done_cookie": "SUB"}})
    crawler = get_crawler(BrowserSpider, {"YUQING_DATA_DIR": str(tmp_path)})
    crawler.spider = BrowserSpider.from_crawler(crawler, source=source)
    middleware = LoginSessionMiddleware.from_crawler(crawler)
    page, robots = Request("https://m.weibo.cn/s"), Request("https://m.weibo.cn/robots.txt")
    middleware.process_request(page)
    middleware.process_request(robots)
    assert page.meta["playwright"] and page.meta["playwright_context"] == "notes:a1"
    assert page.meta["playwright_context_kwargs"] == {"storage_state": STATE}
    assert "playwright" not in robots.meta
