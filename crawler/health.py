"""Source health from Scrapy signals: a SourceRun row per crawl and the Source's health fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy import select, update

from crawler.db import sessions_for
from crawler.items import PostItem
from crawler.spiders.base import BLOCKED, FAILED
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Source, SourceRun

ERROR_LABELS = {
    "timeout": "超时", "too_large": "页面超过大小上限", "redirect_loop": "重定向次数过多", "malformed": "页面格式异常",
    "truncated": "响应不完整", "connection": "连接失败", "dns": "域名解析失败", "robots_forbidden": "robots.txt 禁止",
    "retry_after_too_long": "Retry-After 要求等待过久", "store": "写入数据库失败", "rsshub": "RSSHub 路由失败",
    "browser": "浏览器故障",
}
MAX_DETAILS = 5
LOW_VOLUME_SHARE = 0.1


def error_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Errors by kind from the crawl stats (yuqing/errors/<kind>)."""
    prefix = "yuqing/errors/"
    return {key[len(prefix):]: int(value) for key, value in stats.items() if key.startswith(prefix) and value}


def describe_errors(counts: dict[str, int]) -> str:
    """A readable summary such as 'HTTP 500 ×2，超时 ×1'."""
    def label(kind: str) -> str:
        return f"HTTP {kind[5:]}" if kind.startswith("http_") else ERROR_LABELS.get(kind, kind)
    return "，".join(f"{label(kind)} ×{count}" for kind, count in sorted(counts.items()))


@dataclass
class RunOutcome:
    """How one crawl of one source ended."""

    status: str
    reason: str
    errors: int
    pages: int
    listed: int
    items: int
    new_posts: int
    updated_posts: int


def judge(stats: dict[str, Any], finish_reason: str) -> RunOutcome:
    """ok (clean), partial (some errors), failed, blocked (login or captcha) or interrupted."""
    counts = error_counts(stats)
    errors = sum(counts.values())
    pages = int(stats.get("response_received_count", 0))
    items = int(stats.get("item_scraped_count", 0)) + int(stats.get("item_dropped_count", 0))
    outcome = RunOutcome("ok", "", errors, pages, int(stats.get("yuqing/listed", 0)), items,
                         int(stats.get("yuqing/new_posts", 0)), int(stats.get("yuqing/updated_posts", 0)))
    if finish_reason.startswith(BLOCKED):
        outcome.status, outcome.reason = "blocked", finish_reason[len(BLOCKED):]
    elif finish_reason.startswith(FAILED):
        outcome.status, outcome.reason = "failed", finish_reason[len(FAILED):]
    elif finish_reason != "finished":
        outcome.status, outcome.reason = "interrupted", f"抓取被中断（{finish_reason}）"
    elif errors and (not items or counts.get("store")):
        outcome.status, outcome.reason = "failed", f"抓取失败：{describe_errors(counts)}"
    elif errors:
        outcome.status, outcome.reason = "partial", f"部分请求失败：{describe_errors(counts)}"
    details = stats.get("yuqing/error_details") or []
    if details and outcome.status in ("failed", "partial"):
        outcome.reason += f"（{'；'.join(details[:MAX_DETAILS])}{' …' if len(details) > MAX_DETAILS else ''}）"
    return outcome


def note_low_volume(outcome: RunOutcome, usual_items: float) -> None:
    """A clean run whose list pages showed far fewer entries than usual says so (the site may have
    changed its layout or be hiding results)."""
    if outcome.status == "ok" and usual_items >= 3 and outcome.listed < LOW_VOLUME_SHARE * usual_items:
        outcome.reason = f"列表条目 {outcome.listed} 远低于平常（约 {usual_items:.0f}），页面结构可能已变化"


def apply_outcome(source: Source, outcome: RunOutcome, now: datetime, newest: dict[str, datetime]) -> None:
    """Update a source's health fields; only a clean run moves its incremental cursors (the newest
    post seen per stream)."""
    source.last_run_at = now
    if outcome.status in ("ok", "partial"):
        source.healthy, source.last_success_at, source.consecutive_failures = True, now, 0
        source.last_items = outcome.listed
        usual = source.usual_items or 0.0
        source.usual_items = 0.7 * usual + 0.3 * outcome.listed if usual else float(outcome.listed)
    else:
        source.healthy, source.consecutive_failures = False, (source.consecutive_failures or 0) + 1
    if outcome.reason:
        source.last_error, source.last_error_at = outcome.reason, now
    if outcome.status == "ok" and newest:
        cursors = {**(source.state or {}).get("cursors", {}), **{k: v.isoformat() for k, v in newest.items()}}
        source.state = {**(source.state or {}), "cursors": cursors}


class SourceHealth:
    """Opens a SourceRun when the spider opens; closes it and updates the Source when it closes."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.sessions = sessions_for(crawler.settings["YUQING_DATABASE_URL"])
        self.run_id: int | None = None
        self.newest: dict[str, datetime] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_seen, signal=signals.item_scraped)
        crawler.signals.connect(self.item_seen, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceHealth:
        """Connect to the crawler's signals."""
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        """Mark runs left 'running' by a killed crawl as interrupted and open a new run."""
        now = datetime.now(timezone.utc)
        with transaction(self.sessions) as session:
            source_id = session.scalar(select(Source.id).where(Source.key == spider.name))
            session.execute(update(SourceRun).where(SourceRun.source_id == source_id, SourceRun.status == "running")
                            .values(status="interrupted", error_reason="进程在抓取中途退出", finished_at=now))
            run = SourceRun(source_id=source_id, started_at=now, status="running")
            session.add(run)
            session.flush()
            self.run_id = run.id
        self.crawler.stats.set_value("yuqing/run_id", self.run_id)

    def item_seen(self, item: Any, **_: Any) -> None:
        """Remember the newest post date seen per stream (kept or dropped) for the cursors."""
        if not isinstance(item, PostItem) or not item.published_at:
            return
        if item.stream not in self.newest or item.published_at > self.newest[item.stream]:
            self.newest[item.stream] = item.published_at

    def spider_closed(self, spider, reason: str) -> None:
        """Record how the run ended and update the source's health."""
        now = datetime.now(timezone.utc)
        stats = self.crawler.stats.get_stats()
        outcome = judge(stats, reason)
        with transaction(self.sessions) as session:
            run = session.get(SourceRun, self.run_id)
            note_low_volume(outcome, run.source.usual_items or 0.0)
            run.finished_at, run.status, run.error_reason = now, outcome.status, outcome.reason
            run.pages, run.items, run.errors = outcome.pages, outcome.items, outcome.errors
            run.new_posts = outcome.new_posts
            run.stats = {"updated_posts": outcome.updated_posts, "errors": error_counts(stats),
                         "requests": int(stats.get("downloader/request_count", 0)),
                         "kept": int(stats.get("item_scraped_count", 0)),
                         "unrelated": int(stats.get("yuqing/unrelated", 0)),
                         "near_copies": int(stats.get("yuqing/near_copies", 0)),
                         "retries": int(stats.get("retry/count", 0)), "finish_reason": reason}
            apply_outcome(run.source, outcome, now, self.newest)
