"""Crawler benchmarks, run by hand: ``python bench/crawl.py [--pages 10000] [--index-size 1000000]``.

1. Pages per second of the full pipeline (html spider, clean, mention filter, near-copy linking,
   SQLite storage, health) against a bare Scrapy spider fetching the same local pages with the same
   concurrency settings, in one run; prints the ratio (target: at least 0.70).
2. Near-copy lookup time per post with a MinHash index of 1,000,000 posts (target: under 1 ms).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.normalize import traditional_chars  # noqa: E402
from yuqing.shell.demo.sites import Call, Reply, SampleSite  # noqa: E402

LINKS_PER_LIST = 100
_CHARS = random.Random(7)
_SIMPLIFIED = [chr(c) for c in range(0x4E00, 0x4E00 + 6000) if not traditional_chars().intersection(chr(c))]
WORDS = tuple("".join(_CHARS.choice(_SIMPLIFIED) for _ in range(2)) for _ in range(2000))


def post_text(number: int) -> str:
    """A made-up post mentioning the bureau, different for every number."""
    pick = random.Random(number)
    words = "".join(pick.choice(WORDS) for _ in range(60))
    return f"榆川市民政局{words}，第{number}号反映。"


class BenchSite(SampleSite):
    """List pages of 100 links and one detail page per post."""

    def answer(self, call: Call) -> Reply:
        """Serve /bench/list-N.html and /bench/post-N.html."""
        name = call.path.rsplit("/", 1)[-1].removesuffix(".html")
        kind, _, number = name.partition("-")
        if kind == "list":
            first = int(number) * LINKS_PER_LIST
            links = "".join(f'<li class="row"><a href="post-{i}.html">帖子{i}</a></li>'
                            for i in range(first, first + LINKS_PER_LIST))
            return Reply(f"<html><body><ul>{links}</ul></body></html>")
        if kind == "post":
            return Reply(f"<html><head><meta charset='utf-8'></head><body><h1>帖子{number}</h1>"
                         f"<div class='body'>{post_text(int(number))}</div></body></html>")
        return Reply("not found", status=404)


def serve(queue) -> None:
    """Run the bench site in this (child) process and report its URL."""
    site = BenchSite().start()
    queue.put(site.url)
    while True:
        time.sleep(3600)


BARE_SPIDER = '''
import sys, scrapy
from scrapy.crawler import CrawlerProcess

class Bare(scrapy.Spider):
    name = "bare"
    start_urls = sys.argv[1:]
    def parse(self, response):
        for href in response.css("li.row a::attr(href)").getall():
            yield response.follow(href, self.parse_post)
    def parse_post(self, response):
        pass

process = CrawlerProcess({"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                          "CONCURRENT_ITEMS": 8, "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False})
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
print(stats["response_received_count"], (stats["finish_time"] - stats["start_time"]).total_seconds())
'''


def bare_rate(list_urls: list[str]) -> float:
    """Pages per second of a plain Scrapy spider over the same pages."""
    done = subprocess.run([sys.executable, "-c", BARE_SPIDER, *list_urls], capture_output=True, text=True, check=True)
    pages, seconds = done.stdout.split()
    print(f"裸 Scrapy：{pages} 页，{float(seconds):.1f} 秒")
    return int(pages) / float(seconds)


def pipeline_rate(list_urls: list[str], folder: Path) -> float:
    """Pages per second of the full yuqing pipeline over the same pages (SQLite storage)."""
    import yaml

    from yuqing.core.config import default_config_dir
    from yuqing.core.storage.db import make_engine, session_factory
    from yuqing.core.storage.models import SourceRun

    profile = folder / "config"
    profile.mkdir()
    for path in default_config_dir().glob("*.yaml"):
        (profile / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    source = {"key": "bench", "kind": "html", "name": "压测", "start_urls": list_urls, "obey_robots": False,
              "max_pages": 1, "selectors": {"item": "li.row", "link": "a::attr(href)", "title": "a::text",
                                            "body": "div.body", "detail_title": "h1::text"}}
    sources = yaml.safe_load((profile / "sources.yaml").read_text(encoding="utf-8"))
    sources.update(sources=[source], download_delay_seconds=0, autothrottle=False, concurrency_per_domain=16)
    (profile / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    url = f"sqlite:///{folder / 'bench.db'}"
    subprocess.run([sys.executable, "-m", "crawler.run", "--config", str(profile), "--database-url", url],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    engine = make_engine(url)
    with session_factory(engine)() as session:
        run = session.query(SourceRun).one()
        seconds = (run.finished_at - run.started_at).total_seconds()
        print(f"完整流水线：{run.pages} 页，{seconds:.1f} 秒，新增帖子 {run.new_posts}")
        return run.pages / seconds


def crawl_benchmark(pages: int) -> None:
    """Both crawls against one bench site in a child process; prints the rate ratio."""
    queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(queue,), daemon=True)
    server.start()
    try:
        base = queue.get(timeout=30)
        list_urls = [f"{base}/bench/list-{n}.html" for n in range(max(1, pages // LINKS_PER_LIST))]
        bare = bare_rate(list_urls)
        with tempfile.TemporaryDirectory() as folder:
            full = pipeline_rate(list_urls, Path(folder))
    finally:
        server.terminate()
    print(f"页/秒：完整流水线 {full:.0f}，裸 Scrapy {bare:.0f}，比值 {full / bare:.2f}（目标 ≥ 0.70）")


def index_benchmark(size: int, queries: int = 1000) -> None:
    """Near-copy lookups against an index of `size` posts; prints milliseconds per post."""
    import numpy as np

    from analysis.neardup import NUM_PERM, MinHashIndex, signature

    rng = np.random.default_rng(1)
    index = MinHashIndex()
    started = time.perf_counter()
    for start in range(0, size - queries, 200_000):
        count = min(200_000, size - queries - start)
        filler = rng.integers(0, 2**16, (count, NUM_PERM), dtype=np.uint16)
        index.add_many([f"filler:{start + i}" for i in range(count)], filler)
    for number in range(queries):
        index.add(f"post:{number}", signature(post_text(number)))
    built = time.perf_counter() - started
    texts = [post_text(number).replace("第", "编号") for number in range(queries)]
    started = time.perf_counter()
    signatures = [signature(text) for text in texts]
    hashed = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(1 for sig in signatures if index.best(sig))
    lookup = time.perf_counter() - started
    print(f"近似重复索引：{len(index):,} 条（建立 {built:.1f} 秒）；查找 {lookup / queries * 1000:.3f} 毫秒/条"
          f"（目标 < 1 毫秒），计算签名 {hashed / queries * 1000:.3f} 毫秒/条；{found}/{queries} 找到原帖")


def main() -> None:
    """Run the benchmarks chosen on the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--index-size", type=int, default=1_000_000)
    parser.add_argument("--skip-crawl", action="store_true")
    parser.add_argument("--skip-index", action="store_true")
    args = parser.parse_args()
    if not args.skip_crawl:
        crawl_benchmark(args.pages)
    if not args.skip_index:
        index_benchmark(args.index_size)


if __name__ == "__main__":
    main()
