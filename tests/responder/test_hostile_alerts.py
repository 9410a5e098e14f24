"""Property: hostile posts become cases and alerts on every channel; nothing raises, and no phone or ID
number reaches a robot, a webhook or (by default) a mailbox unmasked."""

from __future__ import annotations

import dataclasses
import itertools
import json
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

import pytest
from hypothesis import given

from analysis.normalize import clean_text
from responder.intake import open_cases
from responder.outbox import deliver_due
from tests.hostile import SLOW, HostilePost, assert_masked, hostile_posts, storable
from tests.responder.conftest import Receiver, with_channels
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, Post

ROBOTS = ("wecom", "dingtalk", "feishu", "webhook")
SERIAL = itertools.count(1)


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: what is checked here is the text, not the backend."""
    return f"sqlite:///{tmp_path / 'alerts.db'}"


def _parsed(message: Message) -> EmailMessage:
    """A received message with decoded headers and parts."""
    return message_from_bytes(message.as_bytes(), policy=policy.default)


@dataclasses.dataclass
class Outside:
    """Everything outside the bureau that alerts reach: a mail server and four HTTP receivers."""

    settings: object
    inbox: object
    receivers: dict[str, Receiver]

    @property
    def environ(self) -> dict[str, str]:
        """The channels' environment: robot URLs and signing secrets."""
        urls = {f"{name.upper()}_URL": receiver.url for name, receiver in self.receivers.items()}
        return {**urls, "DINGTALK_SECRET": "s1", "FEISHU_SECRET": "s2", "WEBHOOK_SECRET": "s3"}

    def received(self) -> list[str]:
        """The text of every message delivered so far (mail parts decoded, robot JSON parsed)."""
        texts = []
        for message in map(_parsed, self.inbox.messages):
            texts.append(str(message["Subject"]))
            texts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        for receiver in self.receivers.values():
            texts += [json.dumps(request["json"], ensure_ascii=False) for request in receiver.requests]
        return texts

    def clear(self) -> None:
        """Forget what was received."""
        self.inbox.messages.clear()
        for receiver in self.receivers.values():
            receiver.requests.clear()


def _everyone_on_every_channel(settings, port: int, **response):
    channels = {"email": {"type": "email"}, "wecom": {"type": "wecom", "url_env": "WECOM_URL"},
                "dingtalk": {"type": "dingtalk", "url_env": "DINGTALK_URL", "secret_env": "DINGTALK_SECRET"},
                "feishu": {"type": "feishu", "url_env": "FEISHU_URL", "secret_env": "FEISHU_SECRET"},
                "webhook": {"type": "webhook", "url_env": "WEBHOOK_URL", "secret_env": "WEBHOOK_SECRET"}}
    custom = with_channels(settings, smtp_port=port, **channels)
    members = [m.model_copy(update={"channels": list(channels)}) for m in custom.staff.members]
    thresholds = custom.response.thresholds.model_copy(update={"max_level": 4, "min_hotness": 0})
    return dataclasses.replace(custom, staff=custom.staff.model_copy(update={"members": members}),
                               response=custom.response.model_copy(update={"thresholds": thresholds, **response}))


@pytest.fixture
def outside(settings, smtp_server):
    """The outside world, with every staff member listening on every channel."""
    inbox, port = smtp_server
    receivers = {name: Receiver({"errcode": 0, "code": 0}) for name in ROBOTS}
    for receiver in receivers.values():
        receiver.start()
    yield Outside(_everyone_on_every_channel(settings, port), inbox, receivers)
    for receiver in receivers.values():
        receiver.stop()


def _crawl(sessions, post: HostilePost, now, level: int = 1) -> None:
    """Store the post as the crawler's clean pipeline would, analysed at `level`."""
    n = next(SERIAL)
    with transaction(sessions) as session:
        row = Post(dedup_key=f"hostile:{n}", platform="forum", platform_id=str(n), url=storable(post.url),
                   title=clean_text(post.title), clean_text=clean_text(post.text) or "（空）", fetched_at=now,
                   updated_at=now, published_at=now)
        session.add(row)
        session.flush()
        session.add(Assessment(post_id=row.id, sentiment=0.1, sentiment_label="negative", kind="complaint",
                               topic="subsistence", level=level, hotness=80.0, assessed_at=now))


@SLOW
@given(post=hostile_posts())
def test_hostile_posts_alert_every_channel_masked(sessions, now, outside, post):
    _crawl(sessions, post, now)
    report = open_cases(sessions, outside.settings, now)
    assert report.created and not report.errors
    delivery = deliver_due(sessions, outside.settings, now, environ=outside.environ)
    assert delivery.failed == delivery.retried == 0, delivery.errors
    received = outside.received()
    assert outside.inbox.messages and all(receiver.requests for receiver in outside.receivers.values())
    for text in received:
        assert_masked(text, post.numbers)
        assert "javascript:" not in text.lower().replace("\\t", "")
    outside.clear()


def test_new_case_alerts_are_masked_on_robots_and_webhooks(sessions, now, outside):
    """Defect 3: new-case alerts carried phone and ID numbers to WeCom, DingTalk, Feishu and webhooks."""
    _crawl(sessions, HostilePost("电话138.1234.5678 身份证ID110101199003071234", "正文", "https://a.example/1",
                                 ()), now)
    open_cases(sessions, outside.settings, now)
    deliver_due(sessions, outside.settings, now, environ=outside.environ)
    for name in ROBOTS:
        sent = json.dumps(outside.receivers[name].requests[0]["json"], ensure_ascii=False)
        assert "138****5678" in sent and "110************234" in sent, name
        assert_masked(sent, ["13812345678", "110101199003071234"])


def test_email_alerts_can_be_unmasked_by_policy_but_robots_never(sessions, now, outside):
    """response.yaml `mask_email: false` shows staff the full number by email; robots stay masked."""
    outside.settings = dataclasses.replace(
        outside.settings, response=outside.settings.response.model_copy(update={"mask_email": False}))
    _crawl(sessions, HostilePost("咨询 电话13812345678", "正文", "https://a.example/1", ()), now)
    open_cases(sessions, outside.settings, now)
    deliver_due(sessions, outside.settings, now, environ=outside.environ)
    mail = [part.get_content() for message in map(_parsed, outside.inbox.messages) for part in message.walk()
            if part.get_content_type() == "text/plain"]
    assert any("13812345678" in text for text in mail)
    for receiver in outside.receivers.values():
        assert_masked(json.dumps(receiver.requests[0]["json"], ensure_ascii=False), ["13812345678"])
