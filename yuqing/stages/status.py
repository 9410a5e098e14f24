"""A snapshot of the system for `yuqing status`: sources, queue and outbox."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from responder.clocks import overdue
from yuqing.core.config.sources import SourceBase
from yuqing.core.login.store import SessionStore
from yuqing.core.storage.models import Case, Notification, Source


@dataclass
class SourceStatus:
    """Health of one source."""

    key: str
    kind: str
    name: str
    enabled: bool
    healthy: bool
    last_success_at: str | None
    last_error: str
    consecutive_failures: int
    last_items: int
    never_run: bool = False
    needs_login: bool = False
    sessions: list[dict] = field(default_factory=list)


@dataclass
class StatusReport:
    """Everything `yuqing status` shows."""

    sources: list[SourceStatus] = field(default_factory=list)
    cases_by_state: dict[str, int] = field(default_factory=dict)
    overdue_cases: int = 0
    outbox: dict[str, int] = field(default_factory=dict)
    jobs: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain data for --json."""
        return asdict(self)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def attach_sessions(report: StatusReport, configured: Iterable[SourceBase], store: SessionStore, now: datetime) -> None:
    """Each source's saved login sessions (account, valid/expired/lapsed, expiry when known)."""
    with_login = {c.key for c in configured if c.login is not None}
    for source in report.sources:
        source.needs_login = source.key in with_login
        source.sessions = [{"account": s.account, "state": s.state_at(now), "expires_at": s.expires_at,
                            "saved_at": s.saved_at, "reason": s.expired_reason} for s in store.sessions(source.key)]


def collect_status(session: Session, now: datetime, configured: Iterable[SourceBase] = (),
                   store: SessionStore | None = None) -> StatusReport:
    """Read the current state of sources, cases and the outbox; configured sources that have
    never been crawled are listed as such; with a session store, each source's login sessions."""
    configured = list(configured)
    report = StatusReport()
    for src in session.scalars(select(Source).order_by(Source.key)):
        report.sources.append(SourceStatus(
            src.key, src.kind, src.name, src.enabled, src.healthy, _iso(src.last_success_at),
            src.last_error, src.consecutive_failures, src.last_items,
        ))
    seen = {s.key for s in report.sources}
    report.sources += [SourceStatus(c.key, c.kind, c.name, c.enabled, True, None, "", 0, 0,  # type: ignore[attr-defined]
                                    never_run=True)  # every kind of source declares its kind
                       for c in configured if c.key not in seen]
    report.sources.sort(key=lambda s: s.key)
    if store is not None:
        attach_sessions(report, configured, store, now)
    rows = session.execute(select(Case.state, func.count()).group_by(Case.state))
    report.cases_by_state = {state: count for state, count in rows}
    report.overdue_cases = session.scalar(select(func.count()).select_from(Case).where(overdue(now))) or 0
    rows = session.execute(select(Notification.status, func.count()).group_by(Notification.status))
    report.outbox = {status: count for status, count in rows}
    return report
