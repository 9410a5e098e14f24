"""Tieba's 2026 PC site: signed JSON calls with a page token, forum lists, threads and search, read
beside the 2024 HTML pages."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest

from crawler.spiders.tieba_pc import PC_SIGN_KEY, pc_sign, signed
from tests.crawler.crawlkit import make_profile, read_posts, report_of, run_crawl_process


def test_sign_is_md5_of_sorted_pairs_and_the_client_key():
    params = {"kw": "榆川", "pn": "1", "tbs": "x", "_client_type": "20"}
    expected = hashlib.md5(("_client_type=20kw=榆川pn=1tbs=x" + PC_SIGN_KEY).encode()).hexdigest()
    assert pc_sign(params) == expected == pc_sign(dict(reversed(params.items())))
    assert pc_sign({**params, "sign": "old"}) == expected


def call(url: str, form: dict | None = None) -> dict:
    data = urlencode(form).encode() if form is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as answer:
        assert answer.status == 200
        return json.loads(answer.read())


def test_site_refuses_unsigned_calls_and_calls_without_its_page_token(site):
    frs = f"{site.url}/c/f/frs/page_pc"
    assert call(frs, {"kw": "榆川", "pn": "1"})["error_code"] == 110001
    assert call(frs, signed({"kw": "榆川", "pn": 1, "tbs": "guessed"}))["error_code"] == 2210002
    token = call(f"{site.url}/c/s/pc/sync?{urlencode(signed({}))}")["data"]["anti"]["tbs"]
    answer = call(frs, signed({"kw": "榆川", "pn": 1, "tbs": token}))
    assert answer["error_code"] == 0 and answer["forum"]["tids"] == "9100002,9100001"
    assert call(f"{site.url}/mo/q/search/multsearch?{urlencode({'word': '民政局'})}")["error_code"] == 110001


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tieba_pc")
    url = f"sqlite:///{folder / 'crawl.db'}"
    source = {"key": "tieba-pc", "kind": "tieba", "name": "榆川吧（新版）", "base_url": site.url, "site": "pc",
              "forums": ["榆川"], "search": True, "keywords": ["临时救助"]}
    before = len(site.calls)
    code, events = run_crawl_process(make_profile(folder / "config", [source]), url)
    return {"report": report_of(events), "posts": read_posts(url), "paths": [c.path for c in site.calls[before:]]}


def test_forum_threads_and_search_hits_are_read_through_the_signed_api(crawled):
    assert crawled["report"]["tieba-pc"]["status"] == "ok"
    assert {key for key in crawled["posts"] if key.startswith("tieba:")} == {
        "tieba:8100001", "tieba:8100002", "tieba:8100003", "tieba:8100011", "tieba:8200001", "tieba:8200002"}
    api = [path for path in crawled["paths"] if path != "/robots.txt"]
    assert api[0] == "/c/s/pc/sync" and "/mo/q/search/multsearch" in api
    assert "/f" not in crawled["paths"]


def test_floor_fields_come_from_the_thread_answer(crawled):
    posts = crawled["posts"]
    first = posts["tieba:8100001"]
    assert (first.title, first.author, first.location, first.comments) == ("低保年审材料到底交给谁", "榆川居民甲", "河北", 3)
    assert first.published_at == datetime.fromtimestamp(1794880000, tz=timezone.utc)
    assert first.extra["floor"] == 1 and first.extra["thread_id"] == "9100001"
    assert posts["tieba:8100003"].title == "回复：低保年审材料到底交给谁"
    assert posts["tieba:8200001"].extra["forum"] == "榆西"


def test_a_refused_signature_fails_the_source_by_name(site, tmp_path):
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    source = {"key": "tieba-stale", "kind": "tieba", "name": "榆川吧（新版）", "base_url": site.url, "site": "pc",
              "forums": ["榆川"], "sign_key": "0" * 32}
    code, events = run_crawl_process(make_profile(tmp_path / "config", [source]), url)
    row = report_of(events)["tieba-stale"]
    assert row["status"] == "failed" and "榆川吧（新版）" in row["reason"] and "110001" in row["reason"]
    assert not read_posts(url)
