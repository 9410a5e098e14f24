"""Who hears what: recipients per change, one alert per case per change, workers never double-send."""

import threading
from datetime import timedelta

from sqlalchemy import select

from responder.clocks import check_clocks
from responder.intake import open_cases
from responder.outbox import deliver_due
from responder.workflow import apply
from tests.responder.conftest import with_channels
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Notification

SPOKESPERSON = "wangjing@mzj.yuchuan.example.gov.cn"
RELIEF = "chenzhiqiang@mzj.yuchuan.example.gov.cn"


def _heard(sessions) -> set[tuple[str, str]]:
    """(change, recipient) pairs queued so far."""
    with sessions() as session:
        rows = session.scalars(select(Notification))
        return {(row.dedup_key.split(":")[2], row.recipient) for row in rows}


def test_new_case_assignment_reminder_and_approval_reach_the_right_people(sessions, settings, now, factory):
    settings = with_channels(settings, email={"type": "email"}, wecom={"type": "wecom", "url_env": "WECOM_URL"})
    factory.post("低保金没发", level=3)
    case_id = open_cases(sessions, settings, now).created[0]
    assert _heard(sessions) >= {("new", SPOKESPERSON), ("new", "wecom"), ("assign", RELIEF)}
    assert ("new", RELIEF) not in _heard(sessions)
    with transaction(sessions) as session:
        apply(session, case_id, "claim", "relief-chief", now, settings=settings)
        apply(session, case_id, "submit", "relief-chief", now, settings=settings, text="您好，已收到，正在核实。")
    assert ("submit", SPOKESPERSON) in _heard(sessions)
    check_clocks(sessions, settings, now + timedelta(hours=25))
    assert {("remind", SPOKESPERSON), ("remind", RELIEF)} <= _heard(sessions)
    before = len(_heard(sessions))
    check_clocks(sessions, settings, now + timedelta(hours=26))
    assert len(_heard(sessions)) == before  # the same change never alerts twice


def test_low_level_items_do_not_wake_the_spokesperson(sessions, settings, now, factory):
    factory.post("请问结婚登记要预约吗", kind="consultation", level=4, sentiment=0.6, topic="marriage")
    open_cases(sessions, settings, now)
    recipients = {recipient for _, recipient in _heard(sessions)}
    assert recipients == {"liufang@mzj.yuchuan.example.gov.cn"}


def test_two_workers_at_once_send_each_alert_once(sessions, settings, now, factory, receiver):
    custom = with_channels(settings, wecom={"type": "wecom", "url_env": "WECOM_URL"},
                           email={"type": "email", "enabled": False})
    for n in range(4):
        factory.post(f"低保金没发{n}", level=3)
    open_cases(sessions, custom, now)
    env = {"WECOM_URL": receiver.url}
    workers = [threading.Thread(target=deliver_due, args=(sessions, custom, now), kwargs={"environ": env})
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(receiver.requests) == 4
    with sessions() as session:
        assert set(session.scalars(select(Notification.status))) == {"sent"}
