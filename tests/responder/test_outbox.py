"""The outbox: rows first, dedup, quiet hours, retries with backoff, exactly-once after an outage."""

import dataclasses
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from responder import alerts
from responder.intake import open_cases
from responder.outbox import deliver_due, enqueue, retry_failed
from tests.responder.conftest import with_channels
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case, Notification


def _rows(sessions):
    with sessions() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_same_change_is_queued_once(sessions, now):
    with transaction(sessions) as session:
        first = enqueue(session, dedup_key="case:1:new:email:a@x", channel="email", recipient="a@x",
                        subject="s", body_text="b", now=now)
        again = enqueue(session, dedup_key="case:1:new:email:a@x", channel="email", recipient="a@x",
                        subject="s", body_text="b", now=now)
    assert first is not None and again is None and len(_rows(sessions)) == 1


def test_failed_notifications_go_back_in_the_outbox_due_now(sessions, now):
    with transaction(sessions) as session:
        for key in ("a", "b"):
            row = enqueue(session, dedup_key=key, channel="email", recipient="a@x", subject="s", body_text="b", now=now)
            row.status, row.attempts = ("failed", 5) if key == "a" else ("sent", 1)
    later = now + timedelta(hours=3)
    assert retry_failed(sessions, later) == 1
    failed, sent = _rows(sessions)
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("pending", 0, later)
    assert (sent.status, sent.attempts) == ("sent", 1)


def test_receiver_down_then_up_every_alert_arrives_exactly_once(sessions, settings, now, factory, receiver):
    custom = with_channels(settings, wecom={"type": "wecom", "url_env": "WECOM_URL"},
                           email={"type": "email", "enabled": False})
    factory.post("低保金没发", level=2)
    factory.post("养老院伙食差", topic="elderly-care", level=2)
    open_cases(sessions, custom, now)
    expected = len([r for r in _rows(sessions) if r.channel == "wecom"])
    assert expected == 2  # spokesperson's robot: one alert per new case (commentators read email only)
    env = {"WECOM_URL": receiver.url}
    receiver.stop()
    down = deliver_due(sessions, custom, now, environ=env)
    assert down.sent == 0 and down.retried == 1  # the channel is skipped after its first failure
    assert deliver_due(sessions, custom, now + timedelta(seconds=30), environ=env).retried == 1  # the other one
    receiver.start()
    assert deliver_due(sessions, custom, now + timedelta(seconds=59), environ=env).sent == 0  # backoff: not yet
    assert deliver_due(sessions, custom, now + timedelta(seconds=61), environ=env).sent == 1
    assert deliver_due(sessions, custom, now + timedelta(hours=1), environ=env).sent == 1
    assert deliver_due(sessions, custom, now + timedelta(hours=2), environ=env).sent == 0
    assert len(receiver.requests) == expected
    assert len({r["json"]["text"]["content"] for r in receiver.requests}) == expected
    assert {r.status for r in _rows(sessions) if r.channel == "wecom"} == {"sent"}


def test_smtp_down_then_up(sessions, settings, now, factory, smtp_server):
    handler, port = smtp_server
    dead = with_channels(settings, smtp_port=1, email={"type": "email"})
    factory.post("低保金没发")
    open_cases(sessions, dead, now)
    queued = len(_rows(sessions))
    report = deliver_due(sessions, dead, now, environ={})
    assert report.retried == 1 and "127.0.0.1:1" in report.errors[0]
    alive = with_channels(settings, smtp_port=port, email={"type": "email"})
    assert deliver_due(sessions, alive, now + timedelta(hours=2), environ={}).sent == queued
    assert len(handler.messages) == queued and deliver_due(sessions, alive, now + timedelta(hours=3)).sent == 0


def test_gives_up_after_max_attempts_but_keeps_the_row(sessions, settings, now):
    custom = with_channels(settings, wecom={"type": "wecom", "url_env": "NOWHERE"})
    custom = dataclasses.replace(custom, response=custom.response.model_copy(update={"max_delivery_attempts": 2}))
    with transaction(sessions) as session:
        enqueue(session, dedup_key="k", channel="wecom", recipient="wecom", subject="s", body_text="b", now=now)
    deliver_due(sessions, custom, now, environ={})
    assert deliver_due(sessions, custom, now + timedelta(hours=1), environ={}).failed == 1
    assert [r.status for r in _rows(sessions)] == ["failed"]


def test_quiet_hours_hold_level_three_but_not_level_two(sessions, settings, factory):
    night = datetime(2026, 11, 18, 15, 0, tzinfo=timezone.utc)  # 23:00 in Asia/Shanghai
    factory.now = night
    factory.post("低保金没发", level=3)
    factory.post("安置点缺被子", topic="disaster-relief", level=2)
    open_cases(sessions, settings, night)
    with sessions() as session:
        levels = {c.id: c.level for c in session.scalars(select(Case))}
    held = {levels[r.case_id]: r.next_attempt_at for r in _rows(sessions) if r.dedup_key.split(":")[2] == "new"}
    assert held[3] == datetime(2026, 11, 18, 23, 30, tzinfo=timezone.utc)  # 07:30 next morning, local
    assert held[2] == night


def test_quiet_until_outside_the_window_is_none(settings):
    assert alerts.quiet_until(settings, datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)) is None


def test_a_send_interrupted_by_a_crash_is_retried_after_its_lease_and_never_sent_twice_meanwhile(
        sessions, settings, now, receiver):
    from responder.outbox import LEASE

    custom = with_channels(settings, wecom={"type": "wecom", "url_env": "WECOM_URL"})
    env = {"WECOM_URL": receiver.url}
    with transaction(sessions) as session:
        row = enqueue(session, dedup_key="k", channel="wecom", recipient="wecom", subject="s", body_text="b", now=now)
        row.status, row.next_attempt_at = "sending", now + LEASE  # a worker took it, then died
    assert deliver_due(sessions, custom, now + timedelta(minutes=1), environ=env).sent == 0
    assert deliver_due(sessions, custom, now + LEASE, environ=env).sent == 1
    assert deliver_due(sessions, custom, now + 2 * LEASE, environ=env).sent == 0 and len(receiver.requests) == 1


def test_a_disabled_or_crashing_channel_keeps_its_alerts_with_the_reason(sessions, settings, now, monkeypatch):
    from responder.channels.robots import WeComChannel

    custom = with_channels(settings, off={"type": "wecom", "url_env": "X", "enabled": False},
                           wecom={"type": "wecom", "url_env": "X"})
    with transaction(sessions) as session:
        for channel in ("off", "wecom"):
            enqueue(session, dedup_key=channel, channel=channel, recipient=channel, subject="s", body_text="b", now=now)
    monkeypatch.setattr(WeComChannel, "send", lambda self, row: 1 / 0)
    report = deliver_due(sessions, custom, now, environ={"X": "http://127.0.0.1:9/"})
    assert report.retried == 2
    assert "已停用" in report.errors[0] and "ZeroDivisionError" in report.errors[1]
    assert {r.status for r in _rows(sessions)} == {"pending"}
