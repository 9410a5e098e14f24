"""Crawl process entry point: ``python -m crawler.run --config DIR --database-url URL --source KEY ...``.

Runs the chosen sources concurrently in one Scrapy process (its reactor starts and stops once)
and writes JSON lines to stdout: one ``source_done`` event per source, then a ``report``.
Logs go to stderr. Exit status: 0 done, 2 configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crawler.db import engine_for, sessions_for
from crawler.settings import BASE_SETTINGS, source_settings
from yuqing.core.config import ConfigError, Settings, load_settings
from yuqing.core.storage.db import transaction, upgrade
from yuqing.core.storage.models import Source, SourceRun


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options of the crawl process."""
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description="抓取数据源（由 yuqing crawl 调用）")
    parser.add_argument("--config", required=True, help="配置目录")
    parser.add_argument("--database-url", default="", help="数据库地址（覆盖配置）")
    parser.add_argument("--source", action="append", default=[], help="只抓取这些数据源（可重复）")
    parser.add_argument("--since", default="", help="回补：抓取此日期（YYYY-MM-DD）之后的帖子")
    parser.add_argument("--now", default="", help="把“现在”固定为此 ISO 时间（用于测试与演示）")
    parser.add_argument("--keyword", action="append", default=[], help="只搜索这些词（临时盯防，可重复）")
    parser.add_argument("--max-pages", type=int, default=0, help="每个列表最多抓取的页数（覆盖配置）")
    parser.add_argument("--log-level", default="WARNING")
    return parser.parse_args(argv)


def mention_lists(settings: Settings, config: Any) -> dict[str, Any]:
    """Plain values for the mention filter of one source: the monitoring scheme, the business
    vocabulary, whether the source is the city's own (region given) or addressed to government, and
    the bureau's own accounts by platform (user id to name)."""
    from yuqing.core.config.scheme import business_lists, scheme_lists

    own = {a.platform: settings.bureau.own_ids(a.platform) for a in settings.bureau.accounts if a.uid}
    return {"scheme": scheme_lists(settings), "business": business_lists(settings), "local": config.is_local,
            "addressed": config.is_addressed, "own_accounts": own}


def select_sources(settings: Settings, keys: Sequence[str]) -> list[Any]:
    """The enabled sources, or exactly the named ones (unknown names are a configuration error)."""
    by_key = {source.key: source for source in settings.sources.sources}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise ConfigError(str(settings.config_dir / "sources.yaml"), "sources",
                          f"未知的数据源 {', '.join(unknown)}；可用: {', '.join(by_key)}")
    return [by_key[key] for key in keys] if keys else [s for s in by_key.values() if s.enabled]


def prepare_sources(database_url: str, sources: list[Any]) -> dict[str, dict[str, datetime]]:
    """Create or refresh the Source rows; return each source's incremental cursors by stream.

    Processes that start together on a new database (the daemon and its workers) may insert the same
    row at once: the one that loses the race reads the winner's row on a second try."""
    try:
        return _prepare_sources(database_url, sources)
    except IntegrityError:
        return _prepare_sources(database_url, sources)


def _prepare_sources(database_url: str, sources: list[Any]) -> dict[str, dict[str, datetime]]:
    cursors: dict[str, dict[str, datetime]] = {}
    with transaction(sessions_for(database_url)) as session:
        for config in sources:
            row = session.scalar(select(Source).where(Source.key == config.key)) or Source(key=config.key)
            row.kind, row.name, row.enabled = config.kind, config.name, config.enabled
            session.add(row)
            stored = (row.state or {}).get("cursors", {})
            cursors[config.key] = {stream: datetime.fromisoformat(at) for stream, at in stored.items()}
    return cursors


def since_cutoff(since: str, zone: ZoneInfo) -> datetime | None:
    """Local midnight of the --since date."""
    return datetime.fromisoformat(since).replace(tzinfo=zone) if since else None


def link_pending(database_url: str, days: int = 7) -> None:
    """Resolve near-copy links left pending by concurrent sources or an interrupted crawl."""
    from crawler.pipelines.store import resolve_pending_links

    with transaction(sessions_for(database_url)) as session:
        resolve_pending_links(session, datetime.now(timezone.utc) - timedelta(days=days))


def emit(event: dict[str, Any]) -> None:
    """One JSON line on stdout for the parent process."""
    sys.stdout.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def run_report(database_url: str, run_ids: dict[str, int | None]) -> list[dict[str, Any]]:
    """What each source's run did, read back from its SourceRun row."""
    rows = []
    with sessions_for(database_url)() as session:
        for key, run_id in run_ids.items():
            run = session.get(SourceRun, run_id) if run_id else None
            if run is None:
                rows.append({"key": key, "status": "failed", "reason": "抓取没有启动", "items": 0, "new_posts": 0,
                             "updated_posts": 0, "errors": 1, "pages": 0, "run_id": None})
                continue
            rows.append({"key": key, "status": run.status, "reason": run.error_reason, "items": run.items,
                         "new_posts": run.new_posts, "updated_posts": (run.stats or {}).get("updated_posts", 0),
                         "errors": run.errors, "pages": run.pages, "run_id": run.id})
    return rows


def _merged(values: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Settings with extra ones laid over; component tables (middlewares, extensions, pipelines) are joined."""
    tables = ("MIDDLEWARES", "EXTENSIONS", "PIPELINES")
    return {**values, **{key: {**values.get(key, {}), **value} if key.endswith(tables) else value
                         for key, value in extra.items()}}


def crawl_process(settings: Settings, sources: list[Any], log_level: str,
                  spider_class: Callable[[str], type] | None = None,
                  extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> tuple[Any, dict[str, Any]]:
    """The one way a crawl process is assembled, for `yuqing crawl` and `yuqing worker` alike: a
    CrawlerProcess and, by source key, a Crawler with that source's layered settings and mention lists;
    `spider_class` maps a kind to its spider (the plain spiders by default) and `extra` adds settings
    from each source's values (the worker's shared queue)."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.reactor import install_reactor

    from crawler.browser import browser_settings
    from crawler.spiders import spider_for

    install_reactor(BASE_SETTINGS["TWISTED_REACTOR"])
    process = CrawlerProcess({"LOG_LEVEL": log_level, "TWISTED_REACTOR": BASE_SETTINGS["TWISTED_REACTOR"]})
    crawlers = {}
    for config in sources:
        values = source_settings(settings.sources, config, settings.app.database_url, settings.app.timezone)
        values.update(LOG_LEVEL=log_level, YUQING_MENTION=mention_lists(settings, config))
        values = _merged(values, browser_settings(settings.sources.browser, config, settings.app.data_dir))
        values = _merged(values, extra(values)) if extra else values
        crawlers[config.key] = Crawler((spider_class or spider_for)(config.kind), values)
    return process, crawlers


def announce_end(crawler: Any, key: str) -> None:
    """Write a `source_done` line for the parent process when the source's spider closes."""
    from scrapy import signals

    from crawler.health import judge

    def closed(spider, reason: str) -> None:
        emit({"event": "source_done", "key": key, **vars(judge(crawler.stats.get_stats(), reason))})

    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)


def crawl(settings: Settings, sources: list[Any], args: argparse.Namespace) -> dict[str, int | None]:
    """Run every source's spider in one CrawlerProcess; return the SourceRun id of each."""
    process, crawlers = crawl_process(settings, sources, args.log_level)
    cursors = prepare_sources(settings.app.database_url, sources)
    backfill = since_cutoff(args.since, ZoneInfo(settings.app.timezone))
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(timezone.utc)
    budget = args.max_pages or (settings.sources.backfill_max_pages if backfill else None)
    for config in sources:
        announce_end(crawlers[config.key], config.key)
        process.crawl(crawlers[config.key], source=config, cutoff=backfill, cursors=cursors[config.key], now=now,
                      zone=settings.app.timezone, page_budget=budget, keywords=args.keyword)
    process.start()
    return {key: crawler.stats.get_value("yuqing/run_id") for key, crawler in crawlers.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Crawl and report; configuration errors exit with status 2."""
    args = parse_args(argv)
    try:
        overrides = {"database_url": args.database_url} if args.database_url else {}
        settings = load_settings(args.config, overrides=overrides)
        sources = select_sources(settings, args.source)
    except ConfigError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    upgrade(engine_for(settings.app.database_url))
    link_pending(settings.app.database_url)
    run_ids = crawl(settings, sources, args) if sources else {}
    link_pending(settings.app.database_url)
    rows = run_report(settings.app.database_url, run_ids)
    emit({"event": "report", "sources": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
