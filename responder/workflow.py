"""The case state machine: one entry point `apply` that checks, performs and audits one action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from responder import alerts, deadlines, review, revisits, routing, rumour
from responder.audit import WorkflowError, move, record
from responder.people import MANAGER_ROLES, approvers_for, cover_for, find_member, ladder_rung
from responder.states import (
    ALIASES, BEFORE_REPLY, NEEDS_REASON, RUMOUR_ACTIONS, SYSTEM, SYSTEM_ACTIONS, TRANSITIONS, WHO, action_label,
    parse_level, state_label,
)
from yuqing.core.config import Settings
from yuqing.core.display import SENTIMENT_NAMES
from yuqing.core.storage.case_data import case_data, update_case_data
from yuqing.core.storage.models import Case

__all__ = ["WorkflowError", "allowed_actions", "apply", "change_level", "escalate", "record"]


@dataclass(frozen=True)
class Request:
    """One action as asked: by whom, when, and its inputs."""

    action: str
    actor: str
    now: datetime
    reason: str = ""
    text: str | None = None
    url: str | None = None
    to: str | None = None
    label: str | None = None
    method: str | None = None
    source: str | None = None
    file_name: str | None = None


def _hats(case: Case, actor: str, settings: Settings) -> set[str]:
    """What the actor counts as for this case: role, manager, owner, approver."""
    person = find_member(settings, actor)
    if person is None:
        return set()
    hats: set[str] = {person.role}
    if person.role in MANAGER_ROLES:
        hats.add("manager")
    if actor == case.owner:
        hats.add("owner")
    if actor in case.approvers or not review.may_approve(case, actor, settings):
        hats.add("approver")
    return hats


def refusal(case: Case, action: str, actor: str, settings: Settings) -> str:
    """Why `actor` may not do `action` on the case now ('' when allowed)."""
    if actor == SYSTEM:
        return "" if action in SYSTEM_ACTIONS else "系统不能执行该操作"
    if action in RUMOUR_ACTIONS and case.kind != "rumour":
        return f"「{action_label(action)}」只用于谣言类工单"
    hats = _hats(case, actor, settings)
    if not hats:
        return f"未知的人员 {actor!r}"
    if action == "approve" and (why := review.may_approve(case, actor, settings)):
        return why
    return "" if hats & WHO[action] else f"{actor} 无权对该工单执行「{action_label(action)}」"


def allowed_actions(case: Case, actor_key: str, settings: Settings) -> list[str]:
    """The actions this person may take on the case in its current state, in a stable order."""
    return [a for a, t in TRANSITIONS.items() if case.state in t.sources and not refusal(case, a, actor_key, settings)]


def _check(case: Case, req: Request, settings: Settings) -> None:
    if req.action not in TRANSITIONS:
        raise WorkflowError(f"未知的操作 {req.action!r}；可用: {', '.join(TRANSITIONS)}", 400)
    if case.state not in TRANSITIONS[req.action].sources:
        raise WorkflowError(f"工单 #{case.id} 当前为「{state_label(case.state)}」，不能「{action_label(req.action)}」")
    if why := refusal(case, req.action, req.actor, settings):
        raise WorkflowError(why, 403)
    if req.action in NEEDS_REASON and not req.reason:
        raise WorkflowError(f"「{action_label(req.action)}」须填写原因", 400)


def apply(session: Session, case_id: int, action: str, actor: str, now: datetime, *, reason: str = "",
          text: str | None = None, url: str | None = None, to: str | None = None, label: str | None = None,
          method: str | None = None, source: str | None = None, file_name: str | None = None, settings: Settings,
          expected_version: int | None = None) -> Case:
    """Perform one action on a case, append its audit row and flush; WorkflowError when refused.

    A 回访 (`revisit`) takes `method` (how the citizen was reached), `label` (满意 / 基本满意 / 不满意)
    and `reason` (the outcome). The rumour workflow: `evidence` takes `source`, `reason` (a note), `url` (a link)
    and `file_name`; `verify` takes `label` (the verdict) and `reason` (the finding); `rebut` takes `label`
    (approved template keys, comma separated, or none for the defaults); `refer`, `transfer` and
    `transfer_answer` take `to` (the unit) and `reason` (the note, or the unit's answer).

    `expected_version` (the Case.version a form was rendered from) refuses stale edits; concurrent
    writers that both pass the check are still caught by optimistic locking at flush.
    """
    case = session.get(Case, case_id)
    if case is None:
        raise WorkflowError(f"工单 #{case_id} 不存在", 404)
    if expected_version is not None and expected_version != case.version:
        raise WorkflowError("工单刚被他人修改，请刷新后重试")
    req = Request(ALIASES.get(action, action), actor, now, (reason or "").strip(), text, url, to, label, method,
                  source, file_name)
    _check(case, req, settings)
    if actor != SYSTEM:
        case.triaged_at = case.triaged_at or now
        update_case_data(case, touched_at=now.isoformat())
    try:
        HANDLERS[req.action](session, settings, case, req)
        session.flush()
    except StaleDataError:
        raise WorkflowError("工单刚被他人修改，请刷新后重试") from None
    return case


def _assign_to(session: Session, settings: Settings, case: Case, req: Request, key: str, action: str) -> None:
    person = find_member(settings, key or "")
    if person is None:
        raise WorkflowError(f"未知的人员 {key!r}", 400)
    on_duty = cover_for(settings, key) or key
    case.owner = on_duty
    update_case_data(case, offered=[*case_data(case).get("offered", []), on_duty], assigned_at=req.now.isoformat())
    data = {"to": on_duty, "covering_for": key if on_duty != key else ""}
    move(session, case, action, req.actor, req.now, TRANSITIONS[action].target, reason=req.reason, data=data)
    alerts.assigned(session, settings, case, req.now)


def _claim(session: Session, settings: Settings, case: Case, req: Request) -> None:
    case.owner = req.actor
    move(session, case, "claim", req.actor, req.now, "assigned", reason=req.reason)


def _triage(session: Session, settings: Settings, case: Case, req: Request) -> None:
    move(session, case, "triage", req.actor, req.now, "triaged", reason=req.reason)


def _assign(session: Session, settings: Settings, case: Case, req: Request) -> None:
    _assign_to(session, settings, case, req, req.to or "", "assign")


def _reoffer(session: Session, settings: Settings, case: Case, req: Request) -> None:
    key = req.to or routing.route(session, settings, case.topic, exclude=case_data(case).get("offered", []))
    if not key:
        alerts.unrouted(session, settings, case, req.now)
        raise WorkflowError("没有其他有余力的评论员可改派", 409)
    _assign_to(session, settings, case, req, key, "reoffer")


def escalate(session: Session, settings: Settings, case: Case, actor: str, now: datetime, reason: str,
             clock: str = "") -> list[str]:
    """Climb one rung of the ladder: audit row, state escalated (before a reply), alerts; returns who was told."""
    case.escalation_step += 1
    targets = ladder_rung(settings, case.owner, case.escalation_step)
    to_state = "escalated" if case.state in BEFORE_REPLY else None
    move(session, case, "escalate", actor, now, to_state, reason=reason,
         data={"step": case.escalation_step, "to": targets, "clock": clock})
    alerts.breached(session, settings, case, now, clock or "manual", case.escalation_step, targets)
    return targets


def _escalate(session: Session, settings: Settings, case: Case, req: Request) -> None:
    escalate(session, settings, case, req.actor, req.now, req.reason)


def _step(session: Session, settings: Settings, case: Case, req: Request) -> None:
    """Actions that only move the state (follow, close, dismiss) or note something (comment)."""
    move(session, case, req.action, req.actor, req.now, TRANSITIONS[req.action].target, reason=req.reason,
         data={"to": req.to} if req.to else None)
    if req.action in ("close", "dismiss"):
        case.closed_at = req.now


def _transfer(session: Session, settings: Settings, case: Case, req: Request) -> None:
    rumour.refer(session, case, req.actor, req.now, "transfer", req.to, req.reason, "transferred")


def _refer(session: Session, settings: Settings, case: Case, req: Request) -> None:
    units = settings.response.rumour.units
    if (req.to or "").strip() not in units:
        raise WorkflowError(f"请选择移送单位：{' / '.join(units)}", 400)
    rumour.refer(session, case, req.actor, req.now, "refer", req.to, req.reason, None)


def _transfer_answer(session: Session, settings: Settings, case: Case, req: Request) -> None:
    rumour.record_answer(session, case, req.actor, req.now, req.to, req.reason)


def _verify_open(session: Session, settings: Settings, case: Case, req: Request) -> None:
    rumour.open_verification(session, settings, case, req.actor, req.now, req.reason)


def _evidence(session: Session, settings: Settings, case: Case, req: Request) -> None:
    rumour.add_evidence(session, case, req.actor, req.now, source=req.source, note=req.reason, link=req.url,
                        file_name=req.file_name)


def _verify(session: Session, settings: Settings, case: Case, req: Request) -> None:
    rumour.conclude(session, case, req.actor, req.now, req.label, req.reason)


def _rebut(session: Session, settings: Settings, case: Case, req: Request) -> None:
    keys = [k for k in (req.label or "").replace("，", ",").replace(" ", ",").split(",") if k]
    rumour.rebut(session, settings, case, req.actor, req.now, keys)


def _reopen(session: Session, settings: Settings, case: Case, req: Request) -> None:
    case.closed_at = None
    move(session, case, "reopen", req.actor, req.now, "assigned" if case.owner else "new", reason=req.reason)


def change_level(session: Session, settings: Settings, case: Case, level: int, actor: str, now: datetime,
                 reason: str, action: str = "relabel") -> None:
    """Set a case's level: approvers, emergency and clocks follow; a rise alerts the watchers."""
    old = case.level
    case.level = level
    case.approvers = approvers_for(settings, level, case.topic)
    emergency = deadlines.is_emergency(settings, level, case.topic)
    if emergency != case.emergency:
        case.emergency = emergency
        deadlines.replan(case, settings)
    move(session, case, action, actor, now, None, reason=reason, data={"from_level": old, "to_level": level})
    if level < old:
        alerts.level_rose(session, settings, case, now, old)


def _relabel(session: Session, settings: Settings, case: Case, req: Request) -> None:
    label = (req.label or "").strip()
    if label in SENTIMENT_NAMES:
        _override_sentiment(session, case, req, label)
        return
    try:
        level = parse_level(label)
    except ValueError as exc:
        raise WorkflowError(f"{exc}；或填写情感 negative/neutral/positive", 400) from None
    change_level(session, settings, case, level, req.actor, req.now, req.reason)


def _override_sentiment(session: Session, case: Case, req: Request, label: str) -> None:
    for link in case.posts:
        if link.post.assessment is not None:
            link.post.assessment.label_override, link.post.assessment.label_override_by = label, req.actor
    move(session, case, "relabel", req.actor, req.now, None, reason=req.reason,
         data={"sentiment": label, "label": SENTIMENT_NAMES[label]})


def _draft(session: Session, settings: Settings, case: Case, req: Request) -> None:
    if case.kind == "rumour":
        rumour.check_reply(case, "draft", req.text)
    review.draft(session, settings, case, req.actor, req.now, req.text)


def _submit(session: Session, settings: Settings, case: Case, req: Request) -> None:
    if case.kind == "rumour":
        rumour.check_reply(case, "submit", req.text)
        review.submit(session, settings, case, req.actor, req.now, None)
        return
    review.submit(session, settings, case, req.actor, req.now, req.text)


def _approve(session: Session, settings: Settings, case: Case, req: Request) -> None:
    review.approve(session, settings, case, req.actor, req.now, req.reason)


def _send_back(session: Session, settings: Settings, case: Case, req: Request) -> None:
    review.send_back(session, settings, case, req.actor, req.now, req.reason)


def _publish(session: Session, settings: Settings, case: Case, req: Request) -> None:
    row = review.record_published(session, case, req.actor, req.now, req.url)
    if task := revisits.schedule(session, settings, case, req.now):
        row.data = {**row.data, "revisit_due": task.due_at.isoformat()}


def _confirm(session: Session, settings: Settings, case: Case, req: Request) -> None:
    """The reply was seen on the published link (by the system, or by a manager by hand):
    a reply still only 已回应 becomes 已确认; later states keep going."""
    move(session, case, "confirm", req.actor, req.now, "confirmed" if case.state == "responded" else None,
         reason=req.reason, data={"url": case.published_url, "seen_at": req.now.isoformat()})


def _revisit(session: Session, settings: Settings, case: Case, req: Request) -> None:
    revisits.record(session, settings, case, req.actor, req.now, method=req.method, satisfaction=req.label,
                    outcome=req.reason)


HANDLERS: dict[str, Callable[[Session, Settings, Case, Request], None]] = {
    "claim": _claim, "triage": _triage, "assign": _assign, "reoffer": _reoffer, "draft": _draft,
    "submit": _submit, "approve": _approve, "send_back": _send_back, "record_published": _publish,
    "follow": _step, "close": _step, "escalate": _escalate, "transfer": _transfer, "dismiss": _step,
    "relabel": _relabel, "reopen": _reopen, "comment": _step, "revisit": _revisit,
    "confirm": _confirm, "verify_open": _verify_open, "evidence": _evidence, "verify": _verify, "rebut": _rebut,
    "refer": _refer, "transfer_answer": _transfer_answer,
}
