"""Crawl commands: `crawl` runs the spiders once and prints what each source did; `worker` serves
the shared scrapy-redis queue (crawler.distributed) until stopped."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click

from crawler.settings import REDIS_PREFIX
from yuqing.core.app import App, YuqingError
from yuqing.shell.cli import AppHolder, pass_app


def _print_progress(source) -> None:
    line = (f"  {source.key:<18} {source.status_label:<6} 条目 {source.items:<4} 新增 {source.new_posts:<4} "
            f"更新 {source.updated_posts:<4} 错误 {source.errors}")
    click.echo(line + (f"  （{source.reason}）" if source.reason else ""))


def _crawl_and_report(ctx: click.Context, app: App, sources: tuple[str, ...], since: date | None) -> None:
    """Run the crawl, print progress and a summary; exit 1 when every source failed."""
    from yuqing.stages.crawl import run_crawl

    verbose = ctx.find_root().params.get("verbose", 0)
    report = run_crawl(app, list(sources), since, on_progress=_print_progress,
                       log_level="INFO" if verbose else "WARNING")
    click.echo(f"完成：新增 {report.new_posts} 条，更新 {report.updated_posts} 条，错误 {report.errors} 个。")
    for source in report.sources:
        if source.status not in ("ok", "partial"):
            click.echo(f"警告：数据源 {source.key} {source.status_label}：{source.reason}", err=True)
    if report.status == "failed":
        sys.exit(1)


def _names(app: App, sources: tuple[str, ...]) -> str:
    return ", ".join(sources or [s.key for s in app.settings.sources.sources if s.enabled])


@click.command("crawl")
@click.argument("sources", nargs=-1)
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="回补：抓取此日期（YYYY-MM-DD）以来的帖子，不在上次看到的位置停止")
@pass_app
@click.pass_context
def crawl(ctx: click.Context, holder: AppHolder, sources: tuple[str, ...], since: datetime | None) -> None:
    """抓取数据源（默认全部启用的数据源；也可列出数据源名称），清洗、筛选、去重后入库。"""
    app = holder.get()
    app.upgrade_schema()
    click.echo(f"开始抓取：{_names(app, sources)}" + (f"（回补自 {since:%Y-%m-%d}）" if since else ""))
    _crawl_and_report(ctx, app, sources, since.date() if since else None)


@click.command("worker")
@click.option("--worker-id", default="", help="本 worker 的名称（默认 主机名-进程号-随机后缀）")
@click.option("--prefix", default=REDIS_PREFIX, show_default=True, help="Redis 键前缀（同一套部署的 worker 用同一前缀）")
@pass_app
@click.pass_context
def worker(ctx: click.Context, holder: AppHolder, worker_id: str, prefix: str) -> None:
    """分布式采集 worker：从共享的 Redis 队列取网页抓取，直到收到停止信号（需要 YUQING_REDIS_URL）。"""
    app = holder.get()
    if not app.settings.app.redis_url:
        raise YuqingError("需要设置 YUQING_REDIS_URL（或 app.yaml 中的 redis_url）才能运行 worker")
    app.upgrade_schema()
    from crawler.distributed import run_worker

    click.echo(f"worker 已启动，等待 Redis 队列中的抓取任务（前缀 {prefix}）；按 Ctrl+C 停止。")
    verbose = ctx.find_root().params.get("verbose", 0)
    run_worker(app.settings, app.settings.app.redis_url, prefix, worker_id, log_level="INFO" if verbose else "WARNING")
