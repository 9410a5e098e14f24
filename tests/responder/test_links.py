"""The one URL check: only http(s) addresses with a host become links."""

import pytest

from responder.links import safe_url


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x", "/relative",
    "https:///no-host", "http://[::1", "", None, "\u202ejavascript:alert(1)",
])
def test_anything_but_http_is_refused(url):
    assert safe_url(url) == ""


@pytest.mark.parametrize("url, kept", [
    ("https://weibo.com/1/abc?x=1", "https://weibo.com/1/abc?x=1"),
    ("HTTP://BBS.EXAMPLE.CN/t", "HTTP://BBS.EXAMPLE.CN/t"),
    (" https://news.example.cn/a\n", "https://news.example.cn/a"),
])
def test_http_urls_pass(url, kept):
    assert safe_url(url) == kept
