"""Confirming a published reply against a local site on a frozen clock: seen from the bureau's own
account (已确认), not seen in time (alert), gone later (alert), and the 回访 and digest that follow."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from responder.confirm import confirm_responses, tracking
from responder.digest import build_digest
from responder.intake import open_cases
from responder.sighting import Page, find_reply, page_text
from responder.workflow import apply
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case, Notification

REPLY = "您好，您反映的低保金发放问题我局已收到。经核实，补发款项将于本周内到账。如有疑问请拨打12345热线。"
ORIGINAL = "<p>低保金三个月没发了，民政局管不管？</p>"


class PublishedSite:
    """A local web site whose pages the test rewrites: path -> (status, content type, body)."""

    def __init__(self):
        self.pages: dict[str, tuple[int, str, str]] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server API)
                site.hits.append(self.path)
                status, kind, body = site.pages.get(self.path, (404, "text/html", "<p>not found</p>"))
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        """The address of a page on the site."""
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def thread(self, path: str, *comments: tuple[str, str]) -> None:
        """Serve a post with comments, each (author, text), as a Weibo-like HTML page."""
        items = "".join(f'<div class="comment"><a class="name">{a}</a>：<span>{t}</span></div>' for a, t in comments)
        self.pages[path] = (200, "text/html", f"<html><body>{ORIGINAL}{items}</body></html>")

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    """The local site, stopped at the end."""
    running = PublishedSite()
    yield running
    running.close()


def act(sessions, settings, case_id, action, actor, at, **kw) -> Case:
    """Apply one action in its own transaction; the case with its audit rows loaded."""
    with transaction(sessions) as session:
        case = apply(session, case_id, action, actor, at, settings=settings, **kw)
        assert case.actions is not None
        return case


def published_case(sessions, settings, now, factory, url: str) -> int:
    """A complaint answered with REPLY and recorded as published at `url` one hour after `now`."""
    factory.post("低保金三个月没发了")
    case_id = open_cases(sessions, settings, now).created[0]
    at = now + timedelta(hours=1)
    act(sessions, settings, case_id, "claim", "relief-chief", at)
    act(sessions, settings, case_id, "submit", "relief-chief", at, text=REPLY)
    act(sessions, settings, case_id, "approve", "spokesperson", at)
    act(sessions, settings, case_id, "record_published", "relief-chief", at, url=url)
    return case_id


def alerts_about(sessions, change: str) -> set[str]:
    """Recipients of the alerts of one kind of change."""
    with sessions() as session:
        return {n.recipient for n in session.scalars(select(Notification)) if f":{change}:" in n.dedup_key}


def test_reply_is_seen_only_near_one_of_the_bureaus_accounts():
    text = page_text(Page(200, "text/html", f"<p>网友甲：转发</p><p>榆川民政：{REPLY}</p>".encode()))
    assert find_reply(text, REPLY, ["榆川民政"], 0.8, 200).status == "seen"
    quoted = page_text(Page(200, "text/html", f"<p>路人乙：{REPLY}</p>".encode()))
    assert "未见本局账号" in find_reply(quoted, REPLY, ["榆川民政"], 0.8, 200).detail
    cut = page_text(Page(200, "text/html", f"<p>榆川民政：{REPLY[:20]}…全文</p>".encode()))
    assert find_reply(cut, REPLY, ["榆川民政"], 0.8, 200).status == "missing"
    api = json.dumps({"data": [{"user": {"screen_name": "榆川民政"}, "text": f"<span>{REPLY}</span>"}]})
    assert find_reply(page_text(Page(200, "application/json", api.encode())), REPLY, ["榆川民政"], 0.8, 200).account


def test_publication_confirmation_alert_revisit_and_the_digest_on_a_frozen_clock(
        sessions, settings, now, factory, site):
    url = site.url("/weibo/1")
    site.thread("/weibo/1", ("网友甲", "怎么还没人回？"))
    case_id = published_case(sessions, settings, now, factory, url)
    published = now + timedelta(hours=1)

    first = confirm_responses(sessions, settings, published + timedelta(minutes=1))
    assert (first.checked, first.confirmed, first.missing_alerts) == (1, 0, 0) and site.hits == ["/weibo/1"]
    assert confirm_responses(sessions, settings, published + timedelta(minutes=10)).checked == 0  # not due yet
    late = confirm_responses(sessions, settings, published + timedelta(hours=2, minutes=1))
    assert late.missing_alerts == 1
    assert alerts_about(sessions, "reply_not_seen") == {"chenzhiqiang@mzj.yuchuan.example.gov.cn",
                                                        "wangjing@mzj.yuchuan.example.gov.cn"}
    assert confirm_responses(sessions, settings, published + timedelta(hours=3)).missing_alerts == 0  # once

    site.thread("/weibo/1", ("网友甲", "怎么还没人回？"), ("榆川民政", REPLY))
    seen_at = published + timedelta(hours=3, minutes=20)
    assert confirm_responses(sessions, settings, seen_at).confirmed == 1
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case.state == "confirmed" and tracking(case)["seen_at"] == seen_at.isoformat()
        assert tracking(case)["account"] == "榆川民政"
        row = case.actions[-1]
        assert (row.action, row.actor, row.at, row.to_state) == ("confirm", "system", seen_at, "confirmed")
        assert [a.action for a in case.actions].count("confirm_missing") == 1
    assert confirm_responses(sessions, settings, seen_at + timedelta(hours=1)).checked == 0  # rechecked in 6 h

    week, before_at = "2026-W47", published + timedelta(hours=20)
    before = build_digest(sessions, settings, week, before_at).figures.scorecard.total
    assert (before.responded, before.revisited, before.satisfaction) == (1, 0, None)
    reopened = act(sessions, settings, case_id, "revisit", "relief-chief", before_at, method="电话", label="不满意",
                   reason="款项仍未到账")
    assert reopened.state == "assigned" and reopened.actions[-1].reason == "回访不满意：款项仍未到账"
    after = build_digest(sessions, settings, week, before_at + timedelta(hours=1))
    assert (after.figures.scorecard.total.revisited, after.figures.scorecard.total.unsatisfied) == (1, 1)
    assert after.figures.scorecard.total.satisfaction == 0.0
    assert "回访 1 次，满意 0、基本满意 0、不满意 1，满意度 0.0%" in after.text


def test_a_confirmed_reply_that_disappears_raises_an_alert_but_a_dead_server_does_not(
        sessions, settings, now, factory, site):
    site.thread("/weibo/2", ("榆川民政", REPLY))
    case_id = published_case(sessions, settings, now, factory, site.url("/weibo/2"))
    published = now + timedelta(hours=1)
    assert confirm_responses(sessions, settings, published + timedelta(minutes=5)).confirmed == 1
    site.pages["/weibo/2"] = (500, "text/html", "<p>busy</p>")
    broken = confirm_responses(sessions, settings, published + timedelta(hours=7))
    assert (broken.gone_alerts, broken.errors) == (0, [f"#{case_id} 发布链接暂时打不开（HTTP 500）"])
    del site.pages["/weibo/2"]
    gone = confirm_responses(sessions, settings, published + timedelta(hours=14))
    assert gone.gone_alerts == 1
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case.state == "responded" and case.actions[-1].action == "confirm_gone"
        assert "HTTP 404" in case.actions[-1].reason and tracking(case)["gone_at"]
    assert alerts_about(sessions, "reply_gone")
    site.thread("/weibo/2", ("榆川民政", REPLY))
    assert confirm_responses(sessions, settings, published + timedelta(hours=14, minutes=20)).confirmed == 1


def test_a_reply_quoted_by_someone_else_is_not_confirmed_and_watching_stops_after_the_watch_days(
        sessions, settings, now, factory, site):
    site.thread("/weibo/3", ("转发者", REPLY))
    case_id = published_case(sessions, settings, now, factory, site.url("/weibo/3"))
    published = now + timedelta(hours=1)
    report = confirm_responses(sessions, settings, published + timedelta(hours=2))
    assert (report.confirmed, report.missing_alerts) == (0, 1)
    with sessions() as session:
        assert "未见本局账号" in tracking(session.get(Case, case_id))["last_detail"]
    assert confirm_responses(sessions, settings, published + timedelta(days=7, minutes=1)).checked == 0


def test_a_reply_collected_by_the_own_account_crawl_confirms_without_fetching(sessions, settings, now, factory, site):
    from yuqing.core.storage.models import Post

    case_id = published_case(sessions, settings, now, factory, site.url("/weibo/4"))
    published = now + timedelta(hours=1)
    with transaction(sessions) as session:
        session.add(Post(dedup_key="weibo:own-reply", platform="weibo", platform_id="own-reply", own=True,
                         author="榆川民政", url="https://weibo.example/c/own-reply", clean_text=f"回复@网友甲:{REPLY}",
                         fetched_at=published + timedelta(minutes=3), updated_at=published + timedelta(minutes=3)))
    report = confirm_responses(sessions, settings, published + timedelta(minutes=5))
    assert (report.checked, report.confirmed) == (1, 1) and site.hits == []
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case.state == "confirmed" and tracking(case)["account"] == "榆川民政"
        assert "本局账号采集到" in case.actions[-1].reason
