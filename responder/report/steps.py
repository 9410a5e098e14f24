"""Next steps for the leadership to decide, derived from the event's and its cases' recorded state."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from responder import deadlines
from responder.confirm import tracking
from responder.report.figures import ReportFigures
from yuqing.core.config import Settings
from yuqing.core.display import local_time
from yuqing.core.storage.models import Case

NEGATIVE_SHARE_ALERT = 0.5


def _case_steps(case: Case, tz: ZoneInfo) -> list[str]:
    steps = []
    upcoming = deadlines.current(case)
    if case.first_response_at is None and upcoming:
        steps.append(f"工单 #{case.id} 尚未回应：须在 {local_time(deadlines.due_of(upcoming), tz)} 前"
                     f"「{upcoming['label']}」，请确定口径并审定回复。")
    press = next((m for m in deadlines.milestones(case) if m["key"] == "emergency_press" and not m["done_at"]), None)
    if press:
        steps.append(f"是否举行新闻发布会（时限 {local_time(deadlines.due_of(press), tz)}）。")
    if case.published_url and not tracking(case).get("seen_at"):
        steps.append(f"工单 #{case.id} 的回复尚未在发布链接上确认，请核实是否已实际发布。")
    if case.kind == "rumour" and case.state not in ("closed", "no_response"):
        steps.append(_rumour_step(case, tz))
    if case.state == "transferred" and not case.transfers:
        steps.append(f"工单 #{case.id} 已转办，请跟进接收单位的办理答复。")
    for transfer in (t for t in case.transfers if t.answered_at is None):
        steps.append(f"工单 #{case.id} 已于 {local_time(transfer.sent_at, tz)} 转{transfer.unit}，请跟进其答复。")
    if any(r.satisfaction == "unsatisfied" for r in case.revisits) and case.state not in ("closed",):
        steps.append(f"工单 #{case.id} 回访不满意，研究再次答复的内容与口径。")
    return steps


def _rumour_step(case: Case, tz: ZoneInfo) -> str:
    """Where the rumour stands: not verified, verifying (due), verified but not rebutted, or rebutted."""
    check = case.verifications[-1] if case.verifications else None
    if check is None:
        return f"工单 #{case.id} 涉及传闻，尚未核实：请发起核实并附证据，核实后以权威信息澄清，必要时移送网信、公安。"
    if check.done_at is None:
        return f"工单 #{case.id} 的传闻正在核实（{len(check.evidence)} 条证据，{local_time(check.due_at, tz)} 到期）。"
    if check.verdict == "true":
        return f"工单 #{case.id} 的传闻经核实属实：请研究如实回应的口径和整改措施。"
    if case.published_url:
        return f"工单 #{case.id} 的辟谣稿已发布：继续跟踪谣言与辟谣的传播，必要时再次发布权威信息。"
    return f"工单 #{case.id} 的传闻经核实不实：请按核准模板生成辟谣稿并审定发布。"


def next_steps(settings: Settings, figures: ReportFigures, cases: list[Case], now: datetime) -> list[str]:
    """What is left to decide, each from a recorded fact (no case, a clock open, a reply unconfirmed...)."""
    tz = ZoneInfo(settings.app.timezone)
    steps = [] if cases else ["该事件尚未立案：建议立即立案并指定负责人。"]
    for case in cases:
        steps += _case_steps(case, tz)
    if figures.posts and figures.negative / figures.posts >= NEGATIVE_SHARE_ALERT:
        steps.append(f"负面信息占 {figures.negative}/{figures.posts}，研究是否进一步发布权威信息、回应关切。")
    steps.append("报请主要负责同志阅示。" if figures.level <= 1 else "报请分管领导阅示。")
    return steps
