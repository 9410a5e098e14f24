"""Helpers for the crawler tests: the sample site with fault endpoints, profiles pointing at it, and
the real crawl process (Scrapy in a child process, so the reactor never restarts in pytest)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from yuqing.core.config import default_config_dir
from yuqing.shell.demo.sites import JSON_TYPE, Call, Reply, SampleSite
from yuqing.core.storage.db import make_engine, session_factory
from yuqing.core.storage.models import Post, Source

ROOT = Path(__file__).resolve().parents[2]
FAULT = re.compile(r"^/fault/(\w+)/([^/]+)")
LOGIN_PAGE = "<html><head><title>微博 - 登录</title></head><body>请先登录</body></html>"
CAPTCHA_PAGE = "<html><head><title>百度安全验证</title></head><body>请完成下方验证后继续操作</body></html>"
FROZEN_NOW = "2026-11-18T10:00:00+00:00"
FAST = {"download_delay_seconds": 0, "autothrottle": False, "timeout_seconds": 1.0, "retries": 1,
        "retry_backoff_seconds": 0.05, "max_response_bytes": 100_000, "batch_size": 2}


class FaultSite(SampleSite):
    """The sample site plus faults chosen by a path prefix, e.g. ``/fault/once500/all/...`` or
    ``/fault/slow/thread-302/fault/loop/thread-304/bbs/...``: each fault applies to requests whose
    path and query contain its target ('all' for every request)."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: set[tuple[str, str]] = set()

    def answer(self, call: Call) -> Reply:
        """Apply the first matching fault of the prefix, else answer normally."""
        if call.path.startswith("/passport/"):
            return Reply(LOGIN_PAGE)
        faults, path = [], call.path
        while found := FAULT.match(path):
            faults.append((found.group(1), found.group(2)))
            path = path[found.end():]
        inner = replace(call, path=path, base=call.base + call.path[:len(call.path) - len(path)])
        where = path + "?" + "&".join(f"{k}={v}" for k, v in call.query.items())
        for kind, target in faults:
            if target == "all" or target in where:
                reply = getattr(self, f"fault_{kind}")(inner, where)
                if reply is not None:
                    return reply
        return super().answer(inner)

    def _first_time(self, kind: str, where: str) -> bool:
        with self._lock:
            fresh = (kind, where) not in self.hits
            self.hits.add((kind, where))
        return fresh

    def fault_once500(self, call: Call, where: str) -> Reply | None:
        return Reply("服务器错误", status=500) if self._first_time("500", where) else None

    def fault_once429(self, call: Call, where: str) -> Reply | None:
        if self._first_time("429", where):
            return Reply("请求过于频繁", status=429, headers={"Retry-After": "1"})
        return None

    def fault_slow(self, call: Call, where: str) -> None:
        time.sleep(2.5)

    def fault_delay(self, call: Call, where: str) -> None:
        time.sleep(0.15)

    def fault_loop(self, call: Call, where: str) -> Reply:
        hop = int(call.query.get("hop", "0")) + 1
        return Reply(status=302, headers={"Location": f"{call.base}{call.path}?hop={hop}"})

    def fault_huge(self, call: Call, where: str) -> Reply:
        return Reply("<html><body><td class='t_f'>" + "榆川民政局" * 60_000 + "</td></body></html>")

    def fault_truncated(self, call: Call, where: str) -> Reply:
        body = super().answer(call).payload()
        return Reply(body[: len(body) // 3], declared_length=len(body))

    def fault_malformed(self, call: Call, where: str) -> Reply:
        whole = super().answer(call)
        return replace(whole, body=whole.payload()[: len(whole.payload()) // 2])

    def fault_login(self, call: Call, where: str) -> Reply:
        return Reply(status=302, headers={"Location": call.base.split("/fault/")[0] + "/passport/visitor?entry=mweibo"})

    def fault_captcha(self, call: Call, where: str) -> Reply:
        return Reply(CAPTCHA_PAGE)

    def fault_answered(self, call: Call, where: str) -> Reply:
        """The 留言板 after the bureau answered every message."""
        answer = json.loads(super().answer(call).payload())
        for message in (answer.get("resultData") or {}).get("data") or []:
            message["stateInfo"] = "已回复"
        entries = (answer.get("resultData") or {}).get("contentList")
        if entries is not None:
            entries.append({"dataType": 4, "content": "已联系您核实情况。", "organization": "榆川市民政局"})
        return Reply(json.dumps(answer, ensure_ascii=False), content_type=JSON_TYPE)

    def fault_fresh(self, call: Call, where: str) -> Reply | None:
        """From the second read on, the Atom feed has an entry older than the RSS feed's newest."""
        if call.path.endswith("/news/n6.html"):
            return Reply('<html><body><div class="article-content">榆川市民政局发布养老服务补贴申领指南。</div></body></html>')
        if not call.path.endswith("atom.xml") or self._first_time("fresh", where):
            return None
        entry = (f'<entry><title>养老服务补贴申领指南</title><link href="{call.base}/news/n6.html"/>'
                 f'<id>{call.base}/news/n6.html</id><updated>2026-11-16T20:00:00+08:00</updated></entry>')
        feed = super().answer(call).payload().decode("utf-8").replace("</feed>", entry + "</feed>")
        return Reply(feed, content_type="application/atom+xml")

    def fault_expired(self, call: Call, where: str) -> Reply:
        body = {"ok": -100, "url": "https://passport.weibo.cn/signin/login?entry=mweibo"}
        return Reply(json.dumps(body), content_type=JSON_TYPE)


def make_profile(directory: Path, sources: list[dict[str, Any]], accounts: list[Any] | None = None,
                 **politeness: Any) -> Path:
    """A copy of the default profile whose sources.yaml crawls `sources` with fast local politeness;
    `accounts` replace the bureau's own accounts in bureau.yaml."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in default_config_dir().glob("*.yaml"):
        (directory / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    if accounts is not None:
        bureau = yaml.safe_load((directory / "bureau.yaml").read_text(encoding="utf-8"))
        bureau["accounts"] = accounts
        (directory / "bureau.yaml").write_text(yaml.safe_dump(bureau, allow_unicode=True), encoding="utf-8")
    data = yaml.safe_load((directory / "sources.yaml").read_text(encoding="utf-8"))
    data.update(FAST, **politeness)
    data["sources"] = sources
    (directory / "sources.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


def crawl_command(profile: Path, database_url: str, *args: str) -> list[str]:
    """The crawl process's command line with the frozen clock."""
    return [sys.executable, "-m", "crawler.run", "--config", str(profile), "--database-url", database_url,
            "--now", FROZEN_NOW, *args]


def run_crawl_process(profile: Path, database_url: str, *args: str) -> tuple[int, list[dict]]:
    """Run the crawl process to completion; return its exit code and JSON events."""
    done = subprocess.run(crawl_command(profile, database_url, *args), cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode in (0, 2), done.stderr[-3000:]
    return done.returncode, events


def report_of(events: list[dict]) -> dict[str, dict]:
    """The final report's rows by source key."""
    return {row["key"]: row for row in next(e for e in events if e["event"] == "report")["sources"]}


def read_posts(database_url: str) -> dict[str, Post]:
    """Stored posts by dedup key."""
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            return {p.dedup_key: p for p in session.scalars(select(Post))}
    finally:
        engine.dispose()


def read_sources(database_url: str) -> dict[str, Source]:
    """Stored sources by key."""
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            return {s.key: s for s in session.scalars(select(Source))}
    finally:
        engine.dispose()
