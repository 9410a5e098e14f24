"""The keys of `Case.data`, the JSON a case keeps beside its columns, declared in one place.

Every module that reads or writes them goes through `case_data` and `update_case_data`, so a key
is spelled once and an unknown one stops at the write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, Unpack, cast

if TYPE_CHECKING:
    from yuqing.core.storage.models import Case


class CaseData(TypedDict, total=False):
    """What a case carries beside its columns; each key has one writer, named after it."""

    first_published_at: str | None  # earliest publication time of the posts that opened it (responder.intake)
    clocks: list[dict[str, Any]]  # its deadline milestones (responder.deadlines)
    offered: list[str]  # staff keys it was offered to, in order (responder.workflow)
    assigned_at: str  # when it was last assigned, ISO (responder.workflow)
    touched_at: str  # when its owner last acted, ISO (responder.workflow)
    escalations: dict[str, int]  # escalation steps taken, by clock key (responder.clocks)
    approvals: dict[str, list[str]]  # who approved each draft version (responder.review)
    publications: list[dict[str, Any]]  # each recorded publication: url, at, by, ... (responder.review)
    confirmation: dict[str, Any]  # the check that the published reply is online (responder.confirm)
    watch: dict[str, Any]  # the hot-event watch: started_at, keywords, ended_at, reason (yuqing.stages.watch)
    spread: list[dict[str, Any]]  # the watch's spread measurements, newest last (yuqing.stages.watch)


KEYS = frozenset(CaseData.__annotations__)


def case_data(case: Case) -> CaseData:
    """The case's data, to read (write with `update_case_data`)."""
    return cast(CaseData, case.data or {})


def update_case_data(case: Case, **values: Unpack[CaseData]) -> None:
    """Set these keys of the case's data (a new dict, so the change is saved); an undeclared key raises."""
    unknown = set(values) - KEYS
    if unknown:
        raise KeyError(f"Case.data has no key {', '.join(sorted(unknown))}: declare it in CaseData")
    case.data = {**(case.data or {}), **values}
