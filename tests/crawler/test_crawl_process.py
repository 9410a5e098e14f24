"""One function builds the crawl process for `yuqing crawl` and `yuqing worker`; a crawl default has one home.

The builders run in a child process: each installs Twisted's reactor and Scrapy's logging."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from yuqing.core.storage.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parents[2]
# Changes defaults where they live (the fields of SourcesConfig, the worker's constants in crawler.settings),
# then builds both processes and the components that read those values, and prints what each crawler's
# components got.
BUILD = """
import json, sys
import crawler.settings
from yuqing.core.config.sources import SourcesConfig
for name, value in json.loads(sys.argv[3]).items():
    SourcesConfig.model_fields[name].default = value
SourcesConfig.model_rebuild(force=True)
for name, value in json.loads(sys.argv[4]).items():
    setattr(crawler.settings, name, value)

from crawler.distributed import WorkerHeartbeat, worker_process
from crawler.middlewares import BackoffRetryMiddleware
from crawler.run import crawl_process, select_sources
from yuqing.core.config import load_settings

settings = load_settings(sys.argv[1], overrides={"database_url": sys.argv[2], "redis_url": "redis://127.0.0.1:1/0"})
built = {"crawl": crawl_process(settings, select_sources(settings, []), "WARNING")[1],
         "worker": worker_process(settings, settings.app.redis_url, log_level="WARNING")[1]}
print(json.dumps({mode: {key: {
    "spider": crawler.spidercls.__name__,
    "backoff": BackoffRetryMiddleware.from_crawler(crawler).backoff,
    "window": crawler.settings.getint("YUQING_NEAR_COPY_WINDOW_DAYS"),
    "scheduler": crawler.settings.get("SCHEDULER"),
    "pipelines": sorted(crawler.settings.getdict("ITEM_PIPELINES")),
    "heartbeat": mode == "worker" and WorkerHeartbeat(crawler).every,
    "prefix": crawler.settings.get("YUQING_REDIS_PREFIX"),
} for key, crawler in crawlers.items()} for mode, crawlers in built.items()}))
"""
DEFAULTED = ("retry_backoff_seconds", "near_copy_window_days")


@pytest.fixture
def defaults_profile(profile_dir: Path) -> Path:
    """The packaged profile with the two settings under test left to their defaults."""
    path = profile_dir / "sources.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(DEFAULTED)), encoding="utf-8")
    return profile_dir


def _build(profile: Path, url: str, defaults: dict, worker_defaults: dict | None = None) -> dict:
    result = subprocess.run([sys.executable, "-c", BUILD, str(profile), url, json.dumps(defaults),
                             json.dumps(worker_defaults or {})], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_changed_default_reaches_every_crawler_of_the_crawl_and_of_the_worker(defaults_profile, tmp_path):
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    built = _build(defaults_profile, url, {"retry_backoff_seconds": 7.5, "near_copy_window_days": 11})
    crawl, worker = built["crawl"], built["worker"]
    assert crawl and set(crawl) == set(worker)
    for key in crawl:
        for got in (crawl[key], worker[key]):
            assert (got["backoff"], got["window"]) == (7.5, 11), (key, got)
        assert crawl[key]["pipelines"] == worker[key]["pipelines"]
        assert crawl[key]["scheduler"] != worker[key]["scheduler"] == "scrapy_redis.scheduler.Scheduler"
        assert worker[key]["spider"] == "Worker" + crawl[key]["spider"]


def test_a_changed_worker_default_reaches_every_worker_crawler(defaults_profile, tmp_path):
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    built = _build(defaults_profile, url, {}, {"HEARTBEAT_SECONDS": 3.5, "REDIS_PREFIX": "elsewhere"})
    assert built["worker"]
    for key, got in built["worker"].items():
        assert (got["heartbeat"], got["prefix"]) == (3.5, "elsewhere"), key
    assert all(got["prefix"] is None for got in built["crawl"].values())


@pytest.mark.parametrize("component, setting", [
    ("crawler.middlewares.BackoffRetryMiddleware", "YUQING_RETRY_BACKOFF"),
    ("crawler.pipelines.store.StorePipeline", "YUQING_BATCH_SIZE"),
    ("crawler.distributed.WorkerHeartbeat", "YUQING_REDIS_PREFIX"),
])
def test_a_component_has_no_default_of_its_own(component, setting):
    from scrapy.utils.misc import load_object
    from scrapy.utils.test import get_crawler

    with pytest.raises(KeyError, match=setting):
        load_object(component).from_crawler(get_crawler(settings_dict={"YUQING_DATABASE_URL": "sqlite://"}))
