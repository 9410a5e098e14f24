"""A crawl killed mid-way with the bureau's own Weibo account (timeline, comments, replies, each paged
by its cursor), comments under a hot search result and browser-driven sources (the `browser` kind and
`render: browser` on a list site) in the mix: the rerun stores every post and comment exactly once,
with its thread.

The kill lands at a known point: the second page of a comment's replies, the browser's second page
of results and one page of the rendered list are held by the sites until the test lets them through,
and the crawl is killed once all three are waiting (so replies, comments and notes are stored in
part, and some wait in batches)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.crawler.crawlkit import ROOT, FaultSite, crawl_command, make_profile, read_posts, run_crawl_process
from tests.crawler.fake_signed_site import NOTES, SignedSearchSite
from tests.crawler.test_crawl_browser import CHROMIUM, browser_source, list_source
from tests.crawler.test_crawl_comments import ACCOUNTS, COMMENTS_5302, COMMENTS_5303, OWN_POSTS, sources_for, thread_of
from tests.crawler.test_crawl_resume import safe_posts
from yuqing.core.storage.db import make_engine, session_factory
from yuqing.core.storage.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.slow]
HELD_REPLIES = "max_id=90010001"
HOT_COMMENTS = {"weibo:comment:9201", "weibo:comment:9202"}
NOTE_KEYS = {f"notes-test:{note['note_id']}" for note in NOTES}
HELD_NOTE = "/note/n3"
THREADS = {
    "weibo:comment:9001": ("weibo:5302", None),
    "weibo:comment:9102": ("weibo:5302", "weibo:comment:9001"),
    "weibo:comment:9103": ("weibo:5302", "weibo:comment:9001"),
    "weibo:comment:9111": ("weibo:5303", "weibo:comment:9011"),
    "weibo:comment:9201": ("weibo:5101", None),
}


class Gate:
    """Requests that wait while the gate is shut; `waiting` counts those waiting now."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.open.set()
        self.waiting = 0
        self.lock = threading.Lock()

    def hold(self) -> None:
        """Wait here until the gate opens (at most five minutes)."""
        if self.open.is_set():
            return
        with self.lock:
            self.waiting += 1
        self.open.wait(300)


class HeldFaultSite(FaultSite):
    """The fault site where ``/fault/hold/<target>`` requests pass through `gate`."""

    def __init__(self, gate: Gate) -> None:
        super().__init__()
        self.gate = gate

    def fault_hold(self, call, where: str) -> None:
        """Wait at the gate, then answer normally."""
        self.gate.hold()


class HeldSearchSite(SignedSearchSite):
    """The signed search site whose result pages after the first, and the page of one note, pass
    through `gate`."""

    def __init__(self, gate: Gate) -> None:
        super().__init__()
        self.gate = gate

    def search(self, call):
        """The page of notes, once the gate lets a later page through."""
        if call.query.get("page", "1") != "1":
            self.gate.hold()
        return super().search(call)

    def answer(self, call):
        """The page asked for, once the gate lets the held note through."""
        if call.path == HELD_NOTE:
            self.gate.hold()
        return super().answer(call)


def all_rows(url: str) -> list[tuple[str, str]]:
    """Every stored post as (platform, its id there: the platform's id, else its address), duplicates included."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            rows = session.execute(select(Post.platform, Post.platform_id, Post.canonical_url)).tuples()
            return [(platform, platform_id or address) for platform, platform_id, address in rows]
    finally:
        engine.dispose()


def kill_when_held(profile: Path, url: str, gate: Gate, held: int) -> dict:
    """Run a crawl with the gate shut, SIGKILL it once `held` requests wait at the gate and
    something of the crawl is stored; return what it stored."""
    gate.open.clear()
    child = subprocess.Popen(crawl_command(profile, url), cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 300
        while child.poll() is None and time.monotonic() < deadline:
            posts = safe_posts(url) if os.path.exists(url.removeprefix("sqlite:///")) else {}
            if gate.waiting >= held and any(p.platform == "notes-test" for p in posts.values()):
                child.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
        assert child.wait(timeout=60) == -signal.SIGKILL, "the crawl ended before both held pages were asked for"
    finally:
        if child.poll() is None:
            child.kill()
        gate.open.set()
    return read_posts(url)


@pytest.fixture
def sites():
    """The comment site and the browser search site, sharing one gate."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    gate = Gate()
    weibo, notes = HeldFaultSite(gate).start(), HeldSearchSite(gate).start()
    yield weibo, notes, gate
    weibo.stop()
    notes.stop()


def test_killed_crawl_with_comments_and_a_browser_source_stores_each_item_once_with_its_thread(
        sites, tmp_path, monkeypatch):
    weibo, notes, gate = sites
    monkeypatch.setenv("YUQING_DATA_DIR", str(tmp_path / "data"))
    sources = [*sources_for(f"{weibo.url}/fault/hold/{HELD_REPLIES}"), browser_source(notes.url),
               list_source(notes.url, "list-browser", "browser")]
    profile = make_profile(tmp_path / "config", sources, ACCOUNTS, batch_size=2, timeout_seconds=120.0,
                           browser={"navigation_timeout_seconds": 180.0})
    clean_url, killed_url = f"sqlite:///{tmp_path / 'clean.db'}", f"sqlite:///{tmp_path / 'killed.db'}"
    run_crawl_process(profile, clean_url)
    clean = read_posts(clean_url)
    rendered = {key for key, post in clean.items() if post.platform == "list-browser-test"}
    expected = OWN_POSTS | COMMENTS_5302 | COMMENTS_5303 | HOT_COMMENTS | NOTE_KEYS
    assert expected <= set(clean) and len(rendered) == len(NOTES)

    killed = kill_when_held(profile, killed_url, gate, held=3)
    assert "weibo:comment:9001" in killed and "weibo:comment:9103" not in killed
    assert NOTE_KEYS & set(killed) and not NOTE_KEYS <= set(killed)
    assert not rendered <= set(killed)

    run_crawl_process(profile, killed_url)
    resumed = read_posts(killed_url)
    assert set(resumed) == set(clean)
    rows = all_rows(killed_url)
    assert len(rows) == len(resumed)
    assert len(set(rows)) == len(rows)
    assert {key: thread_of(resumed, key) for key in THREADS} == THREADS
    assert {key: thread_of(resumed, key) for key in resumed} == {key: thread_of(clean, key) for key in clean}
    assert {key for key, post in resumed.items() if post.own} == {key for key, post in clean.items() if post.own}
    assert {key: post.mention_rule for key, post in resumed.items()} == {
        key: post.mention_rule for key, post in clean.items()}
