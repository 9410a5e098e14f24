"""Distributed crawling on scrapy-redis: the scheduler pushes each round's first requests, any
number of `yuqing worker` processes share the request queue and the duplicate filter, and all
write to the shared database.

Keys (all under one prefix, default ``yuqing``):
  ``<prefix>:<source>:requests``            the shared request queue (FIFO list)
  ``<prefix>:<source>:dupefilter``          fingerprints of this round's requests
  ``<prefix>:<source>:processing:<worker>`` requests a worker has taken and not yet finished
  ``<prefix>:worker:<worker>``              the worker's heartbeat (expires when it dies)
  ``<prefix>:stored``                       "posts stored" signals for the daemon (newest STORED_KEPT kept)
  ``<prefix>:<source>:cursors``             newest post date per stream of the rounds that ended cleanly
  ``<prefix>:<source>:round``               the current round's newest post date per stream (and ``!failed``)

A taken request stays in its worker's processing list until its callback's output has been
handled (or its errback ran); when a worker dies, the others move its unfinished requests back
to the queue once its heartbeat has expired, so no page is lost.

A worker stops reading a list at the first post already seen, as a one-off crawl does: its spiders
read the source's cursors from Redis, note each post's date in the round's hash, and mark the round
failed when a request or callback fails; the next round's push moves a clean round's dates into the
cursors (a failed round's are dropped, so its unread pages are read again next time).

Each batch a worker stores with new or changed posts pushes a signal to ``<prefix>:stored``; the
daemon (`yuqing.shell.scheduler.relay`) waits on that list and runs its analysis at once, so the event-driven
chain fires for posts the workers store as it does for its own crawls.

The heartbeat is refreshed from a thread, not from the crawl's event loop: the loop of a live
worker can be busy for many seconds at a time (loading the word-segmentation dictionary on its
first post, a slow database), and a heartbeat that waited for it would hand that worker's pages
to the others, which would then fetch them a second time. The heartbeat lives LEASE_BEATS
intervals, so a worker is declared dead only after missing that many beats in a row; a worker
whose event loop has not run at all for STALLED_AFTER_SECONDS stops beating, so a wedged worker's
pages are recovered too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Sequence

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import FifoQueue

from crawler.items import PostItem
from crawler.pipelines.store import posts_stored
from crawler.settings import HEARTBEAT_SECONDS, REDIS_PREFIX, configured
from crawler.spiders import spider_for
from crawler.spiders.base import SourceSpider

TOKEN = "yuqing_redis_token"
LEASE_BEATS = 6
STALLED_AFTER_SECONDS = 600.0
STORED_KEPT = 1000
ROUND_FAILED = "!failed"
NEWER = """local old = redis.call('HGET', KEYS[1], ARGV[1])
if (not old) or old < ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end"""
logger = logging.getLogger(__name__)


def queue_key(prefix: str, spider: str) -> str:
    """The shared request queue of one source."""
    return f"{prefix}:{spider}:requests"


def dupefilter_key(prefix: str, spider: str) -> str:
    """The duplicate filter of one source's current round."""
    return f"{prefix}:{spider}:dupefilter"


def processing_key(prefix: str, spider: str, worker: str) -> str:
    """Requests of one source taken by one worker and not yet finished."""
    return f"{prefix}:{spider}:processing:{worker}"


def heartbeat_key(prefix: str, worker: str) -> str:
    """Exists while the worker is alive."""
    return f"{prefix}:worker:{worker}"


def stored_key(prefix: str) -> str:
    """The list of "posts stored" signals the daemon waits on."""
    return f"{prefix}:stored"


def cursors_key(prefix: str, spider: str) -> str:
    """Newest post date per stream of one source's clean rounds (where the next round stops)."""
    return f"{prefix}:{spider}:cursors"


def round_key(prefix: str, spider: str) -> str:
    """Newest post date per stream seen by one source's current round, and whether a page failed."""
    return f"{prefix}:{spider}:round"


def note_newer(server: redis.Redis, key: str, stream: str, at: str) -> None:
    """Set a stream's date in a hash unless the hash already holds a later one (UTC ISO texts)."""
    server.eval(NEWER, 1, key, stream, at)


def close_round(server: redis.Redis, prefix: str, source_key: str) -> bool:
    """Move the finished round's dates into the source's cursors unless a page of it failed (then its
    unread pages are read next round); returns whether the cursors moved."""
    seen = {k.decode(): v.decode() for k, v in server.hgetall(round_key(prefix, source_key)).items()}
    server.delete(round_key(prefix, source_key))
    if not seen or ROUND_FAILED in seen:
        return False
    for stream, at in seen.items():
        note_newer(server, cursors_key(prefix, source_key), stream, at)
    return True


def mark_round_failed(server: redis.Redis, prefix: str, source_key: str) -> None:
    """A request or callback of the current round failed: its dates must not become cursors."""
    server.hset(round_key(prefix, source_key), ROUND_FAILED, "1")


def redis_settings(redis_url: str, prefix: str = REDIS_PREFIX, worker: str = "",
                   heartbeat_seconds: float = HEARTBEAT_SECONDS) -> dict[str, Any]:
    """Scrapy settings that put a crawler on the shared scrapy-redis queue and duplicate filter."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.ReliableFifoQueue",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "REDIS_URL": redis_url,
        "YUQING_REDIS_PREFIX": prefix,
        "YUQING_WORKER_ID": worker or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}",
        "YUQING_HEARTBEAT_SECONDS": heartbeat_seconds,
        "YUQING_BATCH_SIZE": 1,
        "SPIDER_MIDDLEWARES": {"crawler.distributed.AckSpiderMiddleware": 1},
        "EXTENSIONS": {"crawler.health.SourceHealth": None, "crawler.distributed.WorkerHeartbeat": 500,
                       "crawler.distributed.StoredAnnouncer": 510},
    }


def acknowledge(server: redis.Redis, request_meta: dict) -> None:
    """Mark a taken request finished: drop it from its worker's processing list."""
    token = request_meta.pop(TOKEN, None)
    if token:
        server.lrem(token[0], 1, token[1])


class ReliableFifoQueue(FifoQueue):
    """A FIFO queue whose pop moves the request to the worker's processing list atomically."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer or picklecompat)
        self.prefix = configured(spider.settings, "YUQING_REDIS_PREFIX")
        self.worker = configured(spider.settings, "YUQING_WORKER_ID")

    def push(self, request) -> None:
        """Enqueue a request; a retried copy of a taken request releases the original's token."""
        token = request.meta.pop(TOKEN, None)
        super().push(request)
        if token:
            self.server.lrem(token[0], 1, token[1])

    def pop(self, timeout: int = 0):
        """Take the oldest request into this worker's processing list (never blocks)."""
        taken = processing_key(self.prefix, self.spider.name, self.worker)
        data = self.server.lmove(self.key, taken, "RIGHT", "LEFT")
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[TOKEN] = (taken, data)
        return request


def requeue_orphans(server: redis.Redis, prefix: str, only_worker: str = "") -> int:
    """Move unfinished requests of dead workers (or of `only_worker`) back to their queues."""
    moved = 0
    for key in server.scan_iter(match=f"{prefix}:*:processing:*"):
        name = key.decode() if isinstance(key, bytes) else key
        spider, worker = name[len(prefix) + 1:].split(":processing:", 1)
        if (only_worker and worker != only_worker) or (not only_worker and server.exists(heartbeat_key(prefix, worker))):
            continue
        while server.lmove(name, queue_key(prefix, spider), "RIGHT", "RIGHT") is not None:
            moved += 1
    return moved


class AckSpiderMiddleware:
    """Acknowledges a request once everything its callback produced has been handled."""

    def __init__(self, server: redis.Redis, crawler=None):
        self.server, self.crawler = server, crawler

    @classmethod
    def from_crawler(cls, crawler):
        """Connect to the Redis named by REDIS_URL."""
        return cls(redis.Redis.from_url(crawler.settings["REDIS_URL"]), crawler)

    async def process_spider_output(self, response, result):
        """Pass the output through, then acknowledge the response's request."""
        async for output in result:
            yield output
        acknowledge(self.server, response.request.meta)

    def process_spider_exception(self, response, exception):
        """A callback that raised is finished too (its error is counted by Scrapy), and its round failed."""
        acknowledge(self.server, response.request.meta)
        mark_round_failed(self.server, configured(self.crawler.settings, "YUQING_REDIS_PREFIX"),
                          self.crawler.spider.name)


class WorkerHeartbeat:
    """Keeps this worker's heartbeat alive and recovers the requests of workers that died."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.prefix, self.worker = configured(settings, "YUQING_REDIS_PREFIX"), configured(settings, "YUQING_WORKER_ID")
        self.every = float(configured(settings, "YUQING_HEARTBEAT_SECONDS"))
        self.server = redis.Redis.from_url(settings["REDIS_URL"])
        self.loop_seen = time.monotonic()
        self.beating = False
        self.stop_beating = threading.Event()
        self.thread: threading.Thread | None = None
        self.ticks = None
        crawler.signals.connect(self.started, signal=signals.engine_started)
        crawler.signals.connect(self.stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        """One per crawler; all crawlers of a process share the worker id."""
        return cls(crawler)

    def tick(self) -> None:
        """Note that the crawl's event loop is running."""
        self.loop_seen = time.monotonic()

    def beat(self) -> None:
        """Refresh the heartbeat (it lives LEASE_BEATS intervals) unless the event loop has stalled,
        then recover dead workers' requests."""
        if time.monotonic() - self.loop_seen < STALLED_AFTER_SECONDS:
            alive = self.server.set(heartbeat_key(self.prefix, self.worker), "1",
                                    px=int(self.every * LEASE_BEATS * 1000), get=True)
            if alive is None and self.beating:
                logger.warning("工作进程 %s 的心跳曾过期，其未完成的请求可能已被其他进程重新抓取", self.worker)
            self.beating = True
        requeue_orphans(self.server, self.prefix)

    def run(self) -> None:
        """Beat every interval until the crawl stops; a Redis error is logged and retried next beat."""
        while not self.stop_beating.wait(self.every):
            try:
                self.beat()
            except redis.RedisError as exc:
                logger.warning("心跳写入 Redis 失败：%s", exc)

    def started(self) -> None:
        """Beat now and then every interval from a thread; the event loop reports in as often."""
        from twisted.internet import task

        self.beat()
        self.ticks = task.LoopingCall(self.tick)
        self.ticks.start(self.every, now=True)
        self.thread = threading.Thread(target=self.run, name=f"heartbeat-{self.worker}", daemon=True)
        self.thread.start()

    def stopped(self) -> None:
        """On a clean stop, stop beating and hand back what this worker had taken but not finished."""
        if self.ticks and self.ticks.running:
            self.ticks.stop()
        self.stop_beating.set()
        if self.thread:
            self.thread.join()
        requeue_orphans(self.server, self.prefix, only_worker=self.worker)


def announce_stored(server: redis.Redis, prefix: str, source: str, new: int, updated: int, worker: str = "") -> None:
    """Tell the daemon that a batch of `source` stored new or changed posts (the list keeps the newest
    STORED_KEPT signals: they only wake the daemon, whose periodic analysis is the safety net)."""
    signal = json.dumps({"source": source, "new": new, "updated": updated, "worker": worker,
                         "at": datetime.now(timezone.utc).isoformat()})
    with server.pipeline() as pipe:
        pipe.rpush(stored_key(prefix), signal).ltrim(stored_key(prefix), -STORED_KEPT, -1).execute()


class StoredAnnouncer:
    """Pushes a "posts stored" signal for the daemon after each batch the store pipeline wrote."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.prefix, self.worker = configured(settings, "YUQING_REDIS_PREFIX"), configured(settings, "YUQING_WORKER_ID")
        self.server = redis.Redis.from_url(settings["REDIS_URL"])
        crawler.signals.connect(self.stored, signal=posts_stored)

    @classmethod
    def from_crawler(cls, crawler):
        """One per crawler (source)."""
        return cls(crawler)

    def stored(self, new: int, updated: int) -> None:
        """Announce the batch; a Redis error is logged (the daemon's periodic analysis still finds the posts)."""
        try:
            announce_stored(self.server, self.prefix, self.crawler.spider.name, new, updated, self.worker)
        except redis.RedisError as exc:
            logger.warning("无法通知调度进程有新帖入库：%s", exc)


class WorkerSpiderMixin:
    """Turns a source spider into a long-lived worker: no start requests of its own (the scheduler
    pushes them), never closes when idle, reads the clock per page, acknowledges failed requests.

    Errbacks bypass spider middlewares, so a failed download is acknowledged in `on_error`; every
    spider's errbacks call it (the base class's contract for counting failures)."""

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        """Build the spider, keep it open while the queue is empty, note the posts it sees."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.keep_waiting, signal=signals.spider_idle)
        crawler.signals.connect(spider.note_seen, signal=signals.item_scraped)
        crawler.signals.connect(spider.note_seen, signal=signals.item_dropped)
        return spider

    def shared(self) -> tuple[redis.Redis, str] | None:
        """This worker's Redis connection and key prefix (None for a spider outside a crawler)."""
        crawler = getattr(self, "crawler", None)
        if crawler is None:
            return None
        if getattr(self, "_server", None) is None:
            self._server = redis.Redis.from_url(crawler.settings["REDIS_URL"])
        return self._server, configured(crawler.settings, "YUQING_REDIS_PREFIX")

    @property
    def cursors(self) -> dict[str, datetime]:
        """The source's cursors as the last clean round left them (shared by every worker)."""
        found = self.shared()
        if found is None:
            return {}
        server, prefix = found
        return {k.decode(): datetime.fromisoformat(v.decode())
                for k, v in server.hgetall(cursors_key(prefix, self.name)).items()}

    @cursors.setter
    def cursors(self, _value: dict) -> None:
        """Ignored: the worker reads the shared cursors."""

    def note_seen(self, item: Any, **_: Any) -> None:
        """Note a post's date (kept or dropped) in the round's newest per stream."""
        found = self.shared()
        if found is None or not isinstance(item, PostItem) or not item.published_at:
            return
        at = item.published_at.astimezone(timezone.utc).isoformat(timespec="microseconds")
        note_newer(found[0], round_key(found[1], self.name), item.stream, at)

    def keep_waiting(self) -> None:
        """Wait for the next round instead of closing."""
        raise DontCloseSpider

    async def start(self):
        """Nothing: start requests arrive through the shared queue."""
        return
        yield

    @property
    def now(self) -> datetime:
        """The current time (a worker lives for weeks; relative dates need today's clock)."""
        return datetime.now(timezone.utc)

    @now.setter
    def now(self, _value: datetime) -> None:
        """Ignored: the worker always reads the clock."""

    def on_error(self, failure) -> None:
        """Count the failure as usual, mark the request finished and its round failed."""
        super().on_error(failure)
        server, prefix = self.shared()
        acknowledge(server, failure.request.meta)
        mark_round_failed(server, prefix, self.name)


_WORKER_CLASSES: dict[str, type[SourceSpider]] = {}


def worker_spider(kind: str) -> type[SourceSpider]:
    """The worker variant of the spider for a kind of source."""
    if kind not in _WORKER_CLASSES:
        base = spider_for(kind)
        _WORKER_CLASSES[kind] = type(f"Worker{base.__name__}", (WorkerSpiderMixin, base), {})
    return _WORKER_CLASSES[kind]


def round_in_progress(server: redis.Redis, prefix: str, source_key: str) -> bool:
    """True while the source's previous round still has queued or unfinished requests."""
    if server.llen(queue_key(prefix, source_key)):
        return True
    return any(server.llen(key) for key in server.scan_iter(match=processing_key(prefix, source_key, "*")))


def push_round(server: redis.Redis, source: Any, zone: str, prefix: str = REDIS_PREFIX) -> int:
    """Start a crawl round of one source for the workers; returns the requests pushed (0 while
    the previous round is unfinished, so rounds never pile up). The previous round's dates become the
    cursors first, if it ended cleanly."""
    if round_in_progress(server, prefix, source.key):
        return 0
    close_round(server, prefix, source.key)
    spider = worker_spider(source.kind)(source=source, zone=zone)
    queue = FifoQueue(server, spider, queue_key(prefix, source.key), picklecompat)  # fresh requests carry no token
    seen = RFPDupeFilter(server, dupefilter_key(prefix, source.key))
    seen.clear()
    requests = spider.first_requests()
    for request in requests:
        seen.request_seen(request)
        queue.push(request.replace(dont_filter=True))
    return len(requests)


def start_round(settings: Any, source_key: str, prefix: str = REDIS_PREFIX) -> int:
    """Push a round of one configured source to the queue named by `app.redis_url` (what the
    scheduler's crawl job does when Redis is configured); returns the requests pushed."""
    from crawler.run import prepare_sources, select_sources

    source = select_sources(settings, [source_key])[0]
    prepare_sources(settings.app.database_url, [source])
    server = redis.Redis.from_url(settings.app.redis_url)
    try:
        return push_round(server, source, settings.app.timezone, prefix)
    finally:
        server.close()


def worker_process(settings: Any, redis_url: str, prefix: str = REDIS_PREFIX, worker: str = "",
                   heartbeat_seconds: float = HEARTBEAT_SECONDS, log_level: str = "INFO") -> tuple[Any, dict[str, Any]]:
    """The worker's crawl process, built by `crawler.run.crawl_process`, and by source key a crawler for
    every enabled source's worker spider on the shared queue, bounded by its per-domain concurrency."""
    from crawler.run import crawl_process, prepare_sources

    sources = [s for s in settings.sources.sources if s.enabled]
    prepare_sources(settings.app.database_url, sources)
    shared = redis_settings(redis_url, prefix, worker, heartbeat_seconds)
    return crawl_process(settings, sources, log_level, worker_spider, lambda values: {
        **shared, "CONCURRENT_REQUESTS": values["CONCURRENT_REQUESTS_PER_DOMAIN"]})


def run_worker(settings: Any, redis_url: str, prefix: str = REDIS_PREFIX, worker: str = "",
               heartbeat_seconds: float = HEARTBEAT_SECONDS, log_level: str = "INFO") -> None:
    """Serve every enabled source's queue in this process until SIGTERM or SIGINT."""
    process, crawlers = worker_process(settings, redis_url, prefix, worker, heartbeat_seconds, log_level)
    for config in (s for s in settings.sources.sources if s.enabled):
        process.crawl(crawlers[config.key], source=config, zone=settings.app.timezone)
    process.start()


def worker_parser() -> argparse.ArgumentParser:
    """Command-line options of a worker process."""
    parser = argparse.ArgumentParser(prog="python -m crawler.distributed", description="分布式采集工作进程")
    parser.add_argument("--config", required=True, help="配置目录")
    parser.add_argument("--database-url", default="", help="数据库地址（覆盖配置）")
    parser.add_argument("--redis-url", default="", help="Redis 地址（默认取 YUQING_REDIS_URL）")
    parser.add_argument("--prefix", default=REDIS_PREFIX, help="Redis 键前缀")
    parser.add_argument("--heartbeat", type=float, default=HEARTBEAT_SECONDS,
                        help=f"心跳间隔（秒）；连续 {LEASE_BEATS} 次未跳才视为进程已停止")
    parser.add_argument("--worker-id", default="", help="默认为 主机名-进程号-随机后缀")
    parser.add_argument("--log-level", default="WARNING")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m crawler.distributed --config DIR [--database-url URL] [--redis-url URL]``: one worker."""
    from yuqing.core.config import ConfigError, load_settings

    args = worker_parser().parse_args(argv)
    try:
        settings = load_settings(args.config, overrides={"database_url": args.database_url} if args.database_url else {})
    except ConfigError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    redis_url = args.redis_url or settings.app.redis_url
    if not redis_url:
        sys.stderr.write("未配置 Redis 地址（YUQING_REDIS_URL 或 --redis-url）\n")
        return 2
    run_worker(settings, redis_url, args.prefix, args.worker_id, args.heartbeat, args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
