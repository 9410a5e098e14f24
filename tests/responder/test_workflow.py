"""The case state machine: a whole life on a frozen clock, refusals, audit and optimistic locking."""

from datetime import timedelta

import pytest

from responder.clocks import case_metrics, check_clocks
from responder.intake import open_cases
from responder.workflow import WorkflowError, allowed_actions, apply
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case

REPLY = "您好，您反映的情况榆川市民政局已收到，正在核实办理。"


@pytest.fixture
def case_id(sessions, settings, now, factory) -> int:
    """A fresh Ⅲ complaint case, auto-assigned to relief-chief."""
    factory.post("低保金三个月没发了")
    return open_cases(sessions, settings, now).created[0]


def act(sessions, settings, case_id, action, actor, at, **kw) -> Case:
    with transaction(sessions) as session:
        case = apply(session, case_id, action, actor, at, settings=settings, **kw)
        assert case.actions is not None and case.drafts is not None  # loaded for assertions after commit
        return case


def test_whole_life_with_reminder_breach_escalation_and_audit(sessions, settings, now, case_id):
    act(sessions, settings, case_id, "claim", "relief-chief", now + timedelta(minutes=10))
    later = now + timedelta(hours=25)
    assert check_clocks(sessions, settings, later).reminders == 1
    report = check_clocks(sessions, settings, now + timedelta(hours=48, minutes=1))
    assert report.escalations == 1
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case.state == "escalated" and case.breached_at is not None
        assert case.actions[-1].data["to"] == ["spokesperson"]  # owner heads the section: rung skipped
    t = now + timedelta(hours=49)
    act(sessions, settings, case_id, "draft", "relief-chief", t, text=REPLY)
    act(sessions, settings, case_id, "submit", "relief-chief", t)
    act(sessions, settings, case_id, "approve", "spokesperson", t)
    act(sessions, settings, case_id, "record_published", "relief-chief", t, url="https://weibo.example/r/1")
    act(sessions, settings, case_id, "follow", "relief-chief", t)
    case = act(sessions, settings, case_id, "close", "spokesperson", t + timedelta(hours=1), reason="已办结")
    assert case.state == "closed" and case.published_url == "https://weibo.example/r/1"
    states = [(a.action, a.from_state, a.to_state) for a in case.actions]
    assert ("escalate", "assigned", "escalated") in states and states[-1] == ("close", "following", "closed")
    assert [a.draft_version for a in case.actions if a.action in ("approve", "close")] == [1, 1]
    metrics = case_metrics(case, t)
    assert metrics.on_time is False and metrics.breached and metrics.first_response_hours == 49.0
    assert metrics.detect_hours == 0.5


def test_nobody_approves_their_own_reply(sessions, settings, now, case_id):
    act(sessions, settings, case_id, "claim", "spokesperson", now)
    act(sessions, settings, case_id, "submit", "spokesperson", now, text=REPLY)
    with sessions() as session:
        assert "approve" not in allowed_actions(session.get(Case, case_id), "spokesperson", settings)
    with pytest.raises(WorkflowError, match="自己") as refused:
        act(sessions, settings, case_id, "approve", "spokesperson", now)
    assert refused.value.status == 403
    assert act(sessions, settings, case_id, "approve", "deputy-li", now).state == "approved"


def test_one_pending_reply_per_case_and_send_back_needs_a_reason(sessions, settings, now, case_id):
    act(sessions, settings, case_id, "submit", "relief-chief", now, text=REPLY)
    with pytest.raises(WorkflowError, match="待审核"):
        act(sessions, settings, case_id, "submit", "relief-chief", now, text=REPLY + "补充")
    with pytest.raises(WorkflowError, match="原因"):
        act(sessions, settings, case_id, "send_back", "spokesperson", now)
    case = act(sessions, settings, case_id, "send_back", "spokesperson", now, reason="补充办理时限")
    assert case.state == "sent_back" and case.drafts[0].status == "sent_back"
    assert act(sessions, settings, case_id, "submit", "relief-chief", now, text=REPLY + "！").drafts[-1].version == 2


def test_level_one_needs_spokesperson_leader_and_director(sessions, settings, now, factory):
    factory.post("安置点出现伤亡", topic="disaster-relief", level=1)
    case_id = open_cases(sessions, settings, now).created[0]
    act(sessions, settings, case_id, "submit", "relief-chief", now, text=REPLY)
    for approver, state in (("spokesperson", "pending_approval"), ("deputy-li", "pending_approval"),
                            ("director", "approved")):
        assert act(sessions, settings, case_id, "approve", approver, now).state == state


def test_illegal_transitions_and_strangers_are_refused(sessions, settings, now, case_id):
    with pytest.raises(WorkflowError, match="不能「登记已发布」"):
        act(sessions, settings, case_id, "record_published", "relief-chief", now, url="https://x.example")
    with pytest.raises(WorkflowError, match="无权"):
        act(sessions, settings, case_id, "dismiss", "elderly-chief", now, reason="无关")
    with pytest.raises(WorkflowError, match="未知的人员"):
        act(sessions, settings, case_id, "claim", "nobody", now)
    with pytest.raises(WorkflowError, match="未知的操作"):
        act(sessions, settings, case_id, "delete", "spokesperson", now)
    case = act(sessions, settings, case_id, "dismiss", "spokesperson", now, reason="已线下解决")
    assert case.state == "no_response" and case.closed_at == now
    assert act(sessions, settings, case_id, "reopen", "spokesperson", now, reason="又有新帖").state == "assigned"


def test_transfer_relabel_and_manual_assignment_to_an_away_person(sessions, profile_dir, now, factory):
    from yuqing.core.config import load_settings

    path = profile_dir / "staff.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    deputy: elderly-chief\n",
                                                             "    deputy: elderly-chief\n    away: true\n"),
                    encoding="utf-8")
    settings = load_settings(profile_dir, environ={})
    factory.post("网传领取低保要交钱", kind="rumour")
    case_id = open_cases(sessions, settings, now).created[0]
    case = act(sessions, settings, case_id, "assign", "spokesperson", now, to="affairs-chief")
    assert case.owner == "elderly-chief" and case.actions[-1].data["covering_for"] == "affairs-chief"
    case = act(sessions, settings, case_id, "relabel", "spokesperson", now, label="Ⅱ", reason="媒体介入")
    assert case.level == 2 and "deputy-li" in case.approvers
    case = act(sessions, settings, case_id, "transfer", "spokesperson", now, to="公安、网信", reason="谣言")
    assert case.state == "transferred" and case.actions[-1].data["to"] == "公安、网信"
    with sessions() as session:
        transfer = session.get(Case, case_id).transfers[0]
        assert (transfer.unit, transfer.sent_by, transfer.note, transfer.answered_at) == ("公安、网信", "spokesperson", "谣言", None)


def test_concurrent_writers_never_lose_updates(sessions, settings, now, case_id):
    first, second = sessions(), sessions()
    stale = second.get(Case, case_id)  # the second writer holds the case it read before the first wrote
    second.commit()
    apply(first, case_id, "claim", "affairs-chief", now, settings=settings)
    first.commit()
    with pytest.raises(WorkflowError, match="他人修改"):
        apply(second, case_id, "claim", "elderly-chief", now, settings=settings)
    second.rollback()
    first.close(), second.close()
    with sessions() as session:
        assert session.get(Case, case_id).owner == "affairs-chief"
    assert stale is not None


def test_untouched_case_is_reoffered_to_another_commentator(sessions, settings, now, case_id):
    assert check_clocks(sessions, settings, now + timedelta(minutes=30)).reoffered == 0
    assert check_clocks(sessions, settings, now + timedelta(minutes=61)).reoffered == 1
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case.owner != "relief-chief" and case.actions[-1].action == "reoffer"


def test_comments_are_audited_on_any_state_without_changing_it(sessions, settings, now, case_id):
    act(sessions, settings, case_id, "dismiss", "spokesperson", now, reason="重复")
    case = act(sessions, settings, case_id, "comment", "relief-chief", now + timedelta(hours=1), reason="已电话回访")
    assert case.state == "no_response" and case.closed_at == now
    assert (case.actions[-1].action, case.actions[-1].reason) == ("comment", "已电话回访")
    with pytest.raises(WorkflowError, match="原因"):
        act(sessions, settings, case_id, "comment", "relief-chief", now)
