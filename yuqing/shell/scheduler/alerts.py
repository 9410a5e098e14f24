"""Failure alerts: a job that raised is reported to the admin through the outbox."""

from __future__ import annotations

import traceback
from datetime import datetime
from zoneinfo import ZoneInfo

from yuqing.core.app import App
from yuqing.core.display import local_time
from responder.people import admin_addresses


def failure_text(job_id: str, exc: BaseException, now: datetime, tz: ZoneInfo) -> tuple[str, str]:
    """The subject and body (Chinese) of the alert for a failed job."""
    when = local_time(now, tz)
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    subject = f"【舆情系统故障】定时任务 {job_id} 运行失败"
    body = (f"定时任务 {job_id} 于 {when} 运行失败，调度进程仍在继续运行其他任务。\n"
            f"错误信息：{detail}\n详情见日志目录中的 yuqing.log（每行一条 JSON 记录）。")
    return subject, body


def alert_job_failure(app: App, job_id: str, exc: BaseException, now: datetime) -> int:
    """Queue one alert per job, local day and admin address (repeats are deduplicated); returns rows written."""
    from responder.outbox import enqueue

    subject, body = failure_text(job_id, exc, now, app.tz)
    day = now.astimezone(app.tz).date().isoformat()
    written = 0
    with app.sessions.begin() as session:
        for _admin, channel, recipient in admin_addresses(app.settings):
            row = enqueue(session, dedup_key=f"job-error:{job_id}:{day}:{channel}:{recipient}", channel=channel,
                          recipient=recipient, subject=subject, body_text=body, now=now, level=2,
                          payload={"job": job_id})
            written += row is not None
    return written
