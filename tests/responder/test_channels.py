"""Channels against real local receivers: aiosmtpd for email, HTTP receivers for the robots."""

import base64
import hashlib
import hmac
from email import message_from_bytes
from email.header import decode_header, make_header
from urllib.parse import parse_qs, urlparse

import pytest

from responder.channels import channel_class
from responder.outbox import Attachment, deliver_due, enqueue
from tests.responder.conftest import with_channels
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Notification

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
                       "AAAABJRU5ErkJggg==")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _queue(sessions, now, channel, recipient="群机器人", **kw):
    with transaction(sessions) as session:
        enqueue(session, dedup_key=f"t:{channel}:{recipient}", channel=channel, recipient=recipient,
                subject="【舆情工单 #1】新舆情 Ⅲ级（较大）", body_text="标题：低保金未到账", now=now, **kw)


def test_email_reaches_smtp_with_chinese_subject_html_inline_image_and_attachment(sessions, settings, now,
                                                                                  smtp_server):
    handler, port = smtp_server
    custom = with_channels(settings, smtp_port=port, email={"type": "email"})
    _queue(sessions, now, "email", "wangjing@example.gov.cn, liming@example.gov.cn",
           body_html='<p>周报</p><img src="cid:chart1">',
           attachments=[Attachment("趋势.png", "image/png", PNG, "chart1"),
                        Attachment("舆情周报.docx", DOCX, b"PK")])
    report = deliver_due(sessions, custom, now, environ={})
    assert report.sent == 1 and len(handler.messages) == 1
    message = message_from_bytes(handler.messages[0].as_bytes())
    assert str(make_header(decode_header(message["Subject"]))) == "【舆情工单 #1】新舆情 Ⅲ级（较大）"
    assert message["X-RcptTo"] == "wangjing@example.gov.cn, liming@example.gov.cn"
    types = [part.get_content_type() for part in message.walk()]
    assert types == ["multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html",
                     "image/png", DOCX]
    image = [p for p in message.walk() if p.get_content_type() == "image/png"][0]
    assert image["Content-ID"] == "<chart1>" and image.get_payload(decode=True) == PNG
    assert [p.get_filename() for p in message.walk() if p.get_filename()] == ["趋势.png", "舆情周报.docx"]


def test_email_subject_from_a_multi_line_title_is_one_line(sessions, settings, now, smtp_server):
    handler, port = smtp_server
    custom = with_channels(settings, smtp_port=port, email={"type": "email"})
    with transaction(sessions) as session:
        enqueue(session, dedup_key="t:multiline", channel="email", recipient="wangjing@example.gov.cn",
                subject="【舆情工单 #2】咨询养老院收费\n想咨询一下收费标准", body_text="正文", now=now)
    assert deliver_due(sessions, custom, now, environ={}).sent == 1
    subject = message_from_bytes(handler.messages[0].as_bytes())["Subject"]
    assert str(make_header(decode_header(subject))) == "【舆情工单 #2】咨询养老院收费 想咨询一下收费标准"


def test_wecom_payload(sessions, settings, now, receiver):
    custom = with_channels(settings, wecom={"type": "wecom", "url_env": "WECOM_URL"})
    _queue(sessions, now, "wecom")
    assert deliver_due(sessions, custom, now, environ={"WECOM_URL": receiver.url}).sent == 1
    body = receiver.requests[0]["json"]
    assert body == {"msgtype": "text", "text": {"content": "【舆情工单 #1】新舆情 Ⅲ级（较大）\n标题：低保金未到账"}}


def test_dingtalk_payload_and_signature(sessions, settings, now, receiver):
    custom = with_channels(settings, ding={"type": "dingtalk", "url_env": "DT_URL", "secret_env": "DT_SECRET"})
    _queue(sessions, now, "ding")
    env = {"DT_URL": receiver.url + "?access_token=abc", "DT_SECRET": "SECtest"}
    assert deliver_due(sessions, custom, now, environ=env).sent == 1
    query = parse_qs(urlparse(receiver.requests[0]["path"]).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECtest", f"{timestamp}\nSECtest".encode(), hashlib.sha256).digest())
    assert query["sign"][0] == expected.decode() and query["access_token"] == ["abc"]
    assert receiver.requests[0]["json"]["msgtype"] == "text"
    assert "低保金" in receiver.requests[0]["json"]["text"]["content"]


def test_feishu_payload_and_signature(sessions, settings, now, receiver):
    receiver.reply = {"code": 0, "msg": "success"}
    custom = with_channels(settings, fs={"type": "feishu", "url_env": "FS_URL", "secret_env": "FS_SECRET"})
    _queue(sessions, now, "fs")
    assert deliver_due(sessions, custom, now, environ={"FS_URL": receiver.url, "FS_SECRET": "s3"}).sent == 1
    body = receiver.requests[0]["json"]
    expected = base64.b64encode(hmac.new(f"{body['timestamp']}\ns3".encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected and body["msg_type"] == "text" and "低保金" in body["content"]["text"]


def test_webhook_signs_the_exact_body(sessions, settings, now, receiver):
    custom = with_channels(settings, hook={"type": "webhook", "url_env": "HOOK", "secret_env": "HOOK_KEY"})
    _queue(sessions, now, "hook")
    assert deliver_due(sessions, custom, now, environ={"HOOK": receiver.url, "HOOK_KEY": "k"}).sent == 1
    request = receiver.requests[0]
    expected = "sha256=" + hmac.new(b"k", request["raw"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Yuqing-Signature"] == expected
    assert request["json"]["dedup_key"] == "t:hook:群机器人"


def test_robot_refusal_is_retried_with_its_reason(sessions, settings, now, receiver):
    receiver.reply = {"errcode": 310000, "errmsg": "sign not match"}
    custom = with_channels(settings, wecom={"type": "wecom", "url_env": "WECOM_URL"})
    _queue(sessions, now, "wecom")
    report = deliver_due(sessions, custom, now, environ={"WECOM_URL": receiver.url})
    assert report.retried == 1 and "310000" in report.errors[0]
    with sessions() as session:
        row = session.query(Notification).one()
        assert row.status == "pending" and row.attempts == 1 and "sign not match" in row.last_error


def test_unknown_channel_type_and_missing_url_are_clear(sessions, settings, now):
    with pytest.raises(ValueError, match="未知的通知渠道类型 'pigeon'；可用: dingtalk, email"):
        channel_class("pigeon")
    custom = with_channels(settings, wecom={"type": "wecom", "url_env": "WECOM_URL"})
    _queue(sessions, now, "wecom")
    report = deliver_due(sessions, custom, now, environ={})
    assert report.retried == 1 and "WECOM_URL" in report.errors[0]


def test_email_over_starttls_and_ssl(sessions, settings, now, tls_smtp_server):
    handler, port, security, cafile = tls_smtp_server
    custom = with_channels(settings, smtp_port=port, security=security, email={"type": "email"})
    _queue(sessions, now, "email", "wangjing@example.gov.cn")
    assert deliver_due(sessions, custom, now, environ={"YUQING_SMTP_CAFILE": cafile}).sent == 1
    assert len(handler.messages) == 1


def test_email_refuses_an_untrusted_certificate(sessions, settings, now, tls_smtp_server):
    handler, port, security, _ = tls_smtp_server
    custom = with_channels(settings, smtp_port=port, security=security, email={"type": "email"})
    _queue(sessions, now, "email", "wangjing@example.gov.cn")
    report = deliver_due(sessions, custom, now, environ={})
    assert report.retried == 1 and "SSL" in report.errors[0] and handler.messages == []
