"""Clocks: working days, climbing the ladder after a breach, triage watch, metrics."""

import dataclasses
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from responder.clocks import case_metrics, check_clocks, overdue
from responder.deadlines import add_working_days
from responder.intake import open_cases
from responder.workflow import apply
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case

TZ = ZoneInfo("Asia/Shanghai")


def test_working_days_skip_weekends_and_holidays_and_count_makeup_days(settings):
    clocks = settings.response.clocks.model_copy(update={
        "holidays": [date(2026, 11, 19)], "extra_workdays": [date(2026, 11, 22)]})
    start = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)  # Wednesday 18:00 local
    due = add_working_days(start, 3, clocks, TZ)
    assert due.astimezone(TZ).date() == date(2026, 11, 23)  # Fri 20, Sun 22 (make-up), Mon 23
    assert due.astimezone(TZ).hour == 18


def test_breach_climbs_the_ladder_every_interval_until_the_top(sessions, settings, now, factory):
    ladder = dataclasses.replace(settings, response=settings.response.model_copy(update={
        "routing": settings.response.routing.model_copy(update={"escalation_ladder": [
            "commentator", "spokesperson", "leader", "director"]})}))
    factory.post("低保金没发")
    case_id = open_cases(sessions, ladder, now).created[0]
    with transaction(sessions) as session:
        apply(session, case_id, "claim", "relief-chief", now, settings=ladder)
    due = now + timedelta(hours=48)
    steps = [check_clocks(sessions, ladder, due + timedelta(hours=h)).escalations for h in (0, 1, 2, 4, 6, 12)]
    assert steps == [1, 0, 1, 1, 0, 0]
    with sessions() as session:
        case = session.get(Case, case_id)
        assert [a.data["to"] for a in case.actions if a.action == "escalate"] == [
            ["spokesperson"], ["deputy-li"], ["director"]]
        assert case.escalation_step == 3 and case.state == "escalated"


def test_severe_case_not_looked_at_within_an_hour_alerts_once(sessions, settings, now, factory):
    factory.post("安置点出现伤亡", topic="disaster-relief", level=1)
    open_cases(sessions, settings, now)
    assert check_clocks(sessions, settings, now + timedelta(minutes=59)).triage_alerts == 0
    assert check_clocks(sessions, settings, now + timedelta(minutes=61)).triage_alerts == 1
    assert check_clocks(sessions, settings, now + timedelta(minutes=90)).triage_alerts == 0


def test_metrics_of_a_case_answered_in_time(sessions, settings, now, factory):
    factory.post("低保金没发")
    case_id = open_cases(sessions, settings, now).created[0]
    steps = [("claim", "relief-chief", 1, {}), ("submit", "relief-chief", 2, {"text": "您好，已收到，正在核实。"}),
             ("approve", "spokesperson", 3, {}), ("record_published", "relief-chief", 4, {"url": "https://w.example/1"}),
             ("close", "spokesperson", 10, {})]
    for action, actor, hours, extra in steps:
        with transaction(sessions) as session:
            apply(session, case_id, action, actor, now + timedelta(hours=hours), settings=settings, **extra)
    with sessions() as session:
        metrics = case_metrics(session.get(Case, case_id), now + timedelta(days=3))
    assert (metrics.triage_hours, metrics.first_response_hours, metrics.close_hours) == (1.0, 4.0, 10.0)
    assert metrics.on_time is True and metrics.breached is False


def test_an_acknowledged_consultation_past_its_answer_clock_is_overdue(sessions, settings, now, factory):
    factory.post("请问低保怎么申请？", kind="consultation", sentiment=0.6, level=4)
    case_id = open_cases(sessions, settings, now).created[0]
    with transaction(sessions) as session:
        for action, extra in (("claim", {}), ("submit", {"text": "您好，已收到您的咨询，正在办理。"})):
            apply(session, case_id, action, "relief-chief", now, settings=settings, **extra)
        apply(session, case_id, "approve", "spokesperson", now, settings=settings)
        apply(session, case_id, "record_published", "relief-chief", now, settings=settings, url="https://weibo.example/r/1")
    later = now + timedelta(days=12)
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case.first_response_at is not None and case.deadline_at < later
        assert session.scalars(select(Case.id).where(overdue(later))).all() == [case_id]
        assert session.scalars(select(Case.id).where(overdue(now))).all() == []
