"""The `browser` kind, run by real Scrapy with Debian's headless Chromium against a local search site
whose API wants a signature the page's JavaScript computes: a plain request is refused, the browser
path collects every post, a rerun doubles nothing, a missing browser is a health failure."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.crawler.crawlkit import ROOT, crawl_command, make_profile, read_posts, read_sources, report_of, run_crawl_process
from tests.crawler.test_crawl_resume import safe_posts, slowed
from tests.crawler.fake_signed_site import NOTES, SignedSearchSite

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"


def browser_source(base: str, key: str = "notes", **extra) -> dict:
    """A Xiaohongshu-like search page read through the browser, as a bureau would configure it."""
    return {
        "key": key, "kind": "browser", "name": "笔记搜索", "platform": f"{key}-test", "local": True,
        "obey_robots": False, "max_pages": 10, "page_url": f"{base}/search?q={{keyword}}", "keywords": ["榆川民政"],
        "capture": r"/api/search\?", "wait_seconds": 60, "has_more": "data.has_more", "items": "data.items",
        "fields": {"id": "note_id", "text": "desc", "author": "user.nickname", "author_id": "user.user_id",
                   "time": "time", "likes": "interact.liked_count"},
        "url_template": f"{base}/note/{{id}}", **extra,
    }


def plain_source(base: str) -> dict:
    """The same API asked for directly, as an `api` source would (no signature)."""
    return {"key": "notes-plain", "kind": "api", "name": "笔记接口", "platform": "plain-test", "local": True,
            "obey_robots": False, "url": f"{base}/api/search?keyword=x&page={{page}}", "items": "data.items",
            "error": "msg", "fields": {"id": "note_id", "text": "desc"}}


def list_source(base: str, key: str, render: str) -> dict:
    """A list-and-detail site whose list only its script writes."""
    return {"key": key, "kind": "html", "name": "脚本列表", "platform": f"{key}-test", "local": True,
            "obey_robots": True, "render": render, "start_urls": [f"{base}/list"],
            "selectors": {"item": "#list li", "link": "a::attr(href)", "title": "a::text", "body": ".body"}}


def kill_when(profile: Path, url: str, condition) -> bool:
    """Start a crawl and SIGKILL it once the committed posts meet `condition`; whether it was killed."""
    child = subprocess.Popen(crawl_command(profile, url), cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 300
    while child.poll() is None and time.monotonic() < deadline:
        if os.path.exists(url.removeprefix("sqlite:///")) and condition(safe_posts(url)):
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    return child.wait() == -signal.SIGKILL


def with_browser(profile: Path, **browser) -> Path:
    """The profile with crawl-wide browser settings changed."""
    path = profile / "sources.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["browser"] = browser
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return profile


@pytest.fixture(scope="module")
def signed_site():
    """The signed search site on 127.0.0.1."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    running = SignedSearchSite().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def crawled(signed_site, tmp_path_factory):
    """Two crawls of the browser source beside the plain API source."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'crawl.db'}"
    sources = [browser_source(signed_site.url), plain_source(signed_site.url),
               list_source(signed_site.url, "list-browser", "browser"), list_source(signed_site.url, "list-plain", "http")]
    profile = make_profile(folder / "config", sources)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YUQING_DATA_DIR", str(folder / "data"))
        first = report_of(run_crawl_process(profile, url)[1])
        first_calls = list(signed_site.calls)
        second = report_of(run_crawl_process(profile, url)[1])
    return {"first": first, "second": second, "posts": read_posts(url), "sources": read_sources(url),
            "calls": first_calls}


def test_a_plain_request_is_refused(signed_site):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{signed_site.url}/api/search?keyword=x&page=1", timeout=30)
    assert refused.value.code == 403
    assert json.loads(refused.value.read())["msg"] == "签名错误"


def test_the_plain_api_source_collects_nothing(crawled):
    assert crawled["first"]["notes-plain"]["status"] != "ok"
    assert not [p for p in crawled["posts"].values() if p.platform == "plain-test"]


def test_the_browser_collects_every_post_through_the_pages_own_signed_calls(crawled):
    assert crawled["first"]["notes"]["status"] == "ok", crawled["first"]["notes"]
    stored = {p.platform_id: p for p in crawled["posts"].values() if p.platform == "notes-test"}
    assert set(stored) == {note["note_id"] for note in NOTES}
    first = stored["n1"]
    assert first.author == "小周" and first.likes == 7 and first.url.endswith("/note/n1")
    signed = [c for c in crawled["calls"] if c.path == "/api/search" and "sign" in c.query]
    assert sorted(int(c.query["page"]) for c in signed) == [1, 2, 3]


def test_render_browser_reads_what_the_pages_script_writes(crawled):
    assert crawled["first"]["list-browser"]["status"] == "ok", crawled["first"]["list-browser"]
    through_browser = {p.clean_text for p in crawled["posts"].values() if p.platform == "list-browser-test"}
    assert through_browser == {note["desc"] for note in NOTES}
    assert not [p for p in crawled["posts"].values() if p.platform == "list-plain-test"]
    assert [c for c in crawled["calls"] if c.path == "/robots.txt"]


def test_a_rerun_doubles_nothing(crawled):
    assert crawled["second"]["notes"]["status"] == "ok"
    assert crawled["second"]["notes"]["new_posts"] == 0
    assert len([p for p in crawled["posts"].values() if p.platform == "notes-test"]) == len(NOTES)


def test_a_crawl_killed_mid_way_with_a_browser_source_loses_and_doubles_nothing_when_rerun(site, tmp_path, monkeypatch):
    monkeypatch.setenv("YUQING_DATA_DIR", str(tmp_path / "data"))
    slow = SignedSearchSite(later_pages_delay=1.5).start()
    try:
        profile = make_profile(tmp_path / "config", [browser_source(slow.url), *slowed(site.url)], batch_size=1)
        clean_url, killed_url = f"sqlite:///{tmp_path / 'clean.db'}", f"sqlite:///{tmp_path / 'killed.db'}"
        run_crawl_process(profile, clean_url)
        clean = read_posts(clean_url)
        assert len([p for p in clean.values() if p.platform == "notes-test"]) == len(NOTES)
        assert kill_when(profile, killed_url, lambda posts: any(p.platform == "notes-test" for p in posts.values()))
        assert len(read_posts(killed_url)) < len(clean)
        run_crawl_process(profile, killed_url)
        assert set(read_posts(killed_url)) == set(clean)
    finally:
        slow.stop()


def test_a_missing_browser_is_a_health_failure_not_a_crashed_crawl(signed_site, tmp_path, monkeypatch):
    monkeypatch.setenv("YUQING_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    profile = make_profile(tmp_path / "config", [browser_source(signed_site.url), plain_source(signed_site.url)])
    with_browser(profile, executable_path=str(tmp_path / "no-chromium"))
    code, events = run_crawl_process(profile, url)
    report = report_of(events)
    assert code == 0
    assert report["notes"]["status"] == "failed" and "浏览器" in report["notes"]["reason"]
    assert "浏览器" in read_sources(url)["notes"].last_error
    assert report["notes-plain"]["status"] in ("failed", "blocked")
