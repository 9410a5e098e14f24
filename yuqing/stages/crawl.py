"""Run a crawl from the shell (CLI, scheduler, demo) in a child process, so that Scrapy's reactor
never has to restart in the caller, and report what each source did.

Usage: ``report = run_crawl(app, ["weibo-search"], since=date(2026, 11, 1), on_progress=print)``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from yuqing.core.app import App, YuqingError
from yuqing.core.config import ConfigError
from yuqing.core.storage.db import transaction

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STATUS_LABELS = {"ok": "正常", "partial": "部分失败", "failed": "失败", "blocked": "被拦截", "interrupted": "中断",
                 "running": "运行中"}


@dataclass
class SourceReport:
    """One source's run: listed entries, items parsed, posts stored, errors and how it ended."""

    key: str
    status: str
    reason: str = ""
    items: int = 0
    new_posts: int = 0
    updated_posts: int = 0
    errors: int = 0
    pages: int = 0
    run_id: int | None = None

    @property
    def status_label(self) -> str:
        """The status in Chinese for people."""
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class CrawlReport:
    """Every source's report, plus the child process's exit code."""

    sources: list[SourceReport] = field(default_factory=list)
    exit_code: int = 0

    @property
    def new_posts(self) -> int:
        """New posts over all sources."""
        return sum(s.new_posts for s in self.sources)

    @property
    def updated_posts(self) -> int:
        """Updated posts over all sources."""
        return sum(s.updated_posts for s in self.sources)

    @property
    def errors(self) -> int:
        """Errors over all sources."""
        return sum(s.errors for s in self.sources)

    @property
    def status(self) -> str:
        """ok when every source ended cleanly, partial when some did not, failed when none did."""
        good = [s for s in self.sources if s.status == "ok"]
        if self.sources and len(good) == len(self.sources):
            return "ok"
        return "partial" if any(s.status in ("ok", "partial") for s in self.sources) else "failed"


def crawl_command(app: App, source_keys: Sequence[str], since: date | None, now: datetime | None,
                  log_level: str, keywords: Sequence[str] = (), max_pages: int = 0) -> list[str]:
    """The child process's command line; the profile and database URL are passed through."""
    command = [sys.executable, "-m", "crawler.run", "--config", str(app.settings.config_dir),
               "--database-url", app.settings.app.database_url, "--log-level", log_level]
    for key in source_keys:
        command += ["--source", key]
    if since:
        command += ["--since", since.isoformat()]
    if now:
        command += ["--now", now.isoformat()]
    for word in keywords:
        command += ["--keyword", word]
    if max_pages:
        command += ["--max-pages", str(max_pages)]
    return command


def check_sources(app: App, source_keys: Sequence[str]) -> None:
    """Fail early, with the known names, when a requested source does not exist."""
    known = [s.key for s in app.settings.sources.sources]
    unknown = [key for key in source_keys if key not in known]
    if unknown:
        raise YuqingError(f"未知的数据源 {', '.join(unknown)}；可用: {', '.join(known) or '（无）'}")


def run_crawl(app: App, source_keys: Sequence[str] | None = None, since: date | None = None,
              on_progress: Callable[[SourceReport], None] | None = None, now: datetime | None = None,
              log_level: str = "WARNING", keywords: Sequence[str] = (), max_pages: int = 0) -> CrawlReport:
    """Crawl the named (default: all enabled) sources in a child process and return its report;
    `keywords` replace searching sources' own words and `max_pages` their page budget (a watch round).
    A child that dies without reporting gives every requested source the status 'failed'."""
    keys = list(source_keys or [])
    check_sources(app, keys)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    command = crawl_command(app, keys, since, now, log_level, keywords, max_pages)
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    report = CrawlReport(sources=_follow(child.stdout, on_progress))
    report.exit_code = child.wait()
    if report.exit_code == 2:
        raise ConfigError(str(app.settings.config_dir), "", "抓取进程无法读取配置（详见上方输出）")
    if not report.sources:
        expected = keys or [s.key for s in app.settings.sources.sources if s.enabled]
        reason = f"抓取进程异常退出（退出码 {report.exit_code}）"
        report.sources = [SourceReport(key, "failed", reason, errors=1) for key in expected]
    alert_expired_sessions(app, report)
    return report


def alert_expired_sessions(app: App, report: CrawlReport) -> None:
    """Tell the admins now about every source whose login session expired in this run."""
    from responder import session_alerts

    if any(session_alerts.session_expired(source) for source in report.sources):
        with transaction(app.sessions) as session:
            session_alerts.alert_expired_sessions(session, app.settings, report.sources, datetime.now(timezone.utc))


def _follow(lines, on_progress: Callable[[SourceReport], None] | None) -> list[SourceReport]:
    """Read the child's JSON events: pass each finished source on, return the final report's rows."""
    rows: list[SourceReport] = []
    for line in lines:
        event = _parse(line)
        if event.get("event") == "source_done" and on_progress:
            on_progress(_source_report(event))
        elif event.get("event") == "report":
            rows = [_source_report(row) for row in event["sources"]]
    return rows


def _parse(line: str) -> dict:
    try:
        event = json.loads(line)
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def _source_report(row: dict) -> SourceReport:
    names = SourceReport.__dataclass_fields__
    return SourceReport(**{k: v for k, v in row.items() if k in names})
