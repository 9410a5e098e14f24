"""Operations commands: the scheduled daemon (`yuqing run`) and database backup/restore."""

from __future__ import annotations

from pathlib import Path

import click

from yuqing.cli import AppHolder, pass_app


@click.command("run")
@pass_app
def run(holder: AppHolder) -> None:
    """启动调度进程：按计划采集、分析、生成并分派工单、检查回应时限、投递通知、发送周报、夜间清理。

    同一数据库只允许一个调度进程；收到 SIGTERM 或 Ctrl+C 时完成当前任务后退出。
    """
    from yuqing.scheduler.daemon import Daemon
    from yuqing.scheduler.lock import instance_lock_for
    from yuqing.scheduler.logs import configure_logging

    app = holder.get()
    app.upgrade_schema()
    log_path = configure_logging(app.settings.app.log_dir)
    with instance_lock_for(app.engine, app.settings.app.data_dir):
        click.echo(f"调度进程已启动（日志: {log_path}）；按 Ctrl+C 或发送 SIGTERM 停止。")
        Daemon(app).run_until_signalled()
    click.echo("调度进程已停止，正在运行的任务均已完成。")
