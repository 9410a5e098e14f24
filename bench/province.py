"""A province-sized run, by hand: ``python bench/province.py [--minutes 3]``.

Twenty real-time search sources (each under its own path of one local site, polled every minute),
posts arriving at the rate of 100,000 a day (about 70 a minute, at random moments and sources),
the real daemon (`yuqing run`) with Redis configured, two scrapy-redis workers (`yuqing worker`),
and PostgreSQL (a schema of its own on 127.0.0.1:5432 db `test`, dropped at the end). The daemon's
crawl jobs only push rounds to the shared queue; the workers fetch and store, and their "posts
stored" signals start the daemon's analysis, case intake and alerts. Alerts go to a local SMTP
server and a local robot receiver, as in `bench/latency.py`, whose pieces this bench uses.

Prints the queue depths every `--sample` seconds (Redis request queues and workers' in-process
lists, the stored-signal list, unanalysed posts, pending outbox), the throughput, and the latency
figures of `bench/latency.py` over all twenty sources (p50/p95/max from publication to each stage),
ending with ``p95 publication-to-alert: N s; interval: 60 s``. Most posts are everyday mentions that
open no case; `--alert-posts` of them (at random) are complaints written to become a case each.

Redis: the daemon and workers use the default key prefix on a Redis database of their own
(`--redis-url`, default db 13), emptied of that prefix's keys before and after the run.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.latency import (  # noqa: E402
    PLACES,
    TEMPLATES,
    Arrivals,
    LiveSite,
    Published,
    checkout_env,
    percentile,
    stage_times,
    summarise,
    wait_for_first_analysis,
    weibo_search,
    write_profile,
    yuqing_command,
)
from crawler.settings import REDIS_PREFIX  # noqa: E402
from yuqing.shell.demo.mailsink import free_port  # noqa: E402
from yuqing.shell.demo.robot import RobotReceiver  # noqa: E402
from yuqing.shell.demo.sites import Call, Reply  # noqa: E402

WORD = "榆川市民政局"
SERVICES = ["婚姻登记", "低保申请", "养老服务补贴", "殡葬服务", "社区服务中心", "慈善超市", "居家养老", "残疾人两项补贴",
            "儿童福利", "社会组织登记"]
EVERYDAY = [  # made up; everyday mentions that ask nothing of the bureau
    "今天去{p}办{s}，{w}的窗口人不多，十几分钟就办好了（{n}）",
    "转发：{w}发布{s}办事指南，{p}的居民可以在网上预约（{n}）",
    "{p}的{s}宣传活动今天在广场举行，{w}的工作人员讲得很细（{n}）",
    "听邻居说{p}的{s}流程简化了，{w}这件事做得不错（{n}）",
    "{w}公众号更新了{s}的常见问题，{p}的朋友可以看看（{n}）",
    "周末陪家里老人去{p}咨询{s}，{w}安排了志愿者引导（{n}）",
]


class ProvinceSite(LiveSite):
    """Real-time searches, each under its own path (``/p01/api/container/getIndex``, ...)."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__()
        self.lists: dict[str, list[Published]] = {key: [] for key in keys}

    def publish(self, source: str, text: str) -> Published:
        """Make a post visible now on one source's search."""
        with self._lock:
            self.serial += 1
            post = Published(source, f"weibo:{self.serial}", text, datetime.now(timezone.utc))
            self.lists[source].insert(0, post)
            return post

    def answer(self, call: Call) -> Reply:
        """A source's search under its path; robots.txt and 404 as the live site."""
        key, _, rest = call.path.lstrip("/").partition("/")
        if key in self.lists and rest == "api/container/getIndex":
            with self._lock:
                posts = list(self.lists[key])
            return weibo_search(posts, call)
        return super().answer(call)


def province_sources(site_url: str, count: int, realtime: int) -> list[dict]:
    """`count` searches polled every minute, one page per round; the first `realtime` are searched by watches."""
    return [{"key": f"p{n:02d}", "kind": "weibo", "name": f"实时搜索 {n:02d}", "base_url": f"{site_url}/p{n:02d}",
             "keywords": [WORD], "interval_minutes": 1, "obey_robots": False, "max_pages": 2,
             "fetch_long_text": False, "realtime": n <= realtime} for n in range(1, count + 1)]


def fresh_schema(admin_url: str) -> tuple[str, str]:
    """Create a schema of the bench's own; return its name and a database URL that uses it."""
    schema = f"province_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return schema, url.render_as_string(hide_password=False)


def drop_schema(admin_url: str, schema: str) -> None:
    """Drop the bench's schema and everything in it."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def refuse_if_busy(server: redis.Redis) -> None:
    """Stop when live workers already use the bench's Redis database (they would take its rounds)."""
    busy = list(server.scan_iter(match=f"{REDIS_PREFIX}:worker:*"))
    if busy:
        raise SystemExit(f"workers are alive on this Redis database ({len(busy)} heartbeats); use another --redis-url")


def clear_prefix(server: redis.Redis) -> None:
    """Delete the default prefix's keys on the bench's Redis database."""
    for key in server.scan_iter(match=f"{REDIS_PREFIX}:*"):
        server.delete(key)


@dataclass
class Sample:
    """Queue depths at one moment of the run."""

    at: float
    published: int
    stored: int
    analysed: int
    queued: int
    in_process: int
    signals: int
    unanalysed: int
    outbox: int


class Sampler:
    """Reads the queue depths every `every` seconds from a thread until stopped."""

    def __init__(self, database_url: str, server: redis.Redis, published: list[Published], every: float):
        from yuqing.core.storage.db import make_engine

        self.engine, self.server, self.published, self.every = make_engine(database_url), server, published, every
        self.samples: list[Sample] = []
        self.start = time.monotonic()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="sampler", daemon=True)

    def sample(self) -> Sample:
        """One reading now."""
        from yuqing.core.storage.models import Notification, Post

        queued = in_process = 0
        for key in self.server.scan_iter(match=f"{REDIS_PREFIX}:*"):
            name = key.decode()
            if name.endswith(":requests"):
                queued += self.server.llen(key)
            elif ":processing:" in name:
                in_process += self.server.llen(key)
        with self.engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(Post))
            analysed = connection.scalar(select(func.count()).select_from(Post).where(Post.analyzed_at.is_not(None)))
            outbox = connection.scalar(select(func.count()).select_from(Notification)
                                       .where(Notification.status == "pending"))
        return Sample(time.monotonic() - self.start, len(self.published), stored, analysed, queued, in_process,
                      self.server.llen(f"{REDIS_PREFIX}:stored"), stored - analysed, outbox)

    def run(self) -> None:
        """Sample until stopped."""
        while not self.stopping.wait(self.every):
            self.samples.append(self.sample())

    def stop(self) -> None:
        """Stop sampling and close the connections."""
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join()
        self.engine.dispose()


def publish_stream(site: ProvinceSite, rng: random.Random, window: float, count: int, alerts: int,
                   published: list[Published]) -> None:
    """Publish `count` posts at random moments of the window on random sources, `alerts` of them
    complaints that each become a case (blocking; appends to `published` as it goes)."""
    keys = list(site.lists)
    complaints = iter(template.format(p=rng.choice(PLACES)) for template in rng.sample(TEMPLATES, alerts))
    alert_at = set(rng.sample(range(count), alerts))
    plan = sorted(rng.uniform(0, window) for _ in range(count))
    start = time.monotonic()
    for n, offset in enumerate(plan):
        body = next(complaints) if n in alert_at else rng.choice(EVERYDAY).format(
            p=rng.choice(PLACES), s=rng.choice(SERVICES), w=WORD, n=rng.randrange(10_000, 99_999))
        time.sleep(max(0.0, start + offset - time.monotonic()))
        published.append(site.publish(rng.choice(keys), body))


def print_samples(samples: list[Sample]) -> None:
    """The queue depths over time, one line per sample."""
    print(f"{'t s':>6}{'published':>10}{'stored':>8}{'analysed':>9}{'queued req':>11}{'in process':>11}"
          f"{'signals':>8}{'unanalysed':>11}{'outbox':>7}")
    for s in samples:
        print(f"{s.at:6.0f}{s.published:10}{s.stored:8}{s.analysed:9}{s.queued:11}{s.in_process:11}{s.signals:8}"
              f"{s.unanalysed:11}{s.outbox:7}")


def print_throughput(samples: list[Sample], window: float, published: list[Published],
                     times: dict[str, dict[str, datetime]]) -> None:
    """Posts published, stored and analysed per minute (from the first publication to the last post
    stored or analysed), and the largest queue depths during the window and at the end."""
    start = min(p.at for p in published)
    print(f"published {len(published)} posts in {window / 60:g} min: {len(published) / (window / 60):.0f}/min "
          f"({len(published) / window * 86400:,.0f} a day)")
    for stage in ("stored", "analysed"):
        done = [found[stage] for found in times.values() if found.get(stage)]
        minutes = max((max(done) - start).total_seconds() / 60, 1 / 60) if done else 0
        rate = f"{len(done) / minutes:.0f}/min over {minutes:.1f} min" if done else "none"
        print(f"  {stage:<9} {len(done):5} of {len(published)}: {rate}")
    inside = [s for s in samples if s.at <= window] or samples[:1]
    for name in ("queued", "in_process", "signals", "unanalysed", "outbox"):
        values = [getattr(s, name) for s in inside] or [0]
        print(f"  {name:<11} max in window {max(values):5}  at the end {getattr(samples[-1], name) if samples else 0:5}")


def stop_all(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process, then wait for each (killed after five minutes)."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()


def run(args: argparse.Namespace, root: Path, database_url: str, server: redis.Redis, window: float,
        count: int) -> tuple[list[Published], list[Sample], Arrivals]:
    """Start the site, receivers, daemon and workers, publish, wait the tail, stop everything; returns
    the posts published, the queue samples (time from the window's start) and the alerts received."""
    site, arrivals = ProvinceSite([f"p{n:02d}" for n in range(1, args.sources + 1)]).start(), Arrivals()
    smtp = Controller(arrivals, hostname="127.0.0.1", port=free_port())
    smtp.start()
    robot = RobotReceiver(root / "robots", on_message=arrivals.robot_message).start()
    config = write_profile(root / "config", province_sources(site.url, args.sources, args.realtime), database_url,
                           smtp.port, redis_url=args.redis_url)
    env = checkout_env(YUQING_WECOM_WEBHOOK=robot.url)
    published: list[Published] = []
    subprocess.run(yuqing_command(config, "db", "upgrade"), cwd=root, env=env, stdout=subprocess.DEVNULL, check=True)
    processes = [subprocess.Popen(yuqing_command(config, "run"), cwd=root, env=env, stdout=subprocess.DEVNULL,
                                  stderr=open(root / "daemon.log", "w"))]
    processes += [subprocess.Popen(yuqing_command(config, "worker", "--worker-id", f"w{n}"), cwd=root, env=env,
                                   stdout=subprocess.DEVNULL, stderr=open(root / f"worker{n}.log", "w"))
                  for n in (1, 2)]
    sampler = None
    try:
        site.publish("p01", f"{WORD}今天发布了冬季救助热线的值班安排")  # warm-up, not measured
        warm = wait_for_first_analysis(root / "logs" / "yuqing.log", processes[0], timeout=420)
        print(f"daemon and workers ready after {warm:.0f} s; publishing {count} posts ({args.alert_posts} complaints) "
              f"on {args.sources} sources over {args.minutes:g} min, then waiting {args.tail:.0f} s", flush=True)
        sampler = Sampler(database_url, server, published, args.sample)
        sampler.thread.start()
        publish_stream(site, random.Random(args.seed), window, count, args.alert_posts, published)
        time.sleep(args.tail)
    finally:
        if sampler:
            sampler.stop()
        stop_all(processes)
        smtp.stop()
        robot.stop()
        site.stop()
    return published, sampler.samples, arrivals


def main(argv: list[str] | None = None) -> int:
    """Run the province layout and print throughput, queue depths and latency."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="publishing window (default 3)")
    parser.add_argument("--per-day", type=int, default=100_000, help="arrival rate, posts a day (default 100,000)")
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--realtime", type=int, default=4, help="sources searched by watches (default 4)")
    parser.add_argument("--alert-posts", type=int, default=12, help=f"complaints, a case each (at most {len(TEMPLATES)})")
    parser.add_argument("--tail", type=float, default=150.0, help="seconds after the window for the last alerts")
    parser.add_argument("--sample", type=float, default=15.0, help="seconds between queue readings")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (profile, logs)")
    args = parser.parse_args(argv)
    if args.alert_posts > len(TEMPLATES):
        parser.error(f"at most {len(TEMPLATES)} alert posts (one case each)")
    window = args.minutes * 60
    count = round(args.per_day * window / 86400)
    root = Path(tempfile.mkdtemp(prefix="yuqing-province-"))
    server = redis.Redis.from_url(args.redis_url)
    refuse_if_busy(server)
    clear_prefix(server)
    schema, database_url = fresh_schema(args.admin_url)
    try:
        published, samples, arrivals = run(args, root, database_url, server, window, count)
        times = stage_times(database_url, published, arrivals)
        print_samples(samples)
        print_throughput(samples, window, published, times)
        everyone = [Published("all", p.key, p.text, p.at) for p in published]
        delays = summarise(everyone, times, {"all": 1})
        alerts = [delays.get("all", {}).get(stage, []) for stage in ("mail", "robot")]
        p95 = max(percentile(values, .95) if values else math.inf for values in alerts)
        print(f"p95 publication-to-alert: {p95:.0f} s; interval: 60 s")
    finally:
        drop_schema(args.admin_url, schema)
        clear_prefix(server)
        server.close()
    if args.keep:
        print(f"kept: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
