"""Intake: one case per event, later posts join it across platforms, routing and clocks."""

from datetime import timedelta

import pytest

from sqlalchemy import select

from responder.intake import open_cases
from responder.privacy import headline
from yuqing.core.storage.models import Case, Notification


def _case(sessions, case_id):
    with sessions() as session:
        case = session.get(Case, case_id)
        return case, [a.action for a in case.actions], [p.post_id for p in case.posts]


def test_an_event_becomes_one_case_routed_to_the_topic_owner(sessions, settings, now, factory):
    event = factory.event()
    factory.post("低保金三个月没发了，到底怎么回事", event_id=event)
    factory.post("同问，低保金没到账", event_id=event, platform="tieba", minutes=5)
    report = open_cases(sessions, settings, now)
    assert len(report.created) == 1
    case, actions, posts = _case(sessions, report.created[0])
    assert case.state == "assigned" and case.owner == "relief-chief"
    assert actions == ["open", "attach", "assign"] and len(posts) == 2
    assert case.deadline_at == case.detected_at + timedelta(hours=48)
    assert case.approvers == ["spokesperson"]
    assert 2 <= len(case.suggestions) <= 3


def test_later_posts_join_the_open_case_and_a_level_rise_alerts(sessions, settings, now, factory):
    event = factory.event()
    factory.post("低保金没发", event_id=event)
    first = open_cases(sessions, settings, now).created[0]
    factory.post("媒体报道：多户低保金被停发", event_id=event, platform="news", level=2, minutes=60)
    report = open_cases(sessions, settings, now + timedelta(hours=1))
    assert report.created == [] and report.attached == 1 and report.raised == [first]
    case, actions, posts = _case(sessions, first)
    assert case.level == 2 and "deputy-li" in case.approvers and len(posts) == 2
    assert actions[-2:] == ["attach", "level_rise"]
    with sessions() as session:
        keys = set(session.scalars(select(Notification.dedup_key).where(Notification.case_id == first)))
    assert any(":level:2:" in k for k in keys)
    assert open_cases(sessions, settings, now + timedelta(hours=2)).attached == 0


def test_posts_below_thresholds_open_nothing(sessions, settings, now, factory):
    factory.post("民政局门口的银杏叶黄了", kind="other", level=4, sentiment=0.9)
    assert open_cases(sessions, settings, now).created == []


def test_a_quiet_request_that_needs_our_voice_becomes_a_case(sessions, settings, now, factory):
    factory.post("建议在社区增设老年助餐点，谢谢", kind="other", level=4, sentiment=0.7, actionable=True)
    assert len(open_cases(sessions, settings, now).created) == 1


def test_another_departments_matter_naming_the_bureau_is_marked_for_transfer(sessions, settings, now, factory):
    factory.post("市民政局说养老保险归人社管，到底找谁", kind="consultation", level=4, sentiment=0.4, topic="",
                 department="人社", actionable=True)
    case, actions, _ = _case(sessions, open_cases(sessions, settings, now).created[0])
    assert case.department == "人社" and actions[0] == "open"
    with sessions() as session:
        opened = session.get(Case, case.id).actions[0]
        assert opened.reason == "属人社业务，建议转办人社" and opened.data["department"] == "人社"


def test_consultation_clock_acknowledge_in_24h_answer_in_7_working_days(sessions, settings, now, factory):
    factory.post("请问低保怎么申请？", kind="consultation", level=4, sentiment=0.5)
    case, _, _ = _case(sessions, open_cases(sessions, settings, now).created[0])
    clocks = case.data["clocks"]
    assert case.clock == "consultation_ack" and case.deadline_at == now + timedelta(hours=24)
    assert clocks[1]["due"].startswith("2026-11-27")  # Wed 18th + 7 working days skips the weekend


def test_emergency_level_two_gets_five_hour_clock_and_leader(sessions, settings, now, factory):
    event = factory.event(topic="disaster-relief", level=2, title="暴雨后安置点物资不足")
    factory.post("安置点没有被子", event_id=event, topic="disaster-relief", level=2)
    case, _, _ = _case(sessions, open_cases(sessions, settings, now).created[0])
    assert case.emergency and case.deadline_at == now + timedelta(hours=5)
    assert case.approvers == ["spokesperson", "deputy-li"]


def test_deputy_covers_an_away_topic_owner(sessions, profile_dir, now, factory):
    from yuqing.core.config import load_settings

    text = (profile_dir / "staff.yaml").read_text(encoding="utf-8")
    away_text = text.replace("    deputy: affairs-chief\n", "    deputy: affairs-chief\n    away: true\n")
    (profile_dir / "staff.yaml").write_text(away_text, encoding="utf-8")
    away = load_settings(profile_dir, environ={})
    factory.post("低保金没发")
    case, _, _ = _case(sessions, open_cases(sessions, away, now).created[0])
    assert case.owner == "affairs-chief"


def test_an_event_graded_higher_later_raises_its_open_case(sessions, settings, now, factory):
    from yuqing.core.storage.db import transaction
    from yuqing.core.storage.models import Event

    event = factory.event()
    factory.post("低保金没发", event_id=event)
    case_id = open_cases(sessions, settings, now).created[0]
    with transaction(sessions) as session:
        session.get(Event, event).level = 1
    assert open_cases(sessions, settings, now + timedelta(hours=1)).raised == [case_id]
    case, actions, _ = _case(sessions, case_id)
    assert case.level == 1 and case.emergency and case.clock == "emergency_information"
    assert actions[-1] == "level_rise" and "director" in case.approvers
    assert open_cases(sessions, settings, now + timedelta(hours=2)).raised == []


def test_a_failing_event_is_reported_and_retried_without_blocking_others(sessions, settings, now, factory,
                                                                        monkeypatch):
    import responder.intake as intake

    bad = factory.event(title="坏事件")
    factory.post("低保金没发", event_id=bad)
    factory.post("养老院伙食差", topic="elderly-care")
    real = intake.suggest

    def broken(settings, kind, text, **kw):
        if "坏事件" in text:
            raise RuntimeError("boom")
        return real(settings, kind, text, **kw)

    monkeypatch.setattr(intake, "suggest", broken)
    report = open_cases(sessions, settings, now)
    assert len(report.created) == 1 and "boom" in report.errors[0]
    monkeypatch.setattr(intake, "suggest", real)
    assert len(open_cases(sessions, settings, now).created) == 1


@pytest.mark.parametrize(
    "text, title",
    [
        ("咨询养老院收费标准\n想咨询一下公办养老院的收费标准", "咨询养老院收费标准"),
        ("\n  \n低保金三个月没发了", "低保金三个月没发了"),
        ("很" * 50, "很" * 39 + "…"),
    ],
)
def test_case_titles_are_one_short_line(text, title):
    assert headline(text) == title
