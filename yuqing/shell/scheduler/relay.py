"""Posts stored by the scrapy-redis workers start the daemon's chain, as its own crawls do.

With Redis configured, a crawl job only pushes a round to the workers' queue: its result stores
nothing, so `StageChain` has nothing to follow. The workers push a signal to the Redis list
``<prefix>:stored`` after each batch with new or changed posts (`crawler.distributed.StoredAnnouncer`);
this relay waits on that list in a thread (BLPOP), takes every signal waiting and makes `analyze` due
now, from where the chain goes on (`open_cases`, `deliver_outbox`, watches). A signal pushed while the
daemon was down is consumed when it starts; the periodic `analyze` stays the safety net.
"""

from __future__ import annotations

import json
import logging
import threading

import redis

from crawler.distributed import stored_key
from crawler.settings import REDIS_PREFIX
from yuqing.shell.scheduler.chain import StageChain

log = logging.getLogger("yuqing.shell.scheduler")
WAIT_SECONDS = 1
RETRY_SECONDS = 5.0


def take_signals(server: redis.Redis, prefix: str, first: bytes) -> list[dict]:
    """The signal just popped and every other one waiting, removed from the list at once."""
    with server.pipeline() as pipe:
        rest, _ = pipe.lrange(stored_key(prefix), 0, -1).delete(stored_key(prefix)).execute()
    return [json.loads(raw) for raw in (first, *rest)]


class StoredRelay:
    """Waits for the workers' "posts stored" signals and runs the analysis at once."""

    def __init__(self, redis_url: str, chain: StageChain, stopping: threading.Event, prefix: str = REDIS_PREFIX):
        self.server = redis.Redis.from_url(redis_url)
        self.chain, self.stopping, self.prefix = chain, stopping, prefix
        self.thread: threading.Thread | None = None

    def start(self) -> StoredRelay:
        """Start waiting in a thread of its own."""
        self.thread = threading.Thread(target=self.run, name="stored-relay", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Wait for the thread to see the stop request (within one wait), then close the connection."""
        if self.thread:
            self.thread.join()
        self.server.close()

    def run(self) -> None:
        """Relay signals until the daemon stops; a Redis error is logged and retried after a pause."""
        while not self.stopping.is_set():
            try:
                self.relay_once()
            except redis.RedisError as exc:
                log.warning("stored relay: redis unavailable", extra={"error": repr(exc)})
                self.stopping.wait(RETRY_SECONDS)

    def relay_once(self) -> int:
        """Wait up to WAIT_SECONDS for signals; when some came, make `analyze` due now. Returns the signals taken."""
        popped = self.server.blpop([stored_key(self.prefix)], timeout=WAIT_SECONDS)
        if popped is None or self.stopping.is_set():
            return 0
        signals = take_signals(self.server, self.prefix, popped[1])
        log.info("posts stored by workers", extra={
            "sources": sorted({s.get("source", "") for s in signals}),
            "new_posts": sum(int(s.get("new", 0)) for s in signals),
            "updated_posts": sum(int(s.get("updated", 0)) for s in signals)})
        self.chain.run_now("analyze")
        return len(signals)
