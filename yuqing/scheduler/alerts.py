"""Failure alerts: a job that raised is reported to the admin through the outbox."""

from __future__ import annotations

import traceback
from datetime import datetime

from yuqing.app import App


def failure_text(job_id: str, exc: BaseException, now: datetime, tz) -> tuple[str, str]:
    """The subject and body (Chinese) of the alert for a failed job."""
    when = now.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    subject = f"【舆情系统故障】定时任务 {job_id} 运行失败"
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    body = (f"定时任务 {job_id} 于 {when} 运行失败，调度进程仍在继续运行其他任务。\n"
            f"错误信息：{detail}\n请查看日志目录中的 yuqing.log（JSON 行格式）了解详情。")
    return subject, body


def alert_job_failure(app: App, job_id: str, exc: BaseException, now: datetime) -> None:
    """Enqueue one alert per job and local day to every admin (repeats are deduplicated)."""
    from responder.outbox import enqueue

    subject, body = failure_text(job_id, exc, now, app.tz)
    day = now.astimezone(app.tz).date().isoformat()
    with app.sessions.begin() as session:
        for admin in app.settings.with_role("admin"):
            enqueue(session, app.settings, admin, subject=subject, body_text=body,
                    dedup_key=f"job-error:{job_id}:{day}:{admin.key}", now=now)
