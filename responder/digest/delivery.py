"""Sending the weekly digest once per week through the outbox, and keeping a copy of what was sent."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from responder.digest.build import DOCX_MIME, RenderedDigest, build_digest
from responder.digest.period import resolve_week
from responder.outbox import Attachment, enqueue
from yuqing.core.config import Settings
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Digest, Notification

log = logging.getLogger(__name__)
SENT_OR_QUEUED = ("queued", "sent")


class DigestError(Exception):
    """The digest cannot be sent as configured (no recipients, no email channel)."""


@dataclass
class DigestResult:
    """What send_weekly_digest did for a week."""

    week: str
    status: str
    enqueued: bool
    digest_id: int | None = None
    notification_id: int | None = None
    paths: list[Path] = field(default_factory=list)
    rendered: RenderedDigest | None = None


def email_channel(settings: Settings) -> str:
    """The name of the first enabled email channel in response.yaml."""
    for name, channel in settings.response.channels.items():
        if channel.type == "email" and channel.enabled:
            return name
    raise DigestError("response.yaml 中没有启用的 email 渠道，无法发送周报")


def refresh_status(session: Session, digest: Digest) -> Digest:
    """Bring the digest's status up to date with its notification (sent, failed or still queued)."""
    notification = session.get(Notification, digest.notification_id) if digest.notification_id else None
    if notification is not None and notification.status == "sent" and digest.status != "sent":
        digest.status, digest.sent_at = "sent", notification.sent_at
    elif notification is not None and notification.status == "failed":
        digest.status = "failed"
    return digest


def _attachments(settings: Settings, rendered: RenderedDigest) -> list[Attachment]:
    files = [Attachment(i.filename, "image/png", i.png, i.content_id) for i in rendered.images]
    if settings.digest.attach_docx:
        files.append(Attachment(rendered.docx_filename, DOCX_MIME, rendered.docx))
    return files


def _enqueue(session: Session, settings: Settings, rendered: RenderedDigest, now: datetime) -> Notification:
    label = rendered.week.label
    earlier = session.scalar(select(func.count()).where(Notification.dedup_key.like(f"digest:{label}%")))
    notification = enqueue(
        session, dedup_key=f"digest:{label}" + (f":{earlier + 1}" if earlier else ""),
        channel=email_channel(settings), recipient=", ".join(settings.digest.recipients), subject=rendered.subject,
        body_text=rendered.text, body_html=rendered.html, payload={"digest_week": label}, now=now,
        attachments=_attachments(settings, rendered),
    )
    if notification is None:
        raise DigestError(f"{label} 周报的通知已存在，请稍后重试")
    return notification


def archive(settings: Settings, rendered: RenderedDigest) -> list[Path]:
    """Keep a copy of the digest as sent (HTML with charts, .docx) under data_dir/digests.

    The email is already queued by then, so a copy that cannot be written is only logged.
    """
    folder = Path(settings.app.data_dir) / "digests"
    try:
        return [rendered.write_to(folder / f"{rendered.week.label}.html"),
                rendered.write_to(folder / rendered.docx_filename)]
    except OSError as exc:
        log.warning("周报 %s 已加入发件箱，但存档写入 %s 失败: %s", rendered.week.label, folder, exc)
        return []


def digest_status(sessions: sessionmaker[Session], label: str) -> Digest | None:
    """The stored digest of a week, its status refreshed from its notification; None if never sent."""
    with transaction(sessions) as session:
        digest = session.scalar(select(Digest).where(Digest.week == label))
        return refresh_status(session, digest) if digest is not None else None


def _record(sessions: sessionmaker[Session], settings: Settings, rendered: RenderedDigest, now: datetime,
            force: bool) -> DigestResult:
    """Store the Digest row and enqueue its email in one transaction, unless another run got there first."""
    label = rendered.week.label
    with transaction(sessions) as session:
        digest = session.scalar(select(Digest).where(Digest.week == label)) or Digest(week=label, created_at=now)
        if digest.status in SENT_OR_QUEUED and digest.id is not None and not force:
            return DigestResult(label, digest.status, False, digest.id, digest.notification_id)
        notification = _enqueue(session, settings, rendered, now)
        digest.status, digest.recipients = "queued", list(settings.digest.recipients)
        digest.figures, digest.notification_id = rendered.figures.to_json(), notification.id
        session.add(digest)
        session.flush()
        return DigestResult(label, "queued", True, digest.id, notification.id, rendered=rendered)


def _recorded_elsewhere(sessions: sessionmaker[Session], label: str) -> DigestResult:
    """Another run stored this week's digest at the same moment: report its row, send nothing."""
    log.info("digest %s was recorded by another run", label)
    existing = digest_status(sessions, label)
    if existing is None:
        return DigestResult(label, "queued", False)
    return DigestResult(label, existing.status, False, existing.id, existing.notification_id)


def send_weekly_digest(sessions: sessionmaker[Session], settings: Settings, week: str | None, now: datetime,
                       force: bool = False) -> DigestResult:
    """Build the week's digest, record it and queue its email — once per week unless `force`.

    A week whose digest is already queued or sent is left alone; one whose delivery finally failed
    is queued again. Delivery itself (and its retries) is the outbox's job.
    """
    label = resolve_week(week, now, ZoneInfo(settings.app.timezone)).label
    existing = digest_status(sessions, label)
    if existing is not None and existing.status in SENT_OR_QUEUED and not force:
        return DigestResult(label, existing.status, False, existing.id, existing.notification_id)
    if not settings.digest.recipients:
        raise DigestError("digest.yaml 未配置收件人 (recipients)，无法发送周报")
    email_channel(settings)
    rendered = build_digest(sessions, settings, label, now)
    try:
        result = _record(sessions, settings, rendered, now, force)
    except IntegrityError:
        return _recorded_elsewhere(sessions, label)
    if result.enqueued:
        result.paths = archive(settings, rendered)
    return result
