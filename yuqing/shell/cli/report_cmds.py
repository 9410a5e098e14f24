"""`yuqing report EVENT`: the special report (专报) of a serious event, as HTML and Word."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from yuqing.core.app import YuqingError
from yuqing.shell.cli import AppHolder, pass_app


@click.command("report")
@click.argument("event_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认 data_dir/reports）")
@click.option("--any-level", is_flag=True, help="Ⅲ、Ⅳ级事件也生成（默认只用于Ⅱ级及以上）")
@pass_app
def report(holder: AppHolder, event_id: int, out: Path | None, any_level: bool) -> None:
    """为一个Ⅱ级或Ⅰ级事件生成专报（HTML 与 Word）：时间线、传播图、平台、关键信息、研判理由、处置记录、待决策事项。"""
    from responder.report import ReportError, build_report

    app = holder.get()
    app.require_schema()
    try:
        built = build_report(app.sessions, app.settings, event_id, datetime.now(timezone.utc), any_level=any_level)
    except ReportError as exc:
        raise YuqingError(str(exc)) from None
    paths = built.write_to(out or Path(app.settings.app.data_dir) / "reports")
    f = built.figures
    click.echo(f"已生成专报：事件 #{f.event_id}「{f.title}」{f.level_name}，信息 {f.posts} 条，负面 {f.negative} 条，"
               f"处置记录 {len(f.actions)} 条，待决策 {len(f.next_steps)} 项")
    for path in paths:
        click.echo(f"文件: {path}")
    for name, text in (("摘要", built.summary), ("综述", built.narrative)):
        if text.drafted or text.note:
            click.echo(f"{name}: " + ("本地模型起草，引用与数字已核对" if text.drafted else f"模型草稿未采用（{text.note}），用数据生成的文字"))
