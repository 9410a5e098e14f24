"""Response clocks per case (国办发〔2016〕61号/80号 defaults): plan, working days, what is due next."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from responder.workdays import add_working_days
from yuqing.core.config import Settings
from yuqing.core.config.response import Clock
from yuqing.core.storage.case_data import case_data, update_case_data
from yuqing.core.storage.models import Case

CONSULTATION_ANSWER = "consultation_answer"


def is_emergency(settings: Settings, level: int, topic: str) -> bool:
    """Ⅰ always counts as tied to an emergency; Ⅱ when its topic is an emergency topic."""
    return level <= 1 or (level == 2 and topic in settings.response.thresholds.emergency_topics)


def _milestone(key: str, label: str, due: datetime) -> dict[str, Any]:
    return {"key": key, "label": label, "due": due.isoformat(), "done_at": None}


def plan(settings: Settings, kind: str, emergency: bool, detected_at: datetime) -> list[dict[str, Any]]:
    """The milestones a case must meet, each due in calendar hours from first detection."""
    clocks = settings.response.clocks

    def after(clock: Clock) -> datetime:
        """The clock's due moment."""
        return detected_at + timedelta(hours=clock.hours)

    if emergency:
        information, press = clocks.emergency_information, clocks.emergency_press
        return [_milestone("emergency_information", information.label, after(information)),
                _milestone("emergency_press", press.label, after(press))]
    if kind == "consultation":
        answer = add_working_days(detected_at, clocks.consultation_answer_working_days, clocks,
                                  ZoneInfo(settings.app.timezone))
        return [_milestone("consultation_ack", clocks.consultation_ack.label, after(clocks.consultation_ack)),
                _milestone(CONSULTATION_ANSWER, f"{clocks.consultation_answer_working_days}个工作日内答复", answer)]
    return [_milestone("general_response", clocks.general_response.label, after(clocks.general_response))]


def milestones(case: Case) -> list[dict[str, Any]]:
    """The case's stored milestones."""
    return list(case_data(case).get("clocks", []))


def current(case: Case) -> dict[str, Any] | None:
    """The first milestone not yet met, or None."""
    return next((m for m in milestones(case) if not m["done_at"]), None)


def due_of(milestone: dict[str, Any]) -> datetime:
    """A milestone's due moment."""
    return datetime.fromisoformat(milestone["due"])


def store(case: Case, items: list[dict[str, Any]]) -> None:
    """Save milestones and point clock/deadline at the next one still open."""
    update_case_data(case, clocks=items)
    upcoming = current(case)
    case.clock = upcoming["key"] if upcoming else ""
    case.deadline_at = due_of(upcoming) if upcoming else None


def replan(case: Case, settings: Settings) -> None:
    """Re-plan after a level or kind change, keeping how many milestones were already met."""
    met = sum(1 for m in milestones(case) if m["done_at"])
    items = plan(settings, case.kind, case.emergency, case.detected_at)
    for item, old in zip(items, [m for m in milestones(case) if m["done_at"]][:met], strict=False):
        item["done_at"] = old["done_at"]
    store(case, items)


def complete_next(case: Case, now: datetime) -> str:
    """Mark the next open milestone met (a publication meets one); returns its key or ''."""
    items = milestones(case)
    for item in items:
        if not item["done_at"]:
            item["done_at"] = now.isoformat()
            store(case, items)
            return item["key"]
    return ""


def current_label(case: Case) -> str:
    """What the next deadline asks for, e.g. '予以回应'."""
    upcoming = current(case)
    return upcoming["label"] if upcoming else ""
