"""回访: a follow-up task once a consultation or complaint is answered, its outcome and satisfaction,
不满意 reopening the case, overdue reminders, and the scorecard (回应率, 及时率, 满意度)."""

import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from sqlalchemy import select

from responder.clocks import check_clocks
from responder.digest import build_digest
from responder.digest.kpis import scorecard
from responder.intake import open_cases
from responder.workflow import WorkflowError, allowed_actions, apply
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case, Notification, Revisit

REPLY = "您好，您反映的情况榆川市民政局已收到，正在核实办理。"
TZ = ZoneInfo("Asia/Shanghai")


def act(sessions, settings, case_id, action, actor, at, **kw) -> Case:
    """Apply one action in its own transaction; the case with its audit rows and tasks loaded."""
    with transaction(sessions) as session:
        case = apply(session, case_id, action, actor, at, settings=settings, **kw)
        assert case.actions is not None and case.revisits is not None
        return case


def answer(sessions, settings, case_id, at, n=1) -> Case:
    """Claim (first time), reply, approve and record the publication at `at`."""
    with sessions() as session:
        state = session.get(Case, case_id).state
    if state in ("new", "triaged"):
        act(sessions, settings, case_id, "claim", "relief-chief", at)
    act(sessions, settings, case_id, "submit", "relief-chief", at, text=f"{REPLY}（{n}）")
    act(sessions, settings, case_id, "approve", "spokesperson", at)
    return act(sessions, settings, case_id, "record_published", "relief-chief", at, url=f"https://weibo.example/r/{n}")


@pytest.fixture
def complaint(sessions, settings, now, factory) -> int:
    """A Ⅲ complaint about subsistence money, owned by relief-chief."""
    factory.post("低保金三个月没发了")
    return open_cases(sessions, settings, now).created[0]


def test_answering_a_complaint_schedules_a_revisit_in_working_days(sessions, settings, now, complaint):
    case = answer(sessions, settings, complaint, now)  # Wednesday 18:00 local
    task = case.revisits[0]
    assert task.round == 1 and task.owner == "relief-chief" and task.done_at is None
    assert task.due_at.astimezone(TZ) == datetime(2026, 11, 23, 18, 0, tzinfo=TZ)  # Thu, Fri, (weekend), Mon
    assert case.actions[-1].data["revisit_due"] == task.due_at.isoformat()
    assert "revisit" in allowed_actions(case, "relief-chief", settings)
    assert "revisit" not in allowed_actions(case, "elderly-chief", settings)


def test_the_revisit_due_date_skips_the_national_day_break(sessions, settings, factory):
    at = datetime(2026, 9, 29, 2, 0, tzinfo=timezone.utc)  # Tuesday before 国庆 2026
    factory.now = at
    factory.post("低保金三个月没发了")
    case = answer(sessions, settings, open_cases(sessions, settings, at).created[0], at)
    # Wed 30, then 1–7 October off, Thu 8, Fri 9
    assert case.revisits[0].due_at.astimezone(TZ).date() == datetime(2026, 10, 9).date()


def test_satisfied_citizen_closes_the_task_and_keeps_the_state(sessions, settings, now, complaint):
    answer(sessions, settings, complaint, now)
    later = now + timedelta(days=1)
    case = act(sessions, settings, complaint, "revisit", "relief-chief", later, method="电话", label="基本满意",
               reason="已电话联系本人，低保金已补发")
    task = case.revisits[0]
    assert (task.method, task.satisfaction, task.done_by, task.done_at) == ("电话", "basic", "relief-chief", later)
    row = case.actions[-1]
    assert (row.action, row.actor, row.at, row.reason) == ("revisit", "relief-chief", later, "已电话联系本人，低保金已补发")
    assert row.data["label"] == "基本满意" and case.state == "responded"
    with pytest.raises(WorkflowError, match="没有待办的回访"):
        act(sessions, settings, complaint, "revisit", "relief-chief", later, method="电话", label="满意", reason="再访")


def test_unsatisfied_citizen_reopens_the_case_with_a_new_clock_and_a_second_revisit(
        sessions, settings, now, complaint):
    answer(sessions, settings, complaint, now)
    act(sessions, settings, complaint, "close", "spokesperson", now + timedelta(hours=2), reason="已答复")
    later = now + timedelta(days=2)
    case = act(sessions, settings, complaint, "revisit", "spokesperson", later, method="短信", label="不满意",
               reason="群众表示钱仍未到账")
    assert case.state == "assigned" and case.closed_at is None and case.owner == "relief-chief"
    reopen = case.actions[-1]
    assert (reopen.action, reopen.actor, reopen.at, reopen.from_state, reopen.to_state) == (
        "reopen", "spokesperson", later, "closed", "assigned")
    assert reopen.reason == "回访不满意：群众表示钱仍未到账"
    assert case.clock == "revisit_1" and case.deadline_at == later + timedelta(hours=48)
    with sessions() as session:
        heard = {(n.recipient, n.subject) for n in session.scalars(select(Notification))
                 if ":revisit_unsatisfied:" in n.dedup_key}
    assert {r for r, _ in heard} == {"chenzhiqiang@mzj.yuchuan.example.gov.cn", "wangjing@mzj.yuchuan.example.gov.cn"}
    again = answer(sessions, settings, complaint, later + timedelta(hours=3), n=2)
    assert [t.round for t in again.revisits] == [1, 2] and again.revisits[1].done_at is None
    assert again.clock == "" and again.state == "responded"


@pytest.mark.parametrize("method,label,reason,message,status", [
    ("飞鸽", "满意", "已联系", "回访方式", 400),
    ("电话", "还行", "已联系", "满意度", 400),
    ("电话", "满意", "", "原因", 400),
])
def test_bad_revisit_input_is_refused_with_one_line_and_nothing_changes(
        sessions, settings, now, complaint, method, label, reason, message, status):
    answer(sessions, settings, complaint, now)
    with pytest.raises(WorkflowError, match=message) as refused:
        act(sessions, settings, complaint, "revisit", "relief-chief", now, method=method, label=label, reason=reason)
    assert refused.value.status == status and "\n" not in refused.value.message
    with sessions() as session:
        assert session.scalars(select(Revisit)).one().done_at is None


def test_rumours_get_no_revisit_and_an_overdue_revisit_alerts_once(sessions, settings, now, factory, complaint):
    factory.post("网传殡仪馆要涨价三倍", kind="rumour", topic="funeral")
    rumour = open_cases(sessions, settings, now).created[0]
    act(sessions, settings, rumour, "claim", "affairs-chief", now)
    act(sessions, settings, rumour, "verify_open", "affairs-chief", now)
    act(sessions, settings, rumour, "evidence", "affairs-chief", now, source="殡仪馆收费公示", reason="未调价")
    act(sessions, settings, rumour, "verify", "affairs-chief", now, label="不实", reason="收费标准未作调整")
    act(sessions, settings, rumour, "rebut", "affairs-chief", now)
    act(sessions, settings, rumour, "submit", "affairs-chief", now)
    act(sessions, settings, rumour, "approve", "spokesperson", now)
    assert act(sessions, settings, rumour, "publish", "affairs-chief", now, url="https://w.example/x").revisits == []
    due = answer(sessions, settings, complaint, now).revisits[0].due_at
    assert check_clocks(sessions, settings, due - timedelta(minutes=1)).revisits_overdue == 0
    assert check_clocks(sessions, settings, due).revisits_overdue == 1
    assert check_clocks(sessions, settings, due + timedelta(hours=5)).revisits_overdue == 0


def test_scorecard_counts_response_timeliness_and_satisfaction_per_section_and_commentator(
        sessions, settings, now, factory, complaint):
    factory.post("养老院护工态度差", topic="elderly-care")
    open_cases(sessions, settings, now)
    answer(sessions, settings, complaint, now + timedelta(hours=1))
    act(sessions, settings, complaint, "revisit", "relief-chief", now + timedelta(days=1), method="电话", label="满意",
        reason="已补发")
    start, end = now - timedelta(days=1), now + timedelta(days=7)
    with sessions() as session:
        before = scorecard(session, settings, start, end, now + timedelta(days=1))
    # the elderly-care complaint's 48-hour clock has not run out yet: not due, so not counted
    assert (before.total.due, before.total.responded, before.total.settled, before.total.on_time) == (1, 1, 1, 1)
    assert before.total.satisfaction == 1.0
    with sessions() as session:
        card = scorecard(session, settings, start, end, now + timedelta(days=3))
    assert (card.total.due, card.total.responded, card.total.response_rate) == (2, 1, 0.5)
    assert (card.total.settled, card.total.on_time, card.total.timely_rate) == (2, 1, 0.5)
    sections = {k.label: k for k in card.by_section}
    assert sections["养老服务科"].response_rate == 0.0 and sections["救灾和社会救助科"].response_rate == 1.0
    people = {k.label: k for k in card.by_commentator}
    assert people["陈志强"].satisfied == 1 and people["陈志强"].satisfaction == 1.0
    assert people["赵磊"].due == 1 and people["赵磊"].timely_rate == 0.0 and people["赵磊"].satisfaction is None


def test_the_digest_reports_the_scorecard_in_text_html_docx_and_json(sessions, settings, now, complaint):
    answer(sessions, settings, complaint, now + timedelta(hours=1))
    act(sessions, settings, complaint, "revisit", "relief-chief", now + timedelta(days=1), method="电话",
        label="不满意", reason="仍未到账")
    digest = build_digest(sessions, settings, "2026-W47", now + timedelta(days=6))
    assert ("  - 全部：回应率 100.0%（1/1），及时率 0.0%（0/1），回访 1 次，满意 0、基本满意 0、不满意 1，"
            "满意度 0.0%") in digest.text
    assert "  - 陈志强：回应率 100.0%（1/1）" in digest.text and "回应率、及时率与满意度" in digest.html
    card = digest.figures.to_json()["scorecard"]
    assert (card["total"]["response_rate"], card["total"]["satisfaction"]) == (1.0, 0.0)
    cells = {c.text for t in Document(io.BytesIO(digest.docx)).tables for row in t.rows for c in row.cells}
    assert "0 / 0 / 1" in cells
