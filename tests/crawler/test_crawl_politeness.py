"""Polite fast polling: a real-time source polled every minute keeps the per-domain politeness of
sources.yaml (its own delay when it gives one), in a one-off crawl and in a worker alike (both build
their crawlers from `source_settings`)."""

from __future__ import annotations

from crawler.settings import source_settings
from yuqing.core.config.sources import SourcesConfig

FAST = {"key": "weibo-fast", "kind": "weibo", "name": "微博实时搜索", "keywords": ["榆川市民政局"], "interval_minutes": 1}


def test_a_minute_poll_keeps_the_crawl_wide_politeness():
    config = SourcesConfig.model_validate({"concurrency_per_domain": 1, "download_delay_seconds": 4.0,
                                           "autothrottle": True, "sources": [FAST]})
    values = source_settings(config, config.sources[0], "sqlite://", "Asia/Shanghai")
    assert config.sources[0].is_realtime
    assert (values["CONCURRENT_REQUESTS_PER_DOMAIN"], values["DOWNLOAD_DELAY"], values["AUTOTHROTTLE_ENABLED"]) == (
        1, 4.0, True)


def test_a_source_may_ask_for_a_longer_delay_than_the_rest():
    config = SourcesConfig.model_validate({"download_delay_seconds": 1.0,
                                           "sources": [{**FAST, "download_delay_seconds": 6.0}]})
    assert source_settings(config, config.sources[0], "sqlite://", "Asia/Shanghai")["DOWNLOAD_DELAY"] == 6.0
