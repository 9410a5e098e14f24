"""The alert outbox: every alert is a row first; delivery drains due rows with retries and backoff."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from responder.channels import Channel, DeliveryError, build_channel
from yuqing.core.config import Settings
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Notification, NotificationAttachment

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Attachment:
    """A file for an email alert; a content_id makes it an inline image of the HTML body."""

    filename: str
    mime_type: str
    content: bytes
    content_id: str = ""


def enqueue(
    session: Session, *, dedup_key: str, channel: str, recipient: str, subject: str, body_text: str,
    now: datetime, body_html: str = "", payload: Mapping[str, Any] | None = None, case_id: int | None = None,
    level: int = 4, not_before: datetime | None = None, attachments: Iterable[Attachment] = (),
) -> Notification | None:
    """Write one alert row unless one with the same dedup_key exists; returns the new row or None."""
    if session.scalar(select(Notification.id).where(Notification.dedup_key == dedup_key)) is not None:
        return None
    row = Notification(
        dedup_key=dedup_key, channel=channel, recipient=recipient, subject=subject, body_text=body_text,
        body_html=body_html, payload=dict(payload or {}), case_id=case_id, level=level, status="pending",
        attempts=0, created_at=now, next_attempt_at=max(now, not_before or now),
    )
    row.attachments = [NotificationAttachment(filename=a.filename, mime_type=a.mime_type,
                                              content_id=a.content_id, content=a.content) for a in attachments]
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failures (exponential, capped)."""
    retry = settings.response.retry
    return timedelta(seconds=min(retry.base_seconds * 2 ** max(attempts - 1, 0), retry.max_seconds))


def _due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    due = or_(Notification.status == "pending", Notification.status == "sending")
    query = select(Notification.id).where(due, Notification.next_attempt_at <= now)
    return list(session.scalars(query.order_by(Notification.id).limit(limit)))


def _claim(session: Session, notification_id: int, now: datetime) -> bool:
    """Take a lease on a row so a concurrent run does not send it too."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]  # an UPDATE returns a CursorResult
        update(Notification)
        .where(Notification.id == notification_id, Notification.status.in_(("pending", "sending")),
               Notification.next_attempt_at <= now)
        .values(status="sending", next_attempt_at=now + LEASE)
    )
    return result.rowcount == 1


def _record(row: Notification, settings: Settings, now: datetime, error: str | None) -> str:
    if error is None:
        row.status, row.sent_at, row.last_error = "sent", now, ""
        return "sent"
    row.attempts += 1
    row.last_error = error[:2000]
    if row.attempts >= settings.response.max_delivery_attempts:
        row.status = "failed"
        return "failed"
    row.status, row.next_attempt_at = "pending", now + backoff(settings, row.attempts)
    return "retried"


def _send(channels: dict[str, Channel | Exception], row: Notification, settings: Settings,
          environ: Mapping[str, str]) -> str | None:
    if row.channel not in channels:
        try:
            channels[row.channel] = build_channel(row.channel, settings, environ)
        except ValueError as exc:
            channels[row.channel] = exc
    channel = channels[row.channel]
    if isinstance(channel, Exception):
        return str(channel)
    try:
        channel.send(row)
    except DeliveryError as exc:
        return str(exc)
    except Exception as exc:  # a channel bug must not stop the run; the row is retried like any failure
        log.exception("channel %s crashed on alert %s", row.channel, row.id)
        return f"渠道程序错误: {type(exc).__name__}: {exc}"
    return None


def deliver_due(sessions: sessionmaker[Session], settings: Settings, now: datetime, *,
                environ: Mapping[str, str] | None = None, limit: int = 200) -> DeliveryReport:
    """Send every due alert once; failures are retried later with backoff, never dropped silently."""
    environ = os.environ if environ is None else environ
    report, down = DeliveryReport(), set[str]()
    channels: dict[str, Channel | Exception] = {}
    with sessions() as session:
        ids = _due_ids(session, now, limit)
    for notification_id in ids:
        with transaction(sessions) as session:
            row = session.get(Notification, notification_id)
            if row is None or row.channel in down or not _claim(session, notification_id, now):
                continue
        with transaction(sessions) as session:
            row = session.get(Notification, notification_id)
            error = _send(channels, row, settings, environ)
            outcome = _record(row, settings, now, error)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if error is not None:
            down.add(row.channel)
            report.errors.append(f"{row.channel} → {row.recipient}: {error}")
            log.warning("alert %s via %s not delivered: %s", notification_id, row.channel, error)
    return report


def retry_failed(sessions: sessionmaker[Session], now: datetime) -> int:
    """Put every notification given up on back in the outbox, due now (once its channel is fixed);
    returns how many."""
    with transaction(sessions) as session:
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]  # an UPDATE returns a CursorResult
            update(Notification).where(Notification.status == "failed")
                                 .values(status="pending", attempts=0, next_attempt_at=now))
    return int(result.rowcount)
