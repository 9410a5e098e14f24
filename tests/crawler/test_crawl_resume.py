"""Incremental runs, backfills and a crawl killed half-way: nothing lost, nothing doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import datetime, timezone

from tests.crawler.crawlkit import ROOT, crawl_command, make_profile, read_posts, report_of, run_crawl_process
from yuqing.shell.demo.sites import demo_sources


def slowed(base: str) -> list[dict]:
    """The sample sources with every answer delayed, so that a kill lands mid-crawl."""
    slow = f"{base}/fault/delay/all"
    weibo, feed, forum, tieba, board = demo_sources(slow)
    return [weibo, {**feed, "urls": [f"{slow}/rss/shehui.xml", f"{slow}/rss/atom.xml"]},
            {**forum, "start_urls": [f"{slow}/bbs/forum-12-1.html"]}, tieba, board]


def links(posts: dict) -> dict[str, str | None]:
    by_id = {post.id: key for key, post in posts.items()}
    return {key: by_id.get(post.duplicate_of_id) for key, post in posts.items()}


def kill_after_posts(profile, url: str, count: int) -> int:
    """Start a crawl, SIGKILL it once `count` posts are committed; return its exit status."""
    child = subprocess.Popen(crawl_command(profile, url), cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 300
    while child.poll() is None and time.monotonic() < deadline:
        if os.path.exists(url.removeprefix("sqlite:///")) and len(safe_posts(url)) >= count:
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    return child.wait()


def safe_posts(url: str) -> dict:
    try:
        return read_posts(url)
    except Exception:
        return {}


def test_killed_crawl_run_again_gives_the_same_posts_as_a_clean_run(site, tmp_path):
    profile = make_profile(tmp_path / "config", slowed(site.url), batch_size=1)
    clean_url, killed_url = f"sqlite:///{tmp_path / 'clean.db'}", f"sqlite:///{tmp_path / 'killed.db'}"
    run_crawl_process(profile, clean_url)
    clean = read_posts(clean_url)
    assert kill_after_posts(profile, killed_url, 4) == -signal.SIGKILL
    assert 4 <= len(read_posts(killed_url)) < len(clean)
    code, events = run_crawl_process(profile, killed_url)
    resumed = read_posts(killed_url)
    assert set(resumed) == set(clean)
    assert links(resumed) == links(clean)


def test_incremental_run_stops_at_seen_posts_and_since_backfills(site, tmp_path):
    weibo = {**demo_sources(site.url)[0], "key": "w-incremental"}
    profile, url = make_profile(tmp_path / "config", [weibo]), f"sqlite:///{tmp_path / 'crawl.db'}"

    def pages_fetched(*args: str) -> tuple[list[str], dict]:
        before = len(site.calls)
        report = report_of(run_crawl_process(profile, url, *args)[1])["w-incremental"]
        return [p for p in site.paths()[before:] if "getIndex" in p], report

    first, report = pages_fetched()
    assert len(first) == 3 and report["new_posts"] == 6
    again, report = pages_fetched()
    assert len(again) == 1 and report["new_posts"] == 0 and report["status"] == "ok"
    backfill, report = pages_fetched("--since", "2026-11-01")
    assert len(backfill) == 3 and report["new_posts"] == 0
    assert len(read_posts(url)) == 6


def test_a_reply_given_since_the_last_run_updates_the_message(site, tmp_path):
    from sqlalchemy import update

    from yuqing.core.storage.db import make_engine
    from yuqing.core.storage.models import Post

    board = {**demo_sources(site.url)[4], "key": "b-replies"}
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    run_crawl_process(make_profile(tmp_path / "config", [board]), url)
    assert read_posts(url)["board:26000005"].reply_state == "待回复"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(update(Post).values(analyzed_at=datetime(2026, 11, 18, 10, 5, tzinfo=timezone.utc)))
    engine.dispose()
    answered = {**board, "base_url": f"{site.url}/fault/answered/all"}
    before = len(site.calls)
    report = report_of(run_crawl_process(make_profile(tmp_path / "config2", [answered]), url)[1])["b-replies"]
    message = read_posts(url)["board:26000005"]
    assert (message.reply_state, message.analyzed_at) == ("已回复", None)
    assert message.extra["reply"]["organization"] == "榆川市民政局"
    assert report["new_posts"] == 0 and report["updated_posts"] == 2
    assert sum(1 for c in site.calls[before:] if c.path.endswith("/list/df")) == 1


def test_each_feed_keeps_its_own_cursor(site, tmp_path):
    feed = {**demo_sources(site.url)[1], "key": "n-streams",
            "urls": [f"{site.url}/rss/shehui.xml", f"{site.url}/fault/fresh/all/rss/atom.xml"]}
    profile, url = make_profile(tmp_path / "config", [feed]), f"sqlite:///{tmp_path / 'crawl.db'}"
    run_crawl_process(profile, url)
    assert not any(key.endswith("/news/n6.html") for key in read_posts(url))
    report = report_of(run_crawl_process(profile, url)[1])["n-streams"]
    late = next(post for key, post in read_posts(url).items() if key.endswith("/news/n6.html"))
    assert late.published_at == datetime(2026, 11, 16, 12, 0, tzinfo=timezone.utc)
    assert report["new_posts"] == 1
