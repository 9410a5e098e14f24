"""`yuqing digest`: render the weekly 舆情周报 to a file, or send it (once per week)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from yuqing.core.app import App, YuqingError
from yuqing.shell.cli import AppHolder, pass_app


def utcnow() -> datetime:
    """The current time (aware UTC); one place for tests to freeze."""
    return datetime.now(timezone.utc)


def _summary(rendered) -> str:
    f = rendered.figures
    return (f"{f.week}（{f.span}）：信息 {f.volume.total} 条，热点事件 {len(f.events)} 个，"
            f"新立工单 {f.handling.opened} 件，超时未回应 {f.handling.overdue} 件")


def _render(app: App, week: str | None, out: Path | None, now: datetime) -> None:
    from responder.digest import build_digest
    from responder.digest.build import WRITERS

    if out is not None and out.suffix.lower() not in WRITERS:
        raise YuqingError(f"不支持的输出格式 {out.suffix or '(无扩展名)'}；可用: {', '.join(WRITERS)}")
    rendered = build_digest(app.sessions, app.settings, week, now)
    target = rendered.write_to(out or Path(app.settings.app.data_dir) / "digests" / f"{rendered.week.label}.html")
    click.echo(f"已生成周报 {_summary(rendered)}")
    click.echo(f"文件: {target}（未发送；发送请加 --send）")


def _deliver(app: App, label: str, now: datetime) -> None:
    from responder.digest.delivery import digest_status
    from responder.outbox import deliver_due

    report = deliver_due(app.sessions, app.settings, now)
    digest = digest_status(app.sessions, label)
    if digest is not None and digest.status == "sent":
        click.echo(f"已发送给 {len(digest.recipients)} 位收件人：{', '.join(digest.recipients)}")
        return
    reason = "；".join(report.errors) or "发件箱暂未投递"
    click.echo(f"发送未成功（{reason}）。周报已留在发件箱，守护进程会按退避策略自动重试。", err=True)


def _send(app: App, week: str | None, out: Path | None, force: bool, now: datetime) -> None:
    from responder.digest import send_weekly_digest

    result = send_weekly_digest(app.sessions, app.settings, week, now, force=force)
    if not result.enqueued:
        state = "已发送" if result.status == "sent" else "已在发件箱等待发送"
        click.echo(f"{result.week} 周报{state}，不再重复发送；如确需重发请加 --force。")
        return
    click.echo(f"已生成并加入发件箱：{_summary(result.rendered)}；存档 {', '.join(map(str, result.paths))}")
    if out is not None:
        result.rendered.write_to(out)
        click.echo(f"文件: {out}")
    _deliver(app, result.week, now)


@click.command("digest")
@click.option("--week", metavar="2026-W47", help="周次（ISO 周，周一至周日，本地时间）；默认上一个完整的周")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件，按扩展名决定格式：.html（含图表）/.txt/.docx/.json；默认 data_dir/digests/<周次>.html")
@click.option("--send", is_flag=True, help="发送给 digest.yaml 中的收件人；同一周只发送一次")
@click.option("--force", is_flag=True, help="与 --send 同用：本周已发送也再发送一次")
@pass_app
def digest(holder: AppHolder, week: str | None, out: Path | None, send: bool, force: bool) -> None:
    """生成每周舆情周报（总体态势、热点事件、处置与回应、采集覆盖、下周关注、工单一览）。

    默认只生成文件、不发送；加 --send 通过发件箱发送，失败的发送会自动重试。
    """
    from responder.digest import DigestError, WeekError

    if force and not send:
        raise YuqingError("--force 只能与 --send 一起使用")
    app = holder.get()
    app.upgrade_schema()
    now = utcnow()
    try:
        (_send(app, week, out, force, now) if send else _render(app, week, out, now))
    except (DigestError, WeekError) as exc:
        raise YuqingError(str(exc)) from None
    except OverflowError:
        raise YuqingError(f"周次 {week} 超出可处理的日期范围，请选择 0001 年到 9999 年之间的周次（如 2026-W47）") from None
