"""Scale-out on scrapy-redis: two `crawler.distributed` workers share one queue and duplicate filter.

Real Redis on 127.0.0.1:6379 (a unique key prefix per test, removed afterwards), PostgreSQL as
the shared database, and the local mock forum. Every page is crawled exactly once; when one
worker is killed mid-crawl, the other finishes its unfinished pages and no post is lost.

Nothing here depends on how fast the machine is: tests wait for conditions with long deadlines,
the kill happens while the forum holds both workers' pages, and a worker is declared dead only
after LEASE_BEATS missed heartbeats.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from crawler.distributed import (
    cursors_key,
    mark_round_failed,
    processing_key,
    queue_key,
    requeue_orphans,
    start_round,
    stored_key,
)
from tests.conftest import REDIS_URL
from tests.ops.mocksite import Forum, MockForumServer, forum_source_yaml
from tests.shell.scheduler.stepping import RecordingScheduler
from yuqing.core.app import App
from yuqing.shell.scheduler.chain import StageChain
from yuqing.shell.scheduler.clock import utc_now
from yuqing.shell.scheduler.relay import StoredRelay
from yuqing.core.storage.models import Post

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
SOURCE = "mock-forum"


@pytest.fixture
def prefix(redis_server):
    name = f"yqtest-{uuid.uuid4().hex[:10]}"
    yield name
    for key in redis_server.scan_iter(match=f"{name}:*"):
        redis_server.delete(key)
    redis_server.delete(stored_key(name))


def publish(forum: Forum, count: int) -> None:
    topics = ["低保审核", "养老补贴发放", "婚姻登记预约", "临时救助申请", "殡葬服务收费", "敬老院伙食"]
    for n in range(1, count + 1):
        forum.add(f"关于{topics[n % len(topics)]}的问题{n}",
                  f"榆川市民政局您好，第{n}位居民反映{topics[n % len(topics)]}，编号{n * 7919}，请尽快答复。",
                  f"2026-11-{1 + n % 17:02d} {n % 24:02d}:{n % 60:02d}")


@pytest.fixture
def cluster(profile_dir: Path, postgres_admin_url, prefix, redis_server, tmp_path):
    """A mock forum, a shared PostgreSQL database and a way to start workers."""
    from tests.conftest import _fresh_postgres_url

    forum = Forum()
    with MockForumServer(forum) as site:
        (profile_dir / "sources.yaml").write_text(forum_source_yaml(SOURCE, site.url), encoding="utf-8")
        app = App.load(profile_dir, {"database_url": _fresh_postgres_url(postgres_admin_url), "redis_url": REDIS_URL})
        app.upgrade_schema()
        workers: list[subprocess.Popen] = []

        def start_worker(heartbeat: float = 2) -> subprocess.Popen:
            log = open(tmp_path / f"worker{len(workers)}.log", "w")
            proc = subprocess.Popen([sys.executable, "-m", "crawler.distributed", "--config", str(profile_dir),
                                     "--database-url", app.settings.app.database_url, "--redis-url", REDIS_URL,
                                     "--prefix", prefix, "--heartbeat", str(heartbeat), "--worker-id", f"w{len(workers)}"],
                                    stdout=log, stderr=subprocess.STDOUT)
            workers.append(proc)
            return proc

        yield forum, app, start_worker
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        app.close()


def stored(app: App) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Post))


def wait_until(condition, what: str = "", seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.2)


def drained(server: redis.Redis, prefix: str) -> bool:
    busy = [k for k in server.scan_iter(match=processing_key(prefix, SOURCE, "*")) if server.llen(k)]
    return not server.llen(queue_key(prefix, SOURCE)) and not busy


def test_two_workers_crawl_every_page_exactly_once(cluster, redis_server, prefix):
    forum, app, start_worker = cluster
    publish(forum, 30)
    start_worker(), start_worker()
    assert start_round(app.settings, SOURCE, prefix) == 1
    wait_until(lambda: stored(app) == 30 and drained(redis_server, prefix))
    pages = {path: n for path, n in forum.hits.items() if path.startswith(("/post-", "/forum-"))}
    assert len(pages) == 33 and set(pages.values()) == {1}, pages


def test_a_new_round_waits_until_the_previous_one_is_finished(cluster, redis_server, prefix):
    forum, app, start_worker = cluster
    publish(forum, 5)
    assert start_round(app.settings, SOURCE, prefix) == 1
    assert start_round(app.settings, SOURCE, prefix) == 0, "the first round is still queued"
    start_worker()
    wait_until(lambda: stored(app) == 5 and drained(redis_server, prefix))
    forum.add("新帖", "榆川市民政局您好，新的低保问题。", "2026-11-18 09:00")
    assert start_round(app.settings, SOURCE, prefix) == 1
    wait_until(lambda: stored(app) == 6 and drained(redis_server, prefix))
    assert forum.hits["/forum-1.html"] == 2, "each round reads the list page again"


def test_no_page_is_lost_when_a_worker_is_killed_mid_crawl(cluster, redis_server, prefix):
    forum, app, start_worker = cluster
    forum.hold_posts()
    publish(forum, 40)
    victim, survivor = start_worker(heartbeat=1), start_worker(heartbeat=1)
    start_round(app.settings, SOURCE, prefix)
    wait_until(lambda: forum.held == 4, "both workers wait for their two post pages")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert redis_server.llen(processing_key(prefix, SOURCE, "w0")) >= 2, "the killed worker had pages in hand"
    forum.release_posts()
    wait_until(lambda: stored(app) == 40 and drained(redis_server, prefix))
    assert survivor.poll() is None
    with app.sessions() as session:
        keys = session.scalars(select(Post.url)).all()
    assert sorted(keys) == sorted(f"{forum_url(forum, app)}/post-{n}.html" for n in range(1, 41))
    assert all(forum.hits[f"/post-{n}.html"] >= 1 for n in range(1, 41))


def forum_url(forum: Forum, app: App) -> str:
    source = app.settings.sources.sources[0]
    return source.start_urls[0].rsplit("/", 1)[0]


def test_orphans_of_a_dead_worker_go_back_to_the_queue(redis_server, prefix):
    taken = processing_key(prefix, SOURCE, "dead-worker")
    redis_server.lpush(taken, b"r1", b"r2")
    redis_server.lpush(processing_key(prefix, SOURCE, "live-worker"), b"r3")
    redis_server.set(f"{prefix}:worker:live-worker", "1", ex=60)
    assert requeue_orphans(redis_server, prefix) == 2
    assert sorted(redis_server.lrange(queue_key(prefix, SOURCE), 0, -1)) == [b"r1", b"r2"]
    assert redis_server.llen(processing_key(prefix, SOURCE, "live-worker")) == 1


def test_posts_a_worker_stores_make_the_daemons_analysis_due_at_once(cluster, redis_server, prefix):
    forum, app, start_worker = cluster
    publish(forum, 3)
    scheduler, stopping = RecordingScheduler(), threading.Event()
    relay = StoredRelay(REDIS_URL, StageChain(scheduler, app, utc_now, stopping), stopping, prefix).start()
    try:
        start_worker()
        start_round(app.settings, SOURCE, prefix)
        wait_until(lambda: stored(app) == 3 and "analyze" in scheduler.due, "the worker's posts reach the chain")
    finally:
        stopping.set()
        relay.stop()
    assert set(scheduler.due) == {"analyze"}


def test_a_round_stops_at_the_first_page_already_seen_and_a_failed_round_moves_no_cursor(
        cluster, redis_server, prefix):
    forum, app, start_worker = cluster
    publish(forum, 25)  # three list pages
    start_worker()
    assert start_round(app.settings, SOURCE, prefix) == 1
    wait_until(lambda: stored(app) == 25 and drained(redis_server, prefix))
    first = dict(forum.hits)
    assert start_round(app.settings, SOURCE, prefix) == 1
    wait_until(lambda: forum.hits["/forum-1.html"] == 2 and drained(redis_server, prefix), "the second round")
    assert redis_server.hgetall(cursors_key(prefix, SOURCE)), "the clean first round left cursors"
    assert forum.hits["/forum-2.html"] == first["/forum-2.html"] == 1, "nothing new: one list page"
    assert all(forum.hits[f"/post-{n}.html"] == 1 for n in range(1, 26)), "no post page read twice"
    before = redis_server.hgetall(cursors_key(prefix, SOURCE))
    forum.add("新帖", "榆川市民政局您好，新的低保问题。", "2026-11-30 09:00")
    assert start_round(app.settings, SOURCE, prefix) == 1
    wait_until(lambda: stored(app) == 26 and drained(redis_server, prefix), "the third round")
    mark_round_failed(redis_server, prefix, SOURCE)
    assert start_round(app.settings, SOURCE, prefix) == 1
    wait_until(lambda: forum.hits["/forum-1.html"] == 4 and forum.hits["/post-26.html"] == 2
               and drained(redis_server, prefix), "the fourth round: what the failed round read is read again")
    assert redis_server.hgetall(cursors_key(prefix, SOURCE)) == before, "a failed round's dates are not cursors"
    assert start_round(app.settings, SOURCE, prefix) == 1
    wait_until(lambda: forum.hits["/forum-1.html"] == 5 and drained(redis_server, prefix), "the fifth round")
    assert forum.hits["/post-26.html"] == 2 and forum.hits["/forum-2.html"] == 1
