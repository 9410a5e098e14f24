"""The case page's working parts: suggestions with their cited policies, action forms, and applying actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from responder.deadlines import due_of, milestones
from responder.links import safe_url
from responder.states import ALIASES, NEEDS_REASON
from yuqing.core.config import Settings
from yuqing.core.storage.models import Case
from yuqing.shell.web.guards import ascii_number
from yuqing.shell.web.labels import time_left

TEXT_ACTIONS = ("draft", "submit")
NO_FIELDS = ("claim", "approve")
FIELDS = {"record_published": ("url",), "relabel": ("label", "reason"), "assign": ("to",), "reoffer": ("to",),
          "transfer": ("unit", "reason"), "revisit": ("method", "satisfaction", "reason"),
          "evidence": ("source", "reason", "url", "file_name"), "verify": ("verdict", "reason"), "rebut": ("templates",),
          "refer": ("unit", "reason"), "transfer_answer": ("unit", "reason")}
REQUIRED_FIELDS = {"record_published": ("url",), "relabel": ("label",), "assign": ("to",), "transfer": ("unit",),
                   "revisit": ("method", "satisfaction"), "evidence": ("source",), "verify": ("verdict",),
                   "refer": ("unit",)}
MISSING = {"reason": "请填写原因。", "url": "请填写发布链接。", "unit": "请填写转办单位。", "to": "请选择人员。",
           "label": "请选择新的标注。", "method": "请选择回访方式。", "satisfaction": "请选择满意度。",
           "source": "请填写证据来源。", "verdict": "请选择核实结论。"}
DRAFT_STATES = {"draft": "草稿", "pending": "待审核", "approved": "已审核", "published": "已发布", "sent_back": "已退回"}


class ActionRefused(Exception):
    """An action the desk refuses before or after asking the workflow, with an HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Citation:
    """One sentence of a suggestion and the approved text it comes from."""

    text: str
    source: str
    question: str
    document: str


@dataclass(frozen=True)
class ActionForm:
    """An allowed action as the page shows it: which fields it asks for and which are required."""

    action: str
    fields: tuple[str, ...]
    required: tuple[str, ...]


def reply_limit(settings: Settings, platform: str) -> int:
    """The character limit of a reply on a platform."""
    limits = settings.response.platform_limits
    return limits.get(platform, limits.get("default", 150))


def normalize_text(text: str) -> str:
    """Reply text as counted and stored: browser CRLF line ends become LF, outer blanks trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def citations(settings: Settings, suggestion: dict[str, Any]) -> list[Citation]:
    """The sentences of a suggestion with the policy answer or template each one cites."""
    policies = {p.key: p for p in settings.replies.policies}
    result = []
    for sentence in suggestion.get("sentences", []):
        kind, _, key = str(sentence.get("source", "")).partition(":")
        policy = policies.get(key) if kind == "policy" else None
        source = f"核准模板 {key}" if kind == "template" else str(sentence.get("source", ""))
        result.append(Citation(str(sentence.get("text", "")), source, policy.question if policy else "",
                               policy.source if policy else ""))
    return result


@dataclass(frozen=True)
class ClockRow:
    """One response clock of a case: what it asks for, when it is due, and whether it was met."""

    label: str
    due: datetime
    done_at: datetime | None
    left: str
    left_class: str


def clock_rows(case: Case, now: datetime) -> list[ClockRow]:
    """The case's response clocks (国办发 61号/80号 milestones) with the time left on each open one."""
    rows = []
    for item in milestones(case):
        due, done = due_of(item), datetime.fromisoformat(item["done_at"]) if item.get("done_at") else None
        left, css = ("已完成", "left-ok") if done else time_left(due, now)
        rows.append(ClockRow(item.get("label", ""), due, done, left, css))
    return rows


def confirmation(case: Case) -> dict[str, Any]:
    """Whether the published reply was seen on its link: the check's progress, times as datetimes."""
    from responder.confirm import tracking

    state = dict(tracking(case))
    for key in ("seen_at", "gone_at", "last_checked_at"):
        if state.get(key):
            state[key] = datetime.fromisoformat(state[key])
    return state


def fields_of(action: str) -> tuple[str, ...]:
    """The inputs an action's form asks for (a reason or note unless the action needs none)."""
    return () if action in NO_FIELDS else FIELDS.get(action, ("reason",))


def required_of(action: str) -> tuple[str, ...]:
    """The inputs an action cannot go without (reasons as the workflow demands them)."""
    return REQUIRED_FIELDS.get(action, ()) + (("reason",) if action in NEEDS_REASON else ())


def text_actions(case: Case, actions: list[str]) -> list[str]:
    """The allowed actions done in the reply editor (a rumour's reply is its rebuttal: submitted, never typed)."""
    return [a for a in actions if a in TEXT_ACTIONS and not (case.kind == "rumour" and a == "draft")]


def rumour_templates(settings: Settings) -> list[tuple[str, str, str]]:
    """The approved rumour templates a rebuttal may use: key, part (opening/closing) and text."""
    return [(t.key, t.part, t.text) for t in settings.replies.templates if t.kind == "rumour"]


def action_forms(actions: list[str]) -> list[ActionForm]:
    """Forms for the allowed actions that are not done in the reply editor."""
    return [ActionForm(a, fields_of(a), required_of(a)) for a in actions if a not in TEXT_ACTIONS]


def allowed(case: Case, actor: str, settings: Settings) -> list[str]:
    """The actions this person may take on the case in its current state."""
    from responder.workflow import allowed_actions

    return list(allowed_actions(case, actor, settings))


def _check_fields(case: Case, settings: Settings, action: str, values: dict[str, str]) -> dict[str, Any]:
    for name in required_of(ALIASES.get(action, action)):
        if not values.get(name, "").strip():
            raise ActionRefused(400, MISSING.get(name, "请填写必填项后再提交。"))
    text = normalize_text(values["text"]) if action in TEXT_ACTIONS else None
    if text is not None:
        limit = reply_limit(settings, case.platform)
        if not text:
            raise ActionRefused(400, "回复内容不能为空。")
        if len(text) > limit:
            raise ActionRefused(400, f"回复共 {len(text)} 字，超过平台上限 {limit} 字，未提交。请删减后再提交。")
    url = values.get("url", "").strip()
    if url and not safe_url(url):
        raise ActionRefused(400, "链接须是以 http:// 或 https:// 开头的完整网址。")
    to = (values.get("unit") or values.get("to") or "").strip()
    version = values.get("version", "")
    return {"reason": values.get("reason", "").strip(), "text": text, "url": url or None, "to": to or None,
            "label": _label(values), "method": values.get("method", "").strip() or None,
            "source": values.get("source", "").strip() or None, "file_name": values.get("file_name", "").strip() or None,
            "expected_version": ascii_number(version)}


def _label(values: dict[str, str]) -> str | None:
    """The choice a form made: a satisfaction, a verdict, the rebuttal's templates or a new label."""
    for name in ("satisfaction", "verdict", "templates", "label"):
        if value := values.get(name, "").strip():
            return value
    return None


def perform(session: Session, settings: Settings, case: Case, action: str, actor: str, now: datetime,
            values: dict[str, str]) -> Case:
    """Validate the submitted fields, then apply the action through the responder's workflow and commit."""
    from responder.workflow import WorkflowError, apply

    kwargs = _check_fields(case, settings, action, values)
    try:
        result = apply(session, case.id, action, actor, now, settings=settings, **kwargs)
        session.commit()
    except WorkflowError as exc:
        session.rollback()
        raise ActionRefused(refusal_status(exc), str(exc)) from None
    except StaleDataError:
        session.rollback()
        raise ActionRefused(409, "工单刚被他人修改，请刷新页面后重试。") from None
    return result


def refusal_status(exc: Exception) -> int:
    """The HTTP status the workflow gave its refusal: 403 forbidden actor, 409 state, 400 bad input, 404."""
    status = getattr(exc, "status", 409)
    return status if status in (400, 403, 404, 409) else 409
