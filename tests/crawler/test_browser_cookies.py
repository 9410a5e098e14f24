"""A saved session's cookies on plain HTTP requests: only the request host's, after the cookies the
request already carries (Scrapy's jar, the environment's), which keep precedence."""

from crawler.browser import cookie_header

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
