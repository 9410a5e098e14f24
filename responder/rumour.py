"""辟谣: a rumour case is verified (核实, evidence attached), then rebutted with a reply built only from
approved rumour templates and the verified finding; transfers and referrals to 网信 or 公安 keep the
receiving unit's answer. Each step is an action of the case state machine (`responder.workflow`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from responder import alerts
from responder.audit import WorkflowError, move
from responder.links import safe_url
from responder.people import section_of
from responder.review import latest, reply_limit
from responder.states import FINISHED_STATES
from responder.suggest import Sentence, fill_template
from yuqing.core.config import Settings
from yuqing.core.config.replies import ReplyTemplate
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case, Draft, Evidence, Transfer, Verification

VERDICT_LABELS: dict[str, str] = {"false": "不实", "partly": "部分不实", "true": "属实"}
REBUTTABLE = frozenset({"false", "partly"})
VERIFIED = "verification:"
SENTENCE_END = "。！？；"


def parse_verdict(value: str | None) -> str:
    """The verdict id from an id or its Chinese label; WorkflowError (400) for anything else."""
    text = (value or "").strip()
    for key, label in VERDICT_LABELS.items():
        if text in (key, label):
            return key
    raise WorkflowError(f"请选择核实结论：{' / '.join(VERDICT_LABELS.values())}", 400)


def current(case: Case) -> Verification | None:
    """The case's latest verification (open or done), or None."""
    return case.verifications[-1] if case.verifications else None


def open_verification(session: Session, settings: Settings, case: Case, actor: str, now: datetime,
                      reason: str) -> Verification:
    """Start 核实 (or resume the open task after an escalation): a task for the case's owner, due in
    `rumour.verify_hours`."""
    task = current(case)
    if task is None or task.done_at is not None:
        due = now + timedelta(hours=settings.response.rumour.verify_hours)
        task = Verification(case=case, owner=case.owner or actor, opened_by=actor, created_at=now, due_at=due,
                            done_by="", verdict="", finding="")
        session.add(task)
        session.flush()
    move(session, case, "verify_open", actor, now, "verifying", reason=reason,
         data={"verification": task.id, "due": task.due_at.isoformat()})
    return task


def remind_overdue(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Tell the owner and the spokesperson once about each open verification past its due time; returns how many."""
    query = (select(Verification).join(Case).where(Verification.done_at.is_(None), Verification.due_at <= now,
                                                   Case.state.not_in(FINISHED_STATES)).order_by(Verification.id))
    with transaction(sessions) as session:
        return sum(1 for task in session.scalars(query)
                   if alerts.verification_overdue(session, settings, task.case, now, task.id, task.owner))


def add_evidence(session: Session, case: Case, actor: str, now: datetime, *, source: str | None,
                 note: str | None, link: str | None, file_name: str | None) -> Evidence:
    """Attach one piece of evidence to the open verification: its source, and a note, link or file name."""
    task = current(case)
    source, note, link, file_name = ((value or "").strip() for value in (source, note, link, file_name))
    if not source:
        raise WorkflowError("请填写证据来源（如 区民政局发放台账、当事人电话核实）", 400)
    if not (note or link or file_name):
        raise WorkflowError("请填写证据说明、链接或文件名（至少一项）", 400)
    if link and not safe_url(link):
        raise WorkflowError("证据链接须是以 http:// 或 https:// 开头的完整网址", 400)
    item = Evidence(verification=task, added_by=actor, added_at=now, source=source, note=note, link=link,
                    file_name=file_name)
    session.add(item)
    session.flush()
    move(session, case, "evidence", actor, now, None, reason=note,
         data={"verification": task.id, "evidence": item.id, "source": source, "link": link, "file_name": file_name})
    return item


def conclude(session: Session, case: Case, actor: str, now: datetime, verdict: str | None,
             finding: str) -> Verification:
    """Close 核实 with a verdict (不实 / 部分不实 / 属实) and the verified finding; needs evidence."""
    task = current(case)
    if not task.evidence:
        raise WorkflowError("核实须附至少一条证据后才能下结论", 409)
    task.verdict, task.finding, task.done_at, task.done_by = parse_verdict(verdict), finding.strip(), now, actor
    move(session, case, "verify", actor, now, "assigned", reason=finding,
         data={"verification": task.id, "verdict": task.verdict, "label": VERDICT_LABELS[task.verdict],
               "evidence": [e.id for e in task.evidence]})
    return task


def verified(case: Case) -> Verification:
    """The concluded verification a rebuttal rests on; WorkflowError when there is none or the rumour was true."""
    task = current(case)
    if task is None or task.done_at is None:
        raise WorkflowError("该传闻尚未核实：请先「发起核实」、附证据并下结论，再生成辟谣稿", 409)
    if task.verdict not in REBUTTABLE:
        raise WorkflowError(f"核实结论为「{VERDICT_LABELS[task.verdict]}」，不能辟谣，请按实际情况回应", 409)
    return task


def _chosen_templates(settings: Settings, keys: list[str]) -> list[ReplyTemplate]:
    """The named templates (each approved and of kind rumour), or by default the first rumour opening and closing."""
    approved = {t.key: t for t in settings.replies.templates}
    for key in keys:
        if key not in approved:
            raise WorkflowError(f"「{key}」不是核准模板（replies.yaml）", 400)
        if approved[key].kind != "rumour":
            raise WorkflowError(f"核准模板「{key}」不是辟谣模板（kind: rumour）", 400)
    if keys:
        return [approved[k] for k in keys]
    rumour = [t for t in settings.replies.templates if t.kind == "rumour"]
    return [t for t in rumour if t.part == "opening"][:1] + [t for t in rumour if t.part == "closing"][:1]


def build_rebuttal(settings: Settings, case: Case, keys: list[str]) -> list[Sentence]:
    """The rebuttal's sentences: approved rumour templates (openings first, closings last) around the verified
    finding; WorkflowError without a concluded verification, with an unapproved template, or over the limit."""
    task = verified(case)
    section = section_of(settings, case.topic, case.owner)
    templates = _chosen_templates(settings, keys)
    filled = {t.key: fill_template(settings, t, section) for t in templates}
    finding = task.finding if task.finding[-1:] in SENTENCE_END else f"{task.finding}。"
    fact = Sentence(f"经核实，{finding}", f"{VERIFIED}{task.id}")
    sentences = [*(filled[t.key] for t in templates if t.part == "opening" and filled[t.key]), fact,
                 *(filled[t.key] for t in templates if t.part == "closing" and filled[t.key])]
    limit, length = reply_limit(settings, case.platform), sum(len(s.text) for s in sentences)
    if length > limit:
        raise WorkflowError(f"辟谣稿共 {length} 字，超过该平台上限 {limit} 字：请少选模板或精简核实结论", 400)
    return sentences


def rebut(session: Session, settings: Settings, case: Case, actor: str, now: datetime, keys: list[str]) -> Draft:
    """Save the rebuttal built from approved templates and the verified finding as a new draft, every sentence cited."""
    sentences = build_rebuttal(settings, case, keys)
    task = verified(case)
    evidence = [e.id for e in task.evidence]
    version = max((d.version for d in case.drafts), default=0) + 1
    draft = Draft(case=case, version=version, text="".join(s.text for s in sentences), platform=case.platform,
                  author=actor, status="draft", created_at=now,
                  citations=[{"text": s.text, "source": s.source,
                              **({"evidence": evidence} if s.source.startswith(VERIFIED) else {})} for s in sentences])
    session.add(draft)
    move(session, case, "rebut", actor, now, "drafting", draft_version=version,
         data={"templates": [s.source.removeprefix("template:") for s in sentences if s.source.startswith("template:")],
               "verification": task.id})
    return draft


def is_rebuttal(draft: Draft) -> bool:
    """True when the draft was built by `rebut` (it cites a verification)."""
    return any(str(c.get("source", "")).startswith(VERIFIED) for c in draft.citations)


def check_reply(case: Case, action: str, text: str | None) -> None:
    """A rumour case's reply is its rebuttal: no free-text draft, and only the latest rebuttal goes up for approval."""
    if action == "draft":
        raise WorkflowError("谣言类工单的回复只能由「生成辟谣稿」按核准模板和核实结论生成", 409)
    chosen = latest(case, "draft")
    if chosen is None or not is_rebuttal(chosen):
        raise WorkflowError("没有待提交的辟谣稿：请先核实，再「生成辟谣稿」", 409)
    if text is not None and text.replace("\r\n", "\n").strip() != chosen.text:
        raise WorkflowError("辟谣稿不能手工改写：如需调整，请更换核准模板或重新核实后再生成", 409)


def refer(session: Session, case: Case, actor: str, now: datetime, action: str, unit: str | None,
          note: str, to_state: str | None) -> Transfer:
    """Record a transfer (转办, the case leaves) or a referral (移送, the bureau keeps rebutting) to a unit."""
    unit = (unit or "").strip()
    if not unit:
        raise WorkflowError("请填写转办单位（如 公安、网信）", 400)
    item = Transfer(case=case, unit=unit, sent_by=actor, sent_at=now, note=note, answer="", recorded_by="")
    session.add(item)
    session.flush()
    move(session, case, action, actor, now, to_state, reason=note, data={"to": unit, "transfer": item.id})
    return item


def record_answer(session: Session, case: Case, actor: str, now: datetime, unit: str | None,
                  answer: str) -> Transfer:
    """Keep the receiving unit's answer on the oldest unanswered transfer (to `unit` when given)."""
    unit = (unit or "").strip()
    waiting = [t for t in case.transfers if t.answered_at is None and (not unit or t.unit == unit)]
    if not waiting:
        raise WorkflowError(f"工单 #{case.id} 没有{('转给' + unit + '的') if unit else ''}待答复的转办", 409)
    item = waiting[0]
    item.answer, item.answered_at, item.recorded_by = answer, now, actor
    move(session, case, "transfer_answer", actor, now, None, reason=answer,
         data={"to": item.unit, "transfer": item.id, "sent_at": item.sent_at.isoformat()})
    return item
