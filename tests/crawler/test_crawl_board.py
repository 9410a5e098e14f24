"""The 留言板 API as it answers today: every call signed, a refused signature a named failure, local
and ministry boards, the site-wide search."""

from __future__ import annotations

import json
import urllib.request

import pytest

from crawler.spiders.board import board_body, board_signature
from tests.crawler.crawlkit import make_profile, read_posts, report_of, run_crawl_process
from yuqing.shell.demo.sites import demo_sources

APP_CODE = "PC42ce3bfa4980a9"


@pytest.mark.parametrize(("path", "param", "signature"), [
    ("/v1/threads/list/df", '{"fid":"593","showUnAnswer":1,"typeId":5,"lastItem":"","position":"0","rows":10,'
     '"orderType":2}', "a7db9282e68f7ccceff0785b444c2194"),
    ("/v1/threads/list/bw", '{"fid":5050,"showUnAnswer":1,"typeId":5,"lastItem":"","position":1,"rows":10,'
     '"orderType":2}', "22e8ff231248d4e2774c9d1b523afdf9"),
    ("/v2/threads/search?sortType=0", '{"position":0,"keywords":"天然气","fid":null,"domainId":null,"typeId":null,'
     '"timeRange":null,"ansChecked":false,"stTime":null,"sortType":"0","page":1,"rows":10}',
     "bec2facf4f2a6ea58ced5215c60e6c1c"),
])
def test_signature_matches_requests_published_by_public_crawlers(path, param, signature):
    assert board_signature(path, param, APP_CODE) == signature


def test_a_token_replaces_the_app_code_in_the_key():
    assert board_signature("/v1/threads/content", "{}", APP_CODE, "t0k") != board_signature(
        "/v1/threads/content", "{}", APP_CODE)


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, json.loads(answer.read())


def test_site_answers_a_signed_call_and_refuses_any_other_with_sn0006(site):
    path = "/v1/threads/list/df"
    signed = board_body(path, {"fid": 5801, "lastItem": "", "rows": 2}, APP_CODE)
    status, answer = post(site.url + path, signed)
    assert status == 200 and len(answer["resultData"]["data"]) == 2
    for broken in ({**signed, "signature": "0" * 32}, {**signed, "param": signed["param"].replace("2", "3")},
                   {key: value for key, value in signed.items() if key != "signature"},
                   board_body(path, {"fid": 5801}, "PC0000000000000")):
        status, answer = post(site.url + path, broken)
        assert (status, answer["code"]) == (200, "SN0006")


def board_source(base: str, **fields) -> dict:
    return {**demo_sources(base)[4], **fields}


def test_a_refused_signature_fails_the_source_by_name_instead_of_reading_nothing(site, tmp_path):
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    source = board_source(site.url, key="b-resigned", app_code="PC0000000000000")
    code, events = run_crawl_process(make_profile(tmp_path / "config", [source]), url)
    row = report_of(events)["b-resigned"]
    assert row["status"] == "failed"
    assert "领导留言板" in row["reason"] and "SN0006" in row["reason"] and "签名" in row["reason"]
    assert not read_posts(url)


def test_ministry_boards_and_the_site_search_are_read_signed(site, tmp_path):
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    before = len(site.calls)
    source = board_source(site.url, key="b-wide", search=True, keywords=["民政局"],
                          forums=[{"id": 5050, "addressee": "民政部", "level": "ministry"}])
    code, events = run_crawl_process(make_profile(tmp_path / "config", [source]), url)
    assert report_of(events)["b-wide"]["status"] == "ok"
    paths = [call.path for call in site.calls[before:]]
    assert "/v1/threads/list/bw" in paths and "/v2/threads/search" in paths and "/v1/threads/list/df" not in paths
    posts = read_posts(url)
    found = posts["board:26100002"]
    assert (found.addressee, found.location, found.reply_state) == ("榆西区区长", "榆川市榆西区", "待回复")
    assert found.clean_text.endswith("也不说缺什么材料。")
    assert posts["board:26100001"].extra["reply"]["organization"] == "榆川市榆西区民政局"
    assert posts["board:26000005"].addressee == "民政部"
