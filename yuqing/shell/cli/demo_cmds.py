"""`yuqing demo`: the whole loop on bundled sample sites, offline."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from yuqing.shell.cli import AppHolder, pass_app


@click.command("demo")
@click.option("--dir", "folder", default="yuqing-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="演示工作目录")
@pass_app
def demo(holder: AppHolder, folder: Path) -> None:
    """在本机示例站点上完整运行一遍：采集、分析、生成工单、提醒、周报（无需联网）。"""
    from yuqing.shell.demo.run import run_demo
    from yuqing.shell.demo.summary import format_summary

    started = time.monotonic()
    database_url = holder.overrides.get("database_url") or os.environ.get("YUQING_DATABASE_URL")

    def step(label: str) -> None:
        click.echo(f"[{time.monotonic() - started:5.1f}s] {label}…")

    summary = run_demo(folder, step, database_url)
    click.echo(format_summary(summary))
    click.echo(f"用时 {time.monotonic() - started:.1f} 秒。继续查看：yuqing --config {folder / 'config'} queue list")
