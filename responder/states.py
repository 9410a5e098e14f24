"""Case states, actions and their Chinese labels: the vocabulary of the reply queue."""

from __future__ import annotations

from dataclasses import dataclass

SYSTEM = "system"

STATE_LABELS: dict[str, str] = {
    "new": "新发现",
    "triaged": "已研判",
    "assigned": "已分办",
    "verifying": "核实中",
    "drafting": "起草中",
    "pending_approval": "待审核",
    "approved": "已审核",
    "responded": "已回应",
    "confirmed": "已确认",
    "following": "跟踪中",
    "closed": "已关闭",
    "escalated": "已升级",
    "transferred": "已转办",
    "no_response": "无需回应",
    "sent_back": "退回修改",
}

ACTION_LABELS: dict[str, str] = {
    "open": "立案",
    "claim": "认领",
    "triage": "研判",
    "assign": "分办",
    "reoffer": "改派",
    "draft": "起草",
    "submit": "提交审核",
    "approve": "审核通过",
    "send_back": "退回修改",
    "record_published": "登记已发布",
    "follow": "跟踪",
    "close": "关闭",
    "escalate": "升级",
    "transfer": "转办",
    "dismiss": "无需回应",
    "relabel": "调整级别",
    "reopen": "重新打开",
    "comment": "备注",
    "revisit": "回访",
    "confirm": "确认已发布",
    "confirm_missing": "未见发布",
    "confirm_gone": "发布已消失",
    "attach": "并入新帖",
    "level_rise": "级别上升",
    "remind": "时限提醒",
    "breach": "超时",
    "verify_open": "发起核实",
    "evidence": "添加证据",
    "verify": "核实结论",
    "rebut": "生成辟谣稿",
    "refer": "移送",
    "transfer_answer": "登记转办答复",
}

LEVEL_LABELS: dict[int, str] = {1: "Ⅰ级（特别重大）", 2: "Ⅱ级（重大）", 3: "Ⅲ级（较大）", 4: "Ⅳ级（一般）"}
LEVEL_NUMERALS: dict[int, str] = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}

FINISHED_STATES = frozenset({"closed", "no_response"})
OPEN_STATES = frozenset(STATE_LABELS) - FINISHED_STATES
BEFORE_REPLY = frozenset({"new", "triaged", "assigned", "verifying", "drafting", "sent_back", "escalated"})
WRITABLE = frozenset({"assigned", "drafting", "sent_back", "escalated", "responded", "confirmed", "following"})
PUBLISHED = frozenset({"responded", "confirmed", "following", "closed"})


@dataclass(frozen=True)
class Transition:
    """Where an action may start and where it leads (None: the state stays)."""

    sources: frozenset[str]
    target: str | None


TRANSITIONS: dict[str, Transition] = {
    "claim": Transition(frozenset({"new", "triaged", "assigned", "escalated"}), "assigned"),
    "triage": Transition(frozenset({"new"}), "triaged"),
    "assign": Transition(frozenset({"new", "triaged", "assigned", "escalated"}), "assigned"),
    "reoffer": Transition(frozenset({"new", "assigned"}), None),
    "draft": Transition(WRITABLE, "drafting"),
    "submit": Transition(WRITABLE, "pending_approval"),
    "approve": Transition(frozenset({"pending_approval"}), None),
    "send_back": Transition(frozenset({"pending_approval", "approved"}), "sent_back"),
    "record_published": Transition(frozenset({"approved"}), "responded"),
    "follow": Transition(frozenset({"responded", "confirmed"}), "following"),
    "close": Transition(frozenset({"responded", "confirmed", "following", "transferred"}), "closed"),
    "escalate": Transition(OPEN_STATES - {"transferred"}, None),
    "transfer": Transition(OPEN_STATES - {"transferred"}, "transferred"),
    "dismiss": Transition(BEFORE_REPLY, "no_response"),
    "relabel": Transition(OPEN_STATES, None),
    "reopen": Transition(frozenset({"closed", "no_response", "transferred"}), None),
    "comment": Transition(frozenset(STATE_LABELS), None),
    "revisit": Transition(PUBLISHED, None),
    "confirm": Transition(PUBLISHED - {"confirmed"}, "confirmed"),
    "verify_open": Transition(BEFORE_REPLY - {"verifying"}, "verifying"),
    "evidence": Transition(frozenset({"verifying"}), None),
    "verify": Transition(frozenset({"verifying"}), "assigned"),
    "rebut": Transition(WRITABLE, "drafting"),
    "refer": Transition(OPEN_STATES - {"transferred"}, None),
    "transfer_answer": Transition(frozenset(STATE_LABELS), None),
}
# Actions of the rumour workflow (辟谣): only a rumour case takes them.
RUMOUR_ACTIONS = frozenset({"verify_open", "evidence", "verify", "rebut", "refer"})
# Who may take each action: a role, "manager" (spokesperson, leader, director), "owner" (the case's
# owner) or "approver" (a required approver of the pending reply). The system may only assign,
# re-offer, escalate and confirm (the reply seen on the published link; managers may confirm by hand).
WHO: dict[str, frozenset[str]] = {
    "claim": frozenset({"commentator", "spokesperson"}),
    "triage": frozenset({"manager", "owner"}),
    "assign": frozenset({"manager"}),
    "reoffer": frozenset({"manager"}),
    "draft": frozenset({"owner", "spokesperson"}),
    "submit": frozenset({"owner", "spokesperson"}),
    "approve": frozenset({"approver"}),
    "send_back": frozenset({"approver"}),
    "record_published": frozenset({"owner", "spokesperson"}),
    "follow": frozenset({"owner", "manager"}),
    "close": frozenset({"owner", "manager"}),
    "escalate": frozenset({"owner", "manager"}),
    "transfer": frozenset({"manager"}),
    "dismiss": frozenset({"manager"}),
    "relabel": frozenset({"manager"}),
    "reopen": frozenset({"manager"}),
    "comment": frozenset({"owner", "manager", "approver", "commentator"}),
    "revisit": frozenset({"owner", "manager"}),
    "confirm": frozenset({"manager"}),
    "verify_open": frozenset({"owner", "manager"}),
    "evidence": frozenset({"owner", "manager"}),
    "verify": frozenset({"owner", "manager"}),
    "rebut": frozenset({"owner", "spokesperson"}),
    "refer": frozenset({"manager"}),
    "transfer_answer": frozenset({"owner", "manager"}),
}
SYSTEM_ACTIONS = frozenset({"assign", "reoffer", "escalate", "confirm"})
NEEDS_REASON = frozenset({"send_back", "transfer", "dismiss", "relabel", "reopen", "comment", "revisit", "confirm",
                          "verify", "refer", "transfer_answer"})
ALIASES = {"no_response": "dismiss", "publish": "record_published", "published": "record_published",
           "reassign": "assign", "relevel": "relabel", "follow_up": "revisit"}


def state_label(state: str) -> str:
    """The Chinese label of a state (the id itself when unknown)."""
    return STATE_LABELS.get(state, state)


def action_label(action: str) -> str:
    """The Chinese label of an action (the id itself when unknown)."""
    return ACTION_LABELS.get(action, action)


def level_label(level: int) -> str:
    """The Chinese label of a level, e.g. 'Ⅲ级（较大）'."""
    return LEVEL_LABELS.get(level, str(level))


def parse_level(label: str | int) -> int:
    """A level from '2', 'Ⅱ', 'II' or 'Ⅱ级'; ValueError when it is none of those."""
    text = str(label).strip().removesuffix("级").upper()
    romans = {"I": 1, "II": 2, "III": 3, "IV": 4}
    for number, numeral in LEVEL_NUMERALS.items():
        if text in (str(number), numeral):
            return number
    if text in romans:
        return romans[text]
    raise ValueError(f"无法识别的级别 {label!r}（可用 1-4 或 Ⅰ-Ⅳ）")
