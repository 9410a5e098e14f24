"""The workers' "posts stored" signals reach the daemon's chain through a Redis list (real Redis on
127.0.0.1:6379; a unique key prefix per test, or a database of its own for the daemon's default prefix)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis
from apscheduler.executors.debug import DebugExecutor
from apscheduler.triggers.interval import IntervalTrigger

from crawler.distributed import STORED_KEPT, announce_stored, stored_key
from crawler.settings import REDIS_PREFIX
from tests.conftest import REDIS_URL
from tests.shell.scheduler.stepping import RecordingScheduler, SteppedScheduler
from yuqing.core.app import App
from yuqing.shell.scheduler.chain import StageChain
from yuqing.shell.scheduler.daemon import Daemon
from yuqing.shell.scheduler.plan import JobSpec
from yuqing.shell.scheduler.relay import StoredRelay

pytestmark = pytest.mark.redis
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def server(redis_server):
    return redis_server


@pytest.fixture
def prefix(server):
    name = f"yqtest-{uuid.uuid4().hex[:10]}"
    yield name
    server.delete(stored_key(name))


def test_signals_waiting_make_analyze_due_once_and_are_taken(app, server, prefix):
    scheduler, stopping = RecordingScheduler(), threading.Event()
    relay = StoredRelay(REDIS_URL, StageChain(scheduler, app, lambda: NOW, stopping), stopping, prefix)
    announce_stored(server, prefix, "weibo-live", 2, 0, "w0")
    announce_stored(server, prefix, "board-live", 0, 1, "w1")
    assert relay.relay_once() == 2
    assert scheduler.due == ["analyze"], "one analysis for every signal waiting"
    assert server.llen(stored_key(prefix)) == 0
    assert relay.relay_once() == 0, "nothing stored, nothing run"
    assert scheduler.due == ["analyze"]
    relay.stop()


def test_the_signal_list_keeps_only_the_newest(server, prefix):
    for n in range(STORED_KEPT + 5):
        announce_stored(server, prefix, "weibo-live", n, 0)
    assert server.llen(stored_key(prefix)) == STORED_KEPT


@pytest.fixture
def redis_app(profile_dir, database_url, tmp_path, server):
    """An App with Redis configured, on a Redis database of its own (the daemon uses the default prefix)."""
    url = REDIS_URL.rsplit("/", 1)[0] + "/14"
    own = redis.Redis.from_url(url)
    own.delete(stored_key(REDIS_PREFIX))
    application = App.load(profile_dir, {"database_url": database_url, "redis_url": url,
                                         "data_dir": str(tmp_path / "data"), "log_dir": str(tmp_path / "logs")})
    application.upgrade_schema()
    yield application, own
    application.close()
    own.delete(stored_key(REDIS_PREFIX))
    own.close()


def test_a_daemon_with_redis_runs_analyze_when_a_worker_stored_posts(redis_app):
    app, own = redis_app
    hourly = JobSpec("analyze", "analyze", "analyze", IntervalTrigger(minutes=60, timezone=timezone.utc), 300)
    daemon = Daemon(app, scheduler_cls=SteppedScheduler, executor_factory=lambda size: DebugExecutor())
    daemon.start([hourly])
    try:
        start = datetime.now(timezone.utc)
        assert daemon.scheduler.get_job("analyze").next_run_time > start + timedelta(minutes=30)
        announce_stored(own, REDIS_PREFIX, "weibo-live", 1, 0, "w0")
        deadline = time.monotonic() + 120
        while daemon.scheduler.get_job("analyze").next_run_time > start + timedelta(minutes=30):
            assert time.monotonic() < deadline, "the daemon did not relay the worker's signal"
            time.sleep(0.2)
    finally:
        daemon.stop()
    assert daemon.relay is None
