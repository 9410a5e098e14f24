"""Feed sources may name RSSHub routes instead of URLs; mistakes stop loading with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawler.crawlkit import make_profile
from yuqing.core.config import ConfigError, load_settings


def load_feed(tmp_path: Path, **fields) -> ConfigError | None:
    """Load a profile whose only source is a feed with `fields`; the error, if any."""
    make_profile(tmp_path / "config", [{"key": "hub", "kind": "feed", "name": "RSSHub", **fields}])
    try:
        load_settings(tmp_path / "config", environ={})
    except ConfigError as error:
        return error
    return None


def test_routes_expand_on_the_instance_base_url(tmp_path):
    assert load_feed(tmp_path, rsshub={"base_url": "http://rsshub:1200/", "routes": ["/weibo/user/1"]}) is None
    settings = load_settings(tmp_path / "config", environ={})
    assert settings.sources.sources[0].rsshub.feed_urls() == {"http://rsshub:1200/weibo/user/1": "/weibo/user/1"}


@pytest.mark.parametrize("fields, key, words", [
    ({}, "sources.0.feed", "须给出 urls 或 rsshub.routes"),
    ({"rsshub": {"routes": ["weibo/user/1"]}}, "sources.0.feed.rsshub.routes", "须以 / 开头"),
    ({"rsshub": {"routes": ["https://rsshub.app/weibo/user/1"]}}, "sources.0.feed.rsshub.routes", "不含网址"),
    ({"rsshub": {"routes": []}}, "sources.0.feed.rsshub.routes", ""),
])
def test_bad_rsshub_configuration_is_one_clear_line(tmp_path, fields, key, words):
    error = load_feed(tmp_path, **fields)
    assert error is not None and error.key == key and words in str(error) and "\n" not in str(error)
