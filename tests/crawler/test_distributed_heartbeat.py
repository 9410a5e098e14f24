"""A worker's heartbeat (crawler.distributed.WorkerHeartbeat) against a real Redis on 127.0.0.1:6379:
it lives LEASE_BEATS intervals, is refreshed while the event loop runs, stops when the loop has
stalled for STALLED_AFTER_SECONDS, and a worker whose heartbeat had expired says so."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
from scrapy.utils.test import get_crawler

from crawler.distributed import LEASE_BEATS, STALLED_AFTER_SECONDS, WorkerHeartbeat, heartbeat_key, processing_key
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.redis


@pytest.fixture
def server(redis_server):
    """The test Redis; the heartbeats' keys are removed afterwards."""
    yield redis_server
    for key in redis_server.scan_iter(match="yqbeat-*"):
        redis_server.delete(key)


@pytest.fixture
def heartbeat(server):
    """A WorkerHeartbeat of worker `w` under a fresh prefix, beating every 5 s."""
    prefix = f"yqbeat-{uuid.uuid4().hex[:10]}"
    crawler = get_crawler(settings_dict={"REDIS_URL": REDIS_URL, "YUQING_REDIS_PREFIX": prefix,
                                         "YUQING_WORKER_ID": "w", "YUQING_HEARTBEAT_SECONDS": 5})
    beat = WorkerHeartbeat(crawler)
    yield beat
    beat.server.close()


def test_the_heartbeat_lives_several_intervals(heartbeat, server):
    heartbeat.beat()
    lease = server.pttl(heartbeat_key(heartbeat.prefix, "w"))
    assert LEASE_BEATS >= 5
    assert 5000 * (LEASE_BEATS - 1) < lease <= 5000 * LEASE_BEATS


def test_a_stalled_event_loop_stops_the_heartbeat_and_its_pages_are_recovered(heartbeat, server):
    taken = processing_key(heartbeat.prefix, "forum", "w")
    server.lpush(taken, b"r1")
    heartbeat.loop_seen = time.monotonic() - STALLED_AFTER_SECONDS - 1
    heartbeat.beat()
    assert not server.exists(heartbeat_key(heartbeat.prefix, "w"))
    assert server.llen(taken) == 0 and server.lrange(f"{heartbeat.prefix}:forum:requests", 0, -1) == [b"r1"]


def test_a_running_event_loop_keeps_the_pages_in_hand(heartbeat, server):
    taken = processing_key(heartbeat.prefix, "forum", "w")
    server.lpush(taken, b"r1")
    heartbeat.loop_seen = time.monotonic() - STALLED_AFTER_SECONDS / 2
    heartbeat.beat()
    assert server.exists(heartbeat_key(heartbeat.prefix, "w")) and server.llen(taken) == 1


def test_a_worker_whose_heartbeat_had_expired_says_so(heartbeat, server, caplog):
    heartbeat.beat()
    with caplog.at_level(logging.WARNING, logger="crawler.distributed"):
        heartbeat.beat()
        assert not caplog.records
        server.delete(heartbeat_key(heartbeat.prefix, "w"))
        heartbeat.beat()
    assert "心跳曾过期" in caplog.text
