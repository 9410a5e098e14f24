"""Silent or failing sources: the admin hears when a source has not succeeded for too long."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yuqing.core.app import App
from yuqing.core.display import local_time
from responder.people import admin_addresses
from yuqing.core.storage.models import Source, SourceRun


def _since(session: Session, source: Source) -> datetime | None:
    """The last success, or the first run when the source never succeeded."""
    if source.last_success_at is not None:
        return source.last_success_at
    return session.scalar(select(func.min(SourceRun.started_at)).where(SourceRun.source_id == source.id))


def silence_text(source: Source, name: str, since: datetime, now: datetime, app: App) -> tuple[str, str]:
    """The subject and body (Chinese) of the alert for a silent source."""
    hours = (now - since).total_seconds() / 3600
    last = local_time(since, app.tz)
    state = "上次成功" if source.last_success_at else "首次运行"
    subject = f"【舆情系统告警】数据源 {name} 已 {hours:.0f} 小时未成功采集"
    body = (f"数据源 {name}（{source.key}）{state}于 {last}，至今 {hours:.1f} 小时没有成功采集。\n"
            f"最近错误：{source.last_error or '无'}；连续失败 {source.consecutive_failures} 次。\n"
            "在此期间没有信息不代表没有舆情：请检查网络、登录凭据（Cookie）或站点是否改版。")
    return subject, body


def alert_silent_sources(app: App, now: datetime) -> int:
    """Queue one alert per silent source and outage for each admin address; returns rows written."""
    from responder.outbox import enqueue

    written = 0
    with app.sessions.begin() as session:
        for config in (s for s in app.settings.sources.sources if s.enabled):
            source = session.scalar(select(Source).where(Source.key == config.key))
            since = _since(session, source) if source else None
            if since is None or now - since < timedelta(hours=config.silent_alert_hours):
                continue
            subject, body = silence_text(source, config.name, since, now, app)
            for _, channel, recipient in admin_addresses(app.settings):
                key = f"source-silent:{config.key}:{since.isoformat()}:{channel}:{recipient}"
                row = enqueue(session, dedup_key=key, channel=channel, recipient=recipient, subject=subject,
                              body_text=body, now=now, level=3, payload={"source": config.key})
                written += row is not None
    return written
