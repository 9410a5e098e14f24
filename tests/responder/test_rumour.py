"""辟谣 on a frozen clock: 核实 with evidence, a rebuttal only from approved templates and the verified
finding, publication, the rumour's and the rebuttal's spread, and transfers with their answers."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from responder.clocks import check_clocks
from responder.intake import open_cases
from responder.report import build_report
from responder.workflow import WorkflowError, allowed_actions, apply
from responder.effect_query import rumour_spread
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case, Evidence, Notification, Transfer

FINDING = "殡仪馆基本殡葬服务收费标准今年未作调整"


def act(sessions, settings, case_id, action, actor, at, **kw) -> Case:
    """Apply one action in its own transaction; the case with its audit rows, drafts and tasks loaded."""
    with transaction(sessions) as session:
        case = apply(session, case_id, action, actor, at, settings=settings, **kw)
        assert case.actions and case.drafts is not None and case.verifications is not None
        assert case.transfers is not None
        return case


@pytest.fixture
def event(factory) -> int:
    """The rumour's event."""
    return factory.event(topic="funeral", title="网传殡仪馆涨价三倍")


@pytest.fixture
def rumour(sessions, settings, now, factory, event) -> int:
    """A rumour case on the event, auto-assigned to affairs-chief."""
    factory.post("网传殡仪馆下月起涨价三倍", kind="rumour", topic="funeral", event_id=event)
    return open_cases(sessions, settings, now).created[0]


def verify(sessions, settings, case_id, at, verdict="不实") -> Case:
    """Open 核实, attach one piece of evidence and conclude with `verdict`."""
    act(sessions, settings, case_id, "verify_open", "affairs-chief", at)
    act(sessions, settings, case_id, "evidence", "affairs-chief", at + timedelta(hours=1), source="市殡仪馆收费公示",
        reason="现场核对收费公示牌", url="https://yc.example/notice/1", file_name="收费公示.jpg")
    return act(sessions, settings, case_id, "verify", "affairs-chief", at + timedelta(hours=2), label=verdict,
               reason=FINDING)


@freeze_time("2026-11-18T10:00:00Z")
def test_a_rumour_goes_through_verification_rebuttal_publication_and_spread_tracking(
        sessions, settings, now, factory, event, rumour):
    case = act(sessions, settings, rumour, "verify_open", "affairs-chief", now, reason="联系殡仪馆核实")
    assert case.state == "verifying" and case.verifications[0].due_at == now + timedelta(hours=24)
    with pytest.raises(WorkflowError, match="至少一条证据"):
        act(sessions, settings, rumour, "verify", "affairs-chief", now, label="不实", reason=FINDING)
    act(sessions, settings, rumour, "evidence", "affairs-chief", now + timedelta(hours=1), source="市殡仪馆收费公示",
        reason="现场核对收费公示牌", file_name="收费公示.jpg")
    case = act(sessions, settings, rumour, "verify", "affairs-chief", now + timedelta(hours=2), label="不实",
               reason=FINDING)
    assert case.state == "assigned" and case.verifications[0].verdict == "false"
    case = act(sessions, settings, rumour, "rebut", "affairs-chief", now + timedelta(hours=3))
    draft = case.drafts[-1]
    assert case.state == "drafting" and f"经核实，{FINDING}。" in draft.text
    assert [c["source"] for c in draft.citations] == ["template:rumour-open", f"verification:{case.verifications[0].id}",
                                                      "template:rumour-close"]
    with sessions() as session:
        evidence_id = session.scalars(select(Evidence.id)).one()
    assert draft.citations[1]["evidence"] == [evidence_id]
    published_at = now + timedelta(hours=4)
    act(sessions, settings, rumour, "submit", "affairs-chief", published_at, text=draft.text)
    act(sessions, settings, rumour, "approve", "spokesperson", published_at)
    case = act(sessions, settings, rumour, "publish", "affairs-chief", published_at, url="https://weibo.example/r/9")
    assert case.state == "responded" and case.drafts[-1].status == "published"

    # posts appear at fetch time + minutes and are dated 30 minutes earlier (the factory's rule)
    def post(text, hours, **kw):
        return factory.post(text, topic="funeral", minutes=hours * 60 + 30, **kw)

    post("听说殡仪馆要涨价三倍了", -3, event_id=event)
    post("殡仪馆涨价的事是真的吗", 10, event_id=event)
    post(f"转发：{draft.text}", 6)
    post(f"官方说了：{draft.text}", 30, event_id=event)
    post("殡仪馆还是要涨价吧", 50, event_id=event)
    as_of = published_at + timedelta(hours=30)
    with sessions() as session:
        spread = rumour_spread(session, settings, rumour, as_of)
    before, day, three_days = spread.windows
    assert (before.rumour, before.rebuttal, before.complete) == (2, 0, True)  # the case's own post and one more
    assert (day.rumour, day.rebuttal, day.complete) == (1, 1, True)
    assert (three_days.rumour, three_days.rebuttal, three_days.complete) == (1, 2, False)  # so far; the 50 h post is ahead
    assert [(d.name, d.rumour, d.rebuttal, d.complete) for d in spread.days] == [("第1天", 1, 1, True),
                                                                               ("第2天", 0, 1, False)]
    with sessions() as session:
        later = rumour_spread(session, settings, rumour, published_at + timedelta(hours=80))
    assert (later.windows[2].rumour, later.windows[2].rebuttal, later.windows[2].complete) == (2, 2, True)
    audit = [(a.action, a.actor) for a in case.actions]
    assert [a for a, _ in audit if a in ("verify_open", "evidence", "verify", "rebut", "submit", "record_published")] \
        == ["verify_open", "evidence", "verify", "rebut", "submit", "record_published"]
    assert all(a.at and a.actor for a in case.actions)


def test_a_rebuttal_needs_a_concluded_verification_and_approved_rumour_templates(sessions, settings, now, rumour):
    with pytest.raises(WorkflowError, match="尚未核实"):
        act(sessions, settings, rumour, "rebut", "affairs-chief", now)
    with pytest.raises(WorkflowError, match="只能由「生成辟谣稿」"):
        act(sessions, settings, rumour, "draft", "affairs-chief", now, text="网传不实，请勿相信。")
    with pytest.raises(WorkflowError, match="没有待提交的辟谣稿"):
        act(sessions, settings, rumour, "submit", "affairs-chief", now, text="网传不实，请勿相信。")
    verify(sessions, settings, rumour, now)
    with pytest.raises(WorkflowError, match="不是核准模板"):
        act(sessions, settings, rumour, "rebut", "affairs-chief", now, label="rumour-open,my-own-words")
    with pytest.raises(WorkflowError, match="不是辟谣模板"):
        act(sessions, settings, rumour, "rebut", "affairs-chief", now, label="consult-open")
    case = act(sessions, settings, rumour, "rebut", "affairs-chief", now, label="rumour-open,rumour-follow")
    assert case.drafts[-1].citations[-1]["source"] == "template:rumour-follow"
    with pytest.raises(WorkflowError, match="不能手工改写"):
        act(sessions, settings, rumour, "submit", "affairs-chief", now, text=case.drafts[-1].text + "另有人造谣。")
    with sessions() as session:
        assert session.get(Case, rumour).state == "drafting" and len(session.get(Case, rumour).drafts) == 1


def test_a_true_report_cannot_be_rebutted_and_other_kinds_take_no_rumour_steps(
        sessions, settings, now, factory, rumour):
    verify(sessions, settings, rumour, now, verdict="属实")
    with pytest.raises(WorkflowError, match="属实"):
        act(sessions, settings, rumour, "rebut", "affairs-chief", now)
    factory.post("低保金三个月没发了")
    complaint = open_cases(sessions, settings, now).created[0]
    with sessions() as session:
        assert "verify_open" not in allowed_actions(session.get(Case, complaint), "relief-chief", settings)
        assert "verify_open" in allowed_actions(session.get(Case, rumour), "affairs-chief", settings)
    with pytest.raises(WorkflowError, match="只用于谣言类工单") as refused:
        act(sessions, settings, complaint, "verify_open", "relief-chief", now)
    assert refused.value.forbidden


def test_referrals_and_transfers_keep_the_units_answers(sessions, settings, now, rumour):
    case = act(sessions, settings, rumour, "refer", "spokesperson", now, to="公安", reason="造谣者身份已知")
    assert case.state == "assigned" and case.transfers[0].unit == "公安"
    with pytest.raises(WorkflowError, match="移送单位"):
        act(sessions, settings, rumour, "refer", "spokesperson", now, to="街道办", reason="x")
    act(sessions, settings, rumour, "refer", "spokesperson", now, to="网信", reason="请协调平台处置")
    later = now + timedelta(hours=6)
    act(sessions, settings, rumour, "transfer_answer", "affairs-chief", later, to="网信", reason="已要求平台删除3条")
    case = act(sessions, settings, rumour, "transfer", "spokesperson", later, to="市公安局", reason="涉嫌违法")
    assert case.state == "transferred"
    act(sessions, settings, rumour, "transfer_answer", "spokesperson", later + timedelta(days=1), reason="已立案调查")
    with sessions() as session:
        rows = [(t.unit, t.sent_by, t.answer, t.answered_at, t.recorded_by)
                for t in session.scalars(select(Transfer).order_by(Transfer.id))]
    assert rows == [("公安", "spokesperson", "已立案调查", later + timedelta(days=1), "spokesperson"),
                    ("网信", "spokesperson", "已要求平台删除3条", later, "affairs-chief"),
                    ("市公安局", "spokesperson", "", None, "")]
    with pytest.raises(WorkflowError, match="待答复"):
        act(sessions, settings, rumour, "transfer_answer", "spokesperson", later, to="网信", reason="重复")


def test_the_special_report_names_where_the_rumour_and_its_referrals_stand(sessions, settings, now, event, rumour):
    act(sessions, settings, rumour, "verify_open", "affairs-chief", now)
    act(sessions, settings, rumour, "evidence", "affairs-chief", now, source="殡仪馆收费公示", reason="未调价")
    act(sessions, settings, rumour, "refer", "spokesperson", now, to="网信", reason="请平台处置")
    steps = build_report(sessions, settings, event, now, any_level=True).figures.next_steps
    assert any("正在核实（1 条证据" in step for step in steps)
    assert any("转网信，请跟进其答复" in step for step in steps)
    act(sessions, settings, rumour, "transfer_answer", "spokesperson", now, reason="已处置")
    act(sessions, settings, rumour, "verify", "affairs-chief", now, label="不实", reason=FINDING)
    steps = build_report(sessions, settings, event, now, any_level=True).figures.next_steps
    assert any("经核实不实：请按核准模板生成辟谣稿" in step for step in steps)
    assert not any("请跟进其答复" in step for step in steps)


def test_an_overdue_verification_alerts_its_owner_and_the_spokesperson_once(sessions, settings, now, rumour):
    due = act(sessions, settings, rumour, "verify_open", "affairs-chief", now).verifications[0].due_at
    assert check_clocks(sessions, settings, due - timedelta(minutes=1)).verifications_overdue == 0
    assert check_clocks(sessions, settings, due).verifications_overdue == 1
    assert check_clocks(sessions, settings, due + timedelta(hours=2)).verifications_overdue == 0
    with sessions() as session:
        keys = list(session.scalars(select(Notification.dedup_key).where(Notification.dedup_key.like("%verify_overdue%"))))
    people = {settings.member(key).email for key in ("affairs-chief", settings.spokesperson.key)}
    assert sorted(keys) == sorted(f"case:{rumour}:verify_overdue:1:email:{email}" for email in people)
