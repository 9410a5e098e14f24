"""Core commands: init, db, status."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import click

from yuqing.core.app import YuqingError
from yuqing.shell.cli import AppHolder, pass_app
from yuqing.core.config import default_config_dir
from yuqing.core.login.store import SessionStore
from yuqing.shell.scheduler.store import next_runs
from yuqing.stages.status import collect_status
from yuqing.core.storage.db import current_revision


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖目录中已有的配置文件")
def init_profile(directory: Path, force: bool) -> None:
    """把内置的默认配置复制到 DIRECTORY，供本局修改。"""
    directory.mkdir(parents=True, exist_ok=True)
    sources = sorted(default_config_dir().glob("*.yaml"))
    existing = [p.name for p in sources if (directory / p.name).exists()]
    if existing and not force:
        raise YuqingError(f"{directory} 中已有配置文件 {', '.join(existing)}；如需覆盖请加 --force")
    for path in sources:
        shutil.copyfile(path, directory / path.name)
    click.echo(f"已写入 {len(sources)} 个配置文件到 {directory}；修改后用 --config {directory} 或 YUQING_CONFIG 使用。")


@click.group("db")
def db() -> None:
    """数据库管理（迁移）。"""


@db.command("upgrade")
@pass_app
def db_upgrade(holder: AppHolder) -> None:
    """创建或升级数据库结构到最新版本。"""
    app = holder.get()
    app.upgrade_schema()
    click.echo(f"数据库已升级到版本 {current_revision(app.engine)}。")


@db.command("current")
@pass_app
def db_current(holder: AppHolder) -> None:
    """显示数据库当前的结构版本。"""
    click.echo(current_revision(holder.get().engine) or "（未初始化）")


SESSION_STATES = {"valid": "有效", "expired": "已失效", "lapsed": "已过期"}


def _session_line(source) -> str:
    """A source's login sessions in one line ("" for a source that needs no login and has none)."""
    if not source.sessions:
        return f"无（请运行 yuqing login {source.key}）" if source.needs_login else ""
    parts = [f"{s['account']} {SESSION_STATES.get(s['state'], s['state'])}"
             + (f"，Cookie 有效期至 {s['expires_at']}" if s["expires_at"] else "，有效期未知") for s in source.sessions]
    return "；".join(parts)


def _print_status(report) -> None:
    click.echo("数据源:")
    for s in report.sources:
        health = "尚未抓取" if s.never_run else "正常" if s.healthy else f"异常（{s.last_error}）"
        click.echo(f"  {s.key:<18} {s.name:<12} {health}  上次成功: {s.last_success_at or '从未'}  "
                   f"连续失败: {s.consecutive_failures}  上次条数: {s.last_items}")
        if line := _session_line(s):
            click.echo(f"    登录会话: {line}")
    states = "，".join(f"{k} {v}" for k, v in sorted(report.cases_by_state.items())) or "无"
    click.echo(f"工单: {states}；超时未回应 {report.overdue_cases}")
    outbox = "，".join(f"{k} {v}" for k, v in sorted(report.outbox.items())) or "无"
    click.echo(f"通知发件箱: {outbox}")
    if report.jobs:
        click.echo("定时任务（下次运行）:")
    for job in report.jobs:
        click.echo(f"  {job['id']:<24} {job['next_run']}")


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出，供脚本使用")
@pass_app
def status(holder: AppHolder, as_json: bool) -> None:
    """一览数据源健康、工单队列和通知发件箱。"""
    app = holder.get()
    app.require_schema()
    with app.sessions() as session:
        report = collect_status(session, datetime.now(timezone.utc), app.settings.sources.sources,
                                SessionStore(app.settings.app.data_dir))
    report.jobs = next_runs(app.engine, app.tz)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_status(report)
