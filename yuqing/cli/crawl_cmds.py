"""Crawl commands: `crawl` runs the spiders once and prints what each source did."""

from __future__ import annotations

import sys
from datetime import date

import click

from yuqing.cli import AppHolder, pass_app


def _print_progress(source) -> None:
    line = (f"  {source.key:<18} {source.status_label:<6} 条目 {source.items:<4} 新增 {source.new_posts:<4} "
            f"更新 {source.updated_posts:<4} 错误 {source.errors}")
    click.echo(line + (f"  （{source.reason}）" if source.reason else ""))


@click.command("crawl")
@click.argument("sources", nargs=-1)
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="回补：抓取此日期（YYYY-MM-DD）以来的帖子，不在上次看到的位置停止")
@pass_app
@click.pass_context
def crawl(ctx: click.Context, holder: AppHolder, sources: tuple[str, ...], since) -> None:
    """抓取数据源（默认全部启用的数据源；也可列出数据源名称），清洗、筛选、去重后入库。"""
    from crawler.runner import run_crawl

    app = holder.get()
    app.upgrade_schema()
    verbose = ctx.find_root().params.get("verbose", 0)
    names = list(sources) or [s.key for s in app.settings.sources.sources if s.enabled]
    click.echo(f"开始抓取 {len(names)} 个数据源：{', '.join(names)}" + (f"（回补自 {since:%Y-%m-%d}）" if since else ""))
    since_day: date | None = since.date() if since else None
    report = run_crawl(app, list(sources), since_day, on_progress=_print_progress,
                       log_level="INFO" if verbose else "WARNING")
    click.echo(f"完成：新增 {report.new_posts} 条，更新 {report.updated_posts} 条，错误 {report.errors} 个。")
    problems = [s for s in report.sources if s.status not in ("ok", "partial")]
    for source in problems:
        click.echo(f"警告：数据源 {source.key} {source.status_label}：{source.reason}", err=True)
    if report.status == "failed":
        sys.exit(1)
