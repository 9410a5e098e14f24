"""Sending the digest through the outbox to a real SMTP server on loopback, and reading what arrived."""

from __future__ import annotations

import email
import io
from datetime import timedelta
from email.header import decode_header
from email.policy import default as default_policy

import docx
import pytest
from sqlalchemy import func, select

from responder.digest import DigestError, send_weekly_digest
from responder.digest.delivery import digest_status
from responder.digest.period import parse_week
from responder.outbox import deliver_due
from tests.responder.digest.world import ID_CARD, PHONE, SHANGHAI, WEEK
from yuqing.shell.demo.mailsink import free_port
from yuqing.core.config import load_settings
from yuqing.core.storage.models import Digest, Notification, Post

SUBJECT = "榆川市民政局网络舆情周报（2026年11月16日—11月22日）"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _send_and_deliver(sessions, settings, now, **kwargs):
    result = send_weekly_digest(sessions, settings, WEEK, now, **kwargs)
    report = deliver_due(sessions, settings, now, environ={})
    return result, report


def _posts_in_week(sessions) -> int:
    week = parse_week(WEEK, SHANGHAI)
    with sessions() as session:
        return session.scalar(select(func.count()).where(Post.published_at >= week.start, Post.published_at < week.end))


def _structure(message) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def test_digest_arrives_with_mime_structure_images_subject_and_docx(sessions, world, digest_now, smtp_server,
                                                                    mail_settings):
    port, inbox = smtp_server
    settings = mail_settings(port)
    result, report = _send_and_deliver(sessions, settings, digest_now)
    assert result.enqueued and report.sent == 1
    (rcpt, raw), = inbox.messages
    assert sorted(rcpt) == sorted(settings.digest.recipients)
    message = email.message_from_bytes(raw, policy=default_policy)
    assert _structure(message) == ["multipart/mixed", "multipart/alternative", "text/plain", "multipart/related",
                                   "text/html", "image/png", "image/png", "image/png", DOCX]
    raw_subject = email.message_from_bytes(raw)["Subject"]
    assert "=?utf-8?" in raw_subject.lower()
    assert "".join(t.decode(c) if isinstance(t, bytes) else t for t, c in decode_header(raw_subject)) == SUBJECT
    html = message.get_body(("html",)).get_content()
    for image in [p for p in message.walk() if p.get_content_type() == "image/png"]:
        assert image["Content-ID"].strip("<>") in html.replace("cid:", "")
        assert image.get_payload(decode=True).startswith(b"\x89PNG")
    attachment = next(p for p in message.walk() if p.get_content_type() == DOCX)
    assert attachment.get_filename() == "舆情周报-2026-W47.docx"
    _check_figures(sessions, world, message, attachment, html)


def _check_figures(sessions, world, message, attachment, html):
    total = _posts_in_week(sessions)
    text = message.get_body(("plain",)).get_content()
    assert f"本周共监测到涉及本局的信息 {total} 条" in text
    assert "截至周末超时未回应 1 件" in text and "按时回应率 50.0%" in text
    assert "养老院收费上涨" in html and PHONE not in html and ID_CARD not in html and PHONE not in text
    document = docx.Document(io.BytesIO(attachment.get_payload(decode=True)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert f"本周共监测到涉及本局的信息 {total} 条" in paragraphs
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert f"#{world.cases['care']}" in cells and len(document.inline_shapes) == 3


def test_a_week_is_sent_once_unless_forced(sessions, world, digest_now, smtp_server, mail_settings):
    port, inbox = smtp_server
    settings = mail_settings(port)
    first, _ = _send_and_deliver(sessions, settings, digest_now)
    again, _ = _send_and_deliver(sessions, settings, digest_now + timedelta(hours=1))
    assert not again.enqueued and again.status == "sent" and len(inbox.messages) == 1
    forced, _ = _send_and_deliver(sessions, settings, digest_now + timedelta(hours=2), force=True)
    assert forced.enqueued and len(inbox.messages) == 2
    with sessions() as session:
        digest = session.scalar(select(Digest).where(Digest.week == WEEK))
        keys = session.scalars(select(Notification.dedup_key).order_by(Notification.id)).all()
    assert digest.notification_id == forced.notification_id != first.notification_id
    assert keys == ["digest:2026-W47", "digest:2026-W47:2"]
    assert digest.figures["volume"]["total"] == _posts_in_week(sessions)


def test_a_failed_send_is_retried_through_the_outbox(sessions, world, digest_now, smtp_server, mail_settings):
    port, inbox = smtp_server
    dead = mail_settings(free_port())
    result, report = _send_and_deliver(sessions, dead, digest_now)
    assert result.enqueued and report.retried == 1 and inbox.messages == []
    assert digest_status(sessions, WEEK).status == "queued"
    assert not send_weekly_digest(sessions, dead, WEEK, digest_now).enqueued
    later = digest_now + timedelta(hours=2)
    assert deliver_due(sessions, mail_settings(port), later, environ={}).sent == 1
    assert len(inbox.messages) == 1
    status = digest_status(sessions, WEEK)
    assert status.status == "sent" and status.sent_at == later


def test_a_week_whose_delivery_finally_failed_is_queued_again(sessions, world, digest_now, smtp_server,
                                                              mail_settings):
    port, inbox = smtp_server
    first = send_weekly_digest(sessions, mail_settings(port), WEEK, digest_now)
    with sessions() as session, session.begin():
        session.get(Notification, first.notification_id).status = "failed"
    assert digest_status(sessions, WEEK).status == "failed"
    again, report = _send_and_deliver(sessions, mail_settings(port), digest_now + timedelta(days=1))
    assert again.enqueued and again.notification_id != first.notification_id
    assert report.sent == 1 and len(inbox.messages) == 1


def test_no_recipients_is_a_clear_error(sessions, world, digest_now, profile_dir):
    (profile_dir / "digest.yaml").write_text("recipients: []\n", encoding="utf-8")
    settings = load_settings(profile_dir, environ={})
    with pytest.raises(DigestError, match="未配置收件人"):
        send_weekly_digest(sessions, settings, WEEK, digest_now)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Digest)) == 0


def test_an_unwritable_archive_does_not_stop_the_send(sessions, world, digest_now, smtp_server, profile_dir,
                                                      tmp_path, caplog):
    port, inbox = smtp_server
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    settings = load_settings(profile_dir, environ={}, overrides={"data_dir": str(blocker),
                                                                 "smtp": {"host": "127.0.0.1", "port": port}})
    result, report = _send_and_deliver(sessions, settings, digest_now)
    assert result.enqueued and result.paths == [] and report.sent == 1
    assert "存档写入" in caplog.text
