"""The append-only audit trail of a case, and the error every refused action raises."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from yuqing.core.storage.models import Case, CaseAction


class WorkflowError(Exception):
    """An action refused with a message for people; status: 400 bad input, 403 forbidden, 404, 409 state."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message, self.status = message, status

    @property
    def forbidden(self) -> bool:
        """True when the person may not do this (rather than the case not allowing it)."""
        return self.status == 403


def record(session: Session, case: Case, action: str, actor: str, now: datetime, *, from_state: str,
           to_state: str, reason: str = "", draft_version: int | None = None,
           data: dict[str, Any] | None = None) -> CaseAction:
    """Append one audit row: who did what to the case, when, from which state to which, and why."""
    row = CaseAction(case=case, actor=actor, at=now, action=action, from_state=from_state, to_state=to_state,
                     reason=reason, draft_version=draft_version, data=dict(data or {}))
    session.add(row)
    return row


def move(session: Session, case: Case, action: str, actor: str, now: datetime, to_state: str | None, *,
         reason: str = "", draft_version: int | None = None, data: dict[str, Any] | None = None) -> CaseAction:
    """Change the case's state (None: keep it) and append the audit row, naming the current draft version."""
    before = case.state
    case.state = to_state or before
    case.updated_at = now
    if draft_version is None and case.drafts:
        draft_version = case.drafts[-1].version
    return record(session, case, action, actor, now, from_state=before, to_state=case.state, reason=reason,
                  draft_version=draft_version, data=data)
