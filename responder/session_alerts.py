"""The admin hears, in the same run, that a source's login session has expired, and which command
renews it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from responder.outbox import enqueue
from responder.people import admin_addresses
from yuqing.core.config import Settings
from yuqing.core.login import EXPIRED


def expired_text(key: str, name: str, reason: str) -> tuple[str, str]:
    """The subject and body (Chinese) of the alert for a source whose session expired."""
    subject = f"【舆情系统告警】数据源 {name} 登录失效，请重新扫码登录"
    body = (f"数据源 {name}（{key}）本次抓取时登录会话已失效，已停止抓取该数据源：{reason}\n"
            f"请在服务器上运行：yuqing login {key}（多个账号时加 --account 账号名），用该平台的手机 App 扫码；\n"
            "也可在网页工作台的“登录会话”管理页查看二维码。重新登录前，该数据源没有新信息不代表没有舆情。")
    return subject, body


def session_expired(report: Any) -> bool:
    """Whether a source's crawl report (``status``, ``reason``) says its login session expired."""
    return report.status == "blocked" and report.reason.startswith(EXPIRED)


def alert_expired_sessions(session: Session, settings: Settings, reports: Iterable[Any], now: datetime) -> int:
    """Queue one alert per source whose run ended as 登录失效 (``reports``: a crawl's per-source reports,
    with ``key``, ``status``, ``reason`` and ``run_id``), for each admin address; returns rows written."""
    names = {s.key: s.name for s in settings.sources.sources}
    written = 0
    for report in reports:
        if not session_expired(report):
            continue
        subject, body = expired_text(report.key, names.get(report.key, report.key), report.reason)
        for _, channel, recipient in admin_addresses(settings):
            key = f"session-expired:{report.key}:{report.run_id}:{channel}:{recipient}"
            written += enqueue(session, dedup_key=key, channel=channel, recipient=recipient, subject=subject,
                               body_text=body, now=now, level=2, payload={"source": report.key}) is not None
    return written
