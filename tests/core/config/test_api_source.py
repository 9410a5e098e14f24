"""The `api` source kind's configuration is checked at load: each problem is one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawler.crawlkit import make_profile
from yuqing.core.config import ConfigError, load_settings

GOOD = {"key": "city-12345", "kind": "api", "name": "12345", "url": "https://open.example.gov.cn/letters?cursor={cursor}",
        "headers": {"Authorization": "Bearer {token}"}, "secrets": {"token": "YUQING_12345_TOKEN"},
        "paging": {"mode": "cursor", "cursor": "data.nextCursor"}, "items": "data.records",
        "fields": {"id": "letterId", "text": "content", "time": "createTime"}}


def load_with(tmp_path: Path, **changes) -> ConfigError | None:
    """Load a profile whose only source is GOOD with `changes`; the error, if any."""
    make_profile(tmp_path / "config", [{**GOOD, **changes}])
    try:
        load_settings(tmp_path / "config", environ={})
    except ConfigError as error:
        return error
    return None


def test_a_good_api_source_loads_without_its_secret_in_the_environment(tmp_path):
    assert load_with(tmp_path) is None


@pytest.mark.parametrize("changes, key, words", [
    ({"items": "data.[records"}, "sources.0.api.items", "JMESPath 表达式 'data.[records' 无效"),
    ({"fields": {"text": "content", "likes": "stat..likes"}}, "sources.0.api.fields.likes", "JMESPath"),
    ({"paging": {"mode": "cursor"}}, "sources.0.api.paging", "cursor 分页须给出 cursor"),
    ({"secrets": {"token": "Bearer abc123"}}, "sources.0.api.secrets", "不是环境变量名"),
    ({"url": "https://x.example/letters?p={pgae}"}, "sources.0.api", "未知的占位符 {pgae}"),
])
def test_bad_api_configuration_is_one_clear_line(tmp_path, changes, key, words):
    error = load_with(tmp_path, **changes)
    assert error is not None and error.key == key and words in str(error)
    assert "\n" not in str(error)
