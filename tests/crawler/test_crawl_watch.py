"""A watch round's crawl: the event's words replace the source's own, first pages only."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.crawler.crawlkit import make_profile, report_of, run_crawl_process
from yuqing.shell.demo.sites import demo_sources


def searched(site, since: int) -> list[tuple[str, str]]:
    """(keyword, page) of every Weibo search request after the first `since` calls."""
    found = []
    for call in site.calls[since:]:
        if call.path == "/api/container/getIndex":
            container = parse_qs(urlsplit("?" + call.query["containerid"]).query)
            found.append((container["q"][0], call.query["page"]))
    return found


def test_watch_keywords_and_page_budget_reach_the_search(site, tmp_path, sqlite_url):
    weibo = next(s for s in demo_sources(site.url) if s["kind"] == "weibo")
    profile = make_profile(tmp_path / "config", [weibo])
    before = len(site.calls)
    code, events = run_crawl_process(profile, sqlite_url, "--source", "weibo-search", "--keyword", "护工",
                                     "--keyword", "敬老院", "--max-pages", "1")
    assert code == 0 and report_of(events)["weibo-search"]["status"] == "ok"
    assert sorted(searched(site, before)) == sorted([("护工", "1"), ("敬老院", "1")])
