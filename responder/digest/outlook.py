"""The judgement and next week's watch-list, stated only from the week's own figures."""

from __future__ import annotations

from responder.digest.caserows import CaseRow
from responder.digest.coverage import CoverageFigures
from responder.digest.events import EventFigure
from responder.digest.formatting import change_text, percent
from responder.digest.handling import HandlingFigures
from responder.digest.labels import LEVEL_SHORT
from responder.digest.volume import VolumeFigures
from yuqing.core.config import Settings

RISING_TOPIC_MIN = 5
WATCH_LIMIT = 10


def _level(level: int) -> str:
    return LEVEL_SHORT.get(level, f"{level}级")


def judgement(volume: VolumeFigures, events: list[EventFigure], handling: HandlingFigures,
              coverage: CoverageFigures) -> list[str]:
    """A few sentences summing up the week, every number taken from the figures."""
    lines = [
        f"本周共监测到涉及本局的信息 {volume.total} 条，较上周{change_text(volume.change)}；"
        f"负面占比 {percent(volume.negative_share)}（上周 {percent(volume.previous_negative_share)}）。"
    ]
    if events:
        top = events[0]
        lines.append(f"关注度最高的事件为“{top.title}”（{_level(top.level)}），"
                     f"本周 {top.posts} 条，涉及 {top.platforms} 个平台。")
    lines.append(
        f"新立工单 {handling.opened} 件，首次回应 {handling.responded} 件，办结 {handling.closed} 件；"
        f"按时回应率 {percent(handling.on_time.share)}，截至周末超时未回应 {handling.overdue} 件。"
    )
    lines.append(_coverage_sentence(coverage))
    return lines


def _coverage_sentence(coverage: CoverageFigures) -> str:
    blind = [s for s in coverage.sources if s.blind]
    down = [s for s in coverage.sources if s.enabled and s.down_hours > 0 and not s.blind]
    if not down and not blind:
        return "各数据源全周采集正常，本周数据完整。"
    parts = [f"{'、'.join(s.name for s in blind)} 整周未能采集" if blind else ""]
    parts.append("、".join(f"{s.name} 中断 {s.down_hours:.1f} 小时" for s in down))
    return f"注意：{'；'.join(p for p in parts if p)}。相关渠道、时段的信息可能缺失，不能视为“无舆情”。"


def _capped(items: list[str], what: str) -> list[str]:
    """At most WATCH_LIMIT items, then one line counting the rest."""
    if len(items) <= WATCH_LIMIT:
        return items
    return items[:WATCH_LIMIT] + [f"另有 {len(items) - WATCH_LIMIT} 件{what}，详见“本周工单一览”。"]


def _case_items(cases: list[CaseRow]) -> list[str]:
    """Overdue cases first (longest overdue first), then open Ⅰ–Ⅲ cases, most severe first."""
    overdue = sorted((r for r in cases if r.overdue_hours is not None), key=lambda r: (r.level, -r.overdue_hours))
    items = _capped([f"尽快回应：“{r.title}”（{_level(r.level)}）已超出回应时限 {r.overdue_hours:.1f} 小时，"
                     f"责任人 {r.owner_name}。" for r in overdue], "超时未回应的工单")
    severe = [r for r in cases if r.overdue_hours is None and r.open_at_end and r.level <= 3]
    items += _capped([f"持续跟踪：“{r.title}”（{_level(r.level)}，{r.state_name}），责任人 {r.owner_name}。"
                      for r in severe], "在办的Ⅲ级以上工单")
    return items


def _topic_items(settings: Settings, volume: VolumeFigures) -> list[str]:
    names = {t.key: t.name for t in settings.topics.topics}
    items = []
    for key, tally in sorted(volume.topics.items(), key=lambda kv: -kv[1]["negative"]):
        if tally["negative"] >= RISING_TOPIC_MIN and tally["negative"] > tally["previous_negative"]:
            items.append(f"话题“{names.get(key, key)}”负面信息 {tally['negative']} 条，"
                         f"上周 {tally['previous_negative']} 条，呈上升趋势。")
    return items


def watchlist(settings: Settings, volume: VolumeFigures, events: list[EventFigure], cases: list[CaseRow],
              coverage: CoverageFigures) -> list[str]:
    """Open severe or overdue cases, severe events, rising negative topics, and sources still down."""
    items = _case_items(cases)
    handled = {row.id for row in cases}
    for event in events:
        if event.level <= 3 and event.case_id not in handled:
            items.append(f"关注事件：“{event.title}”（{_level(event.level)}，{event.state}），本周 {event.posts} 条。")
    items.extend(_topic_items(settings, volume))
    for source in coverage.sources:
        if source.enabled and not source.healthy_now:
            items.append(f"恢复采集：数据源“{source.name}”目前异常（{source.last_error or '原因未知'}），"
                         "恢复前该渠道存在盲区。")
    return items
