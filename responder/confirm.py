"""Did the answer reach the public? After a publication is recorded its link is fetched until the
bureau's reply is seen there from the bureau's own account (已确认, with the time seen); a reply not seen
within `confirm.alert_after_hours`, or gone later, raises an alert. Progress lives in the case's data (`confirmation`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from responder import alerts
from responder.audit import WorkflowError, move, record
from responder.sighting import Fetcher, Sighting, http_fetcher, look, reply_share
from responder.states import PUBLISHED, SYSTEM
from responder.workflow import apply
from yuqing.core.config import Settings
from yuqing.core.storage.db import transaction
from yuqing.core.storage.case_data import case_data, update_case_data
from yuqing.core.storage.models import Case, Post

log = logging.getLogger(__name__)


@dataclass
class ConfirmReport:
    """What one round of checks did."""

    checked: int = 0
    confirmed: int = 0
    missing_alerts: int = 0
    gone_alerts: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """A published reply to look for: the case, its link, the reply text and when it was published."""

    case_id: int
    url: str
    reply: str
    published_at: datetime


def _latest_publication(case: Case) -> dict[str, Any] | None:
    publications = case_data(case).get("publications", [])
    return publications[-1] if publications and case.published_url else None


def tracking(case: Case) -> dict[str, Any]:
    """The confirmation progress of the case's latest publication (empty before the first check)."""
    latest, state = _latest_publication(case), case_data(case).get("confirmation", {})
    if latest is None or (state.get("url"), state.get("published_at")) != (latest["url"], latest["at"]):
        return {}
    return state


def _reply_text(case: Case) -> str:
    published = [d for d in case.drafts if d.status == "published"]
    return published[-1].text if published else ""


def _due(case: Case, settings: Settings, now: datetime) -> Target | None:
    latest, config = _latest_publication(case), settings.response.confirm
    if latest is None or case.state not in PUBLISHED:
        return None
    published_at, state = datetime.fromisoformat(latest["at"]), tracking(case)
    if now > published_at + timedelta(days=config.watch_days):
        return None
    every = (timedelta(hours=config.recheck_every_hours) if state.get("seen_at")
             else timedelta(minutes=config.check_every_minutes))
    last = state.get("last_checked_at")
    if last and now < datetime.fromisoformat(last) + every:
        return None
    return Target(case.id, latest["url"], _reply_text(case), published_at)


def _save(case: Case, target: Target, now: datetime, sighting: Sighting, **changes: Any) -> None:
    state = {**tracking(case), "url": target.url, "published_at": target.published_at.isoformat(),
             "last_checked_at": now.isoformat(), "last_status": sighting.status, "last_detail": sighting.detail,
             "checks": tracking(case).get("checks", 0) + 1, **changes}
    update_case_data(case, confirmation=state)


def _seen(session: Session, settings: Settings, case: Case, target: Target, now: datetime,
          sighting: Sighting, report: ConfirmReport) -> None:
    first = not tracking(case).get("seen_at")
    _save(case, target, now, sighting, seen_at=tracking(case).get("seen_at") or now.isoformat(),
          account=sighting.account, gone_at=None)
    if first and case.state != "confirmed":
        apply(session, case.id, "confirm", SYSTEM, now, settings=settings, reason=sighting.detail)
        report.confirmed += 1


def _not_seen(session: Session, settings: Settings, case: Case, target: Target, now: datetime,
              sighting: Sighting, report: ConfirmReport) -> None:
    state = tracking(case)
    if state.get("seen_at") and sighting.definite:
        _save(case, target, now, sighting, seen_at=None, gone_at=now.isoformat(), missing_alerted=True)
        move(session, case, "confirm_gone", SYSTEM, now, "responded" if case.state == "confirmed" else None,
             reason=sighting.detail, data={"url": target.url})
        alerts.reply_gone(session, settings, case, now, sighting.detail)
        report.gone_alerts += 1
        return
    late = now >= target.published_at + timedelta(hours=settings.response.confirm.alert_after_hours)
    if late and not state.get("seen_at") and not state.get("missing_alerted"):
        _save(case, target, now, sighting, missing_alerted=True)
        record(session, case, "confirm_missing", SYSTEM, now, from_state=case.state, to_state=case.state,
               reason=sighting.detail, data={"url": target.url})
        alerts.reply_not_seen(session, settings, case, now, sighting.detail)
        report.missing_alerts += 1
        return
    _save(case, target, now, sighting)


def _judge(sessions: sessionmaker[Session], settings: Settings, target: Target, sighting: Sighting,
           now: datetime, report: ConfirmReport) -> None:
    try:
        with transaction(sessions) as session:
            case = session.get(Case, target.case_id)
            if case is None or _due(case, settings, now) != target:
                return
            step = _seen if sighting.status == "seen" else _not_seen
            step(session, settings, case, target, now, sighting, report)
    except (StaleDataError, WorkflowError) as exc:
        log.info("case %s changed while its link was checked: %s", target.case_id, exc)


def own_sighting(session: Session, settings: Settings, target: Target) -> Sighting | None:
    """The reply as the crawl of the bureau's own accounts collected it (a post or comment flagged own,
    fetched since the publication), or None: then the link itself is fetched."""
    query = select(Post).where(Post.own.is_(True), Post.fetched_at >= target.published_at).order_by(Post.id)
    for post in session.scalars(query):
        if reply_share(post.clean_text, target.reply) >= settings.response.confirm.min_share:
            return Sighting("seen", f"本局账号「{post.author}」的回复已被本局账号采集到（{post.url or post.platform}）",
                            post.author)
    return None


def confirm_responses(sessions: sessionmaker[Session], settings: Settings, now: datetime,
                      fetch: Fetcher | None = None) -> ConfirmReport:
    """Fetch each published link that is due a check and record what was seen (no database
    transaction is held while a page is fetched)."""
    config, report = settings.response.confirm, ConfirmReport()
    if not config.enabled:
        return report
    fetch = fetch or http_fetcher(settings.sources.user_agent, config.timeout_seconds,
                                  settings.sources.max_response_bytes)
    with sessions() as session:
        cases = list(session.scalars(select(Case).where(Case.state.in_(PUBLISHED), Case.published_url != "")))
        targets = [(c, t) for c, t in ((c, _due(c, settings, now)) for c in cases) if t is not None]
        collected = {t.case_id: own_sighting(session, settings, t) for c, t in targets if not tracking(c).get("seen_at")}
    for _, target in targets:
        sighting = collected.get(target.case_id) or look(target.url, target.reply, settings.bureau.account_names, fetch,
                                                         min_share=config.min_share, window=config.account_window_chars)
        report.checked += 1
        if sighting.status == "error":
            report.errors.append(f"#{target.case_id} {sighting.detail}")
        _judge(sessions, settings, target, sighting, now, report)
    return report
