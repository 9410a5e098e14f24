"""Who hears what: alert rows for new cases, assignments, level rises, approvals, reminders, breaches."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from responder.deadlines import current_label
from responder.links import safe_url
from responder.outbox import enqueue
from responder.people import find_member, leaders_for
from responder.privacy import shorten
from responder.states import level_label, state_label
from yuqing.core.config import Settings
from yuqing.core.display import local_time
from yuqing.core.storage.case_data import case_data
from yuqing.core.storage.models import Case

URGENT_LEVEL = 2


def _clock_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def quiet_until(settings: Settings, now: datetime) -> datetime | None:
    """When quiet hours are on at `now`, the moment they end; otherwise None."""
    tz = ZoneInfo(settings.app.timezone)
    local = now.astimezone(tz)
    start, end = (_clock_time(settings.response.quiet_hours.start), _clock_time(settings.response.quiet_hours.end))
    here = local.time()
    inside = (start <= here or here < end) if start > end else (start <= here < end)
    if not inside or start == end:
        return None
    end_day = local.date() + timedelta(days=1) if start > end and here >= start else local.date()
    return datetime.combine(end_day, end, tzinfo=tz)


def local_text(settings: Settings, value: datetime | None) -> str:
    """A moment in the bureau's time zone, e.g. '2026-11-18 18:00'."""
    return local_time(value, ZoneInfo(settings.app.timezone))


def case_text(settings: Settings, case: Case) -> str:
    """The lines every case alert carries: title, level, state, owner, deadline, link (when web.base_url
    is an http(s) address; the case number otherwise)."""
    owner = find_member(settings, case.owner)
    who = f"{owner.name}（{owner.section or owner.title}）" if owner else "待分派"
    link = safe_url(f"{settings.app.web.base_url.rstrip('/')}/cases/{case.id}") or f"#{case.id}"
    return (f"标题：{case.title}\n级别：{level_label(case.level)}　状态：{state_label(case.state)}\n"
            f"负责人：{who}\n时限：{local_text(settings, case.deadline_at)}（{current_label(case) or '—'}）\n"
            f"工单：{link}")


def notify(session: Session, settings: Settings, case: Case, now: datetime, *, change: str,
           keys: Iterable[str], headline: str, extra: str = "") -> int:
    """Queue one alert per person and channel for this change of this case; returns rows written."""
    not_before = quiet_until(settings, now) if case.level > URGENT_LEVEL else None
    subject = f"【舆情工单 #{case.id}】{headline}"
    body = "\n".join(part for part in (extra, case_text(settings, case)) if part)
    written = 0
    for key in dict.fromkeys(k for k in keys if k):
        person = find_member(settings, key)
        for name in person.channels if person else []:
            config = settings.response.channels.get(name)
            if config is None or not config.enabled:
                continue
            recipient = person.email if config.type == "email" else name
            if recipient and enqueue(session, dedup_key=f"case:{case.id}:{change}:{name}:{recipient}", channel=name,
                                     recipient=recipient, subject=subject, body_text=body, now=now,
                                     case_id=case.id, level=case.level, not_before=not_before,
                                     payload={"case_id": case.id, "change": change}):
                written += 1
    return written


def _watchers(settings: Settings, case: Case) -> list[str]:
    keys = [settings.spokesperson.key]
    if case.level <= URGENT_LEVEL:
        keys += leaders_for(settings, case.topic)
    if case.level <= 1:
        keys += [p.key for p in settings.with_role("director")]
    return keys


def new_case(session: Session, settings: Settings, case: Case, now: datetime) -> int:
    """The spokesperson hears of every new case at the alert level or above (Ⅰ: the director too)."""
    if case.level > settings.response.thresholds.max_level:
        return 0
    return notify(session, settings, case, now, change="new", keys=_watchers(settings, case),
                  headline=f"新舆情 {level_label(case.level)}：{shorten(case.title, 30)}")


def assigned(session: Session, settings: Settings, case: Case, now: datetime) -> int:
    """The person a case was given to hears of it."""
    return notify(session, settings, case, now, change=f"assign:{case.owner}:{now:%Y%m%d%H%M%S}",
                  keys=[case.owner], headline=f"分派给您：{shorten(case.title, 30)}")


def level_rose(session: Session, settings: Settings, case: Case, now: datetime, old: int) -> int:
    """The spokesperson (and leaders for Ⅱ+) hear when a case's level rises."""
    return notify(session, settings, case, now, change=f"level:{case.level}", keys=_watchers(settings, case),
                  headline=f"级别上升 {level_label(old)} → {level_label(case.level)}：{shorten(case.title, 30)}")


def submitted(session: Session, settings: Settings, case: Case, now: datetime, version: int, author: str) -> int:
    """Approvers (except the author) hear that a reply waits for them."""
    keys = [k for k in case.approvers if k != author]
    return notify(session, settings, case, now, change=f"submit:{version}", keys=keys,
                  headline=f"回复待审核（第 {version} 稿）：{shorten(case.title, 30)}")


def sent_back(session: Session, settings: Settings, case: Case, now: datetime, version: int, reason: str) -> int:
    """The owner hears that a reply was sent back, and why."""
    return notify(session, settings, case, now, change=f"send_back:{version}", keys=[case.owner],
                  headline=f"回复被退回（第 {version} 稿）", extra=f"退回原因：{reason}")


def reminder(session: Session, settings: Settings, case: Case, now: datetime, clock: str, fraction: float) -> int:
    """Owner and spokesperson hear that a clock is `fraction` used."""
    return notify(session, settings, case, now, change=f"remind:{clock}:{fraction}",
                  keys=[case.owner, settings.spokesperson.key],
                  headline=f"时限已过 {fraction:.0%}：{shorten(case.title, 30)}")


def breached(session: Session, settings: Settings, case: Case, now: datetime, clock: str, step: int,
             targets: list[str]) -> int:
    """The next rung of the ladder and the spokesperson hear of a breach."""
    return notify(session, settings, case, now, change=f"breach:{clock}:{step}",
                  keys=[*targets, settings.spokesperson.key],
                  headline=f"超时未回应，已升级（第 {step} 级）：{shorten(case.title, 30)}")


def unrouted(session: Session, settings: Settings, case: Case, now: datetime) -> int:
    """The spokesperson hears that nobody had room for a case."""
    return notify(session, settings, case, now, change="unrouted", keys=[settings.spokesperson.key],
                  headline=f"无人可分派，请手工分办：{shorten(case.title, 30)}")


def triage_overdue(session: Session, settings: Settings, case: Case, now: datetime) -> int:
    """The spokesperson hears that a Ⅰ/Ⅱ case was not looked at within the triage time."""
    return notify(session, settings, case, now, change="triage_overdue", keys=_watchers(settings, case),
                  headline=f"{level_label(case.level)}舆情超过研判时限仍无人处理：{shorten(case.title, 30)}")


def revisit_overdue(session: Session, settings: Settings, case: Case, now: datetime, round_: int, owner: str) -> int:
    """The follow-up's owner and the spokesperson hear that a 回访 is past due."""
    return notify(session, settings, case, now, change=f"revisit_overdue:{round_}",
                  keys=[owner or case.owner, settings.spokesperson.key],
                  headline=f"回访已到期未完成（第 {round_} 次）：{shorten(case.title, 30)}")


def verification_overdue(session: Session, settings: Settings, case: Case, now: datetime, verification_id: int,
                          owner: str) -> int:
    """The verification's owner and the spokesperson hear once that a rumour's 核实 is past due."""
    return notify(session, settings, case, now, change=f"verify_overdue:{verification_id}",
                  keys=[owner or case.owner, settings.spokesperson.key],
                  headline=f"传闻核实已到期未完成：{shorten(case.title, 30)}")


def revisit_unsatisfied(session: Session, settings: Settings, case: Case, now: datetime, round_: int,
                        outcome: str) -> int:
    """The owner and the spokesperson hear that a citizen was 不满意 and the case is open again."""
    return notify(session, settings, case, now, change=f"revisit_unsatisfied:{round_}",
                  keys=[case.owner, settings.spokesperson.key],
                  headline=f"回访不满意，工单重新打开：{shorten(case.title, 30)}", extra=f"回访情况：{outcome}")


def reply_not_seen(session: Session, settings: Settings, case: Case, now: datetime, detail: str) -> int:
    """The owner and the spokesperson hear that the recorded reply is not seen on its link in time."""
    return notify(session, settings, case, now, change=f"reply_not_seen:{len(case_data(case).get('publications', []))}",
                  keys=[case.owner, settings.spokesperson.key],
                  headline=f"回复发布后仍未见于发布链接：{shorten(case.title, 30)}",
                  extra=f"发布链接：{case.published_url}\n检查结果：{detail}")


def reply_gone(session: Session, settings: Settings, case: Case, now: datetime, detail: str) -> int:
    """The owner and the spokesperson hear that a reply once seen on its link is gone."""
    return notify(session, settings, case, now, change=f"reply_gone:{len(case_data(case).get('publications', []))}:{now:%Y%m%d%H%M}",
                  keys=[case.owner, settings.spokesperson.key],
                  headline=f"已确认的回复已从发布链接消失：{shorten(case.title, 30)}",
                  extra=f"发布链接：{case.published_url}\n检查结果：{detail}")
