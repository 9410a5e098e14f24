"""Operations commands: the scheduled daemon (`yuqing run`) and database backup/restore."""

from __future__ import annotations

from pathlib import Path

import click

from yuqing.core.app import App, YuqingError
from yuqing.shell.cli import AppHolder, pass_app


def _ready(app: App) -> App:
    """Migrate the schema (a database that cannot be used is one line from the CLI's error handler)."""
    app.upgrade_schema()
    return app


@click.command("run")
@pass_app
def run(holder: AppHolder) -> None:
    """启动调度进程：按计划采集、分析、生成并分派工单、检查回应时限、投递通知、发送周报、夜间清理。

    同一数据库只允许一个调度进程；收到 SIGTERM 或 Ctrl+C 时完成当前任务后退出。
    """
    from yuqing.shell.scheduler.daemon import Daemon
    from yuqing.shell.scheduler.lock import instance_lock_for
    from yuqing.shell.scheduler.logs import configure_logging

    app = _ready(holder.get())
    log_path = configure_logging(app.settings.app.log_dir)
    with instance_lock_for(app.engine, app.settings.app.data_dir):
        click.echo(f"调度进程已启动（日志: {log_path}）；按 Ctrl+C 或发送 SIGTERM 停止。")
        Daemon(app).run_until_signalled()
    click.echo("调度进程已停止，正在运行的任务均已完成。")


def _default_name(app, suffix: str) -> Path:
    from datetime import datetime

    stamp = datetime.now(app.tz).strftime("%Y%m%d-%H%M%S")
    return Path(app.settings.app.data_dir) / "backups" / f"yuqing-{stamp}{suffix}"


@click.group("backup", invoke_without_command=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="备份文件路径（默认写入 数据目录/backups/ 并带时间戳）")
@click.option("--format", "fmt", default="auto", show_default=True,
              type=click.Choice(["auto", "sqlite", "pgdump", "json"]),
              help="auto: SQLite 用在线备份，PostgreSQL 用 pg_dump；json 为可跨数据库恢复的通用格式")
@click.pass_context
def backup(ctx: click.Context, out: Path | None, fmt: str) -> None:
    """备份数据库（运行中也可备份，结果一致）。恢复请用 `yuqing backup restore 文件`。"""
    if ctx.invoked_subcommand is not None:
        return
    from yuqing.stages.backup import choose_method

    app = _ready(ctx.find_object(AppHolder).get())
    method = choose_method(app.engine, fmt)
    target = out or _default_name(app, method.suffix)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise YuqingError(f"{target} 已存在，请换一个文件名")
    method.dump(app.engine, target)
    click.echo(f"已备份到 {target}（格式 {method.name}，{target.stat().st_size} 字节）")


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="确认用备份覆盖当前数据库的全部内容")
@pass_app
def restore(holder: AppHolder, file: Path, yes: bool) -> None:
    """用备份文件 FILE 替换当前数据库的全部内容（需先停止调度进程与工作台）。"""
    from yuqing.stages.backup import method_for_file
    from yuqing.shell.scheduler.lock import instance_lock_for

    if not yes:
        raise YuqingError("恢复会覆盖当前数据库的全部内容；确认后请加 --yes 重新执行")
    app = holder.get()
    method = method_for_file(file)
    if not method.supports(app.engine):
        raise YuqingError(f"{file} 是 {method.name} 格式的备份，不能恢复到 {app.engine.dialect.name} 数据库；"
                          "跨数据库迁移请用 yuqing backup --format json 备份")
    _ready(app)
    with instance_lock_for(app.engine, app.settings.app.data_dir):
        method.restore(app.engine, file)
    app.upgrade_schema()
    click.echo(f"已从 {file} 恢复（格式 {method.name}），数据库结构已检查为最新版本。")
