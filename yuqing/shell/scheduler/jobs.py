"""The daemon's job bodies: each takes the App and `now` and calls one stage's entry point.

Stage modules are imported inside each body so a broken or missing stage fails its own job
(logged and alerted) while the other jobs keep running.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from yuqing.core.app import App

JobBody = Callable[..., Any]


def crawl(app: App, now: datetime, source_key: str) -> Any:
    """Crawl one source: in a subprocess (so Scrapy's reactor never restarts here), or, when
    Redis is configured, by pushing a round to the shared queue for the `yuqing worker`s."""
    if app.settings.app.redis_url:
        from crawler.distributed import start_round

        return start_round(app.settings, source_key)
    from yuqing.stages.crawl import run_crawl

    return run_crawl(app, source_keys=[source_key], now=now)


def analyze(app: App, now: datetime) -> Any:
    """Analyse the posts collected since the last run."""
    from yuqing.stages.analyze import analyze_pending

    return analyze_pending(app.sessions, app.settings, now)


def open_cases(app: App, now: datetime) -> Any:
    """Turn analysed posts that need the bureau's voice into cases and route them."""
    from responder.intake import open_cases as intake

    return intake(app.sessions, app.settings, now)


def check_clocks(app: App, now: datetime) -> Any:
    """Send the reminders and escalations that the response clocks call for."""
    from responder.clocks import check_clocks as clocks

    return clocks(app.sessions, app.settings, now)


def confirm_responses(app: App, now: datetime) -> Any:
    """Fetch the published links due a check: the bureau's reply seen (已确认), not seen in time, or gone."""
    from responder.confirm import confirm_responses as confirm

    return confirm(app.sessions, app.settings, now)


def deliver_outbox(app: App, now: datetime) -> Any:
    """Deliver the notifications that are due (with retries handled by the outbox)."""
    from responder.outbox import deliver_due

    return deliver_due(app.sessions, app.settings, now)


def watch(app: App, now: datetime, event_ids: list[int]) -> Any:
    """One round of the temporary watch on hot events: their spread on their cases, their keywords searched."""
    from yuqing.stages.watch import watch_round

    return watch_round(app, now, event_ids)


def weekly_digest(app: App, now: datetime) -> Any:
    """Build and send the digest of the last complete week (sent once per week)."""
    from responder.digest import send_weekly_digest

    return send_weekly_digest(app.sessions, app.settings, None, now)


def watch_sources(app: App, now: datetime) -> Any:
    """Tell the admin about sources that have not succeeded for longer than they may."""
    from yuqing.shell.scheduler.source_watch import alert_silent_sources

    return alert_silent_sources(app, now)


def clean_up(app: App, now: datetime) -> Any:
    """Delete what has outlived `app.retention_days` (cases and their audit trail are kept)."""
    from yuqing.shell.scheduler.retention import purge_expired
    from yuqing.shell.scheduler.runner import stop_requested

    return purge_expired(app.sessions, now - timedelta(days=app.settings.app.retention_days), stop_requested)


JOBS: dict[str, JobBody] = {
    "crawl": crawl,
    "analyze": analyze,
    "open_cases": open_cases,
    "check_clocks": check_clocks,
    "confirm_responses": confirm_responses,
    "deliver_outbox": deliver_outbox,
    "watch": watch,
    "weekly_digest": weekly_digest,
    "watch_sources": watch_sources,
    "clean_up": clean_up,
}


def register(name: str, body: JobBody) -> None:
    """Add a job body under a name (used by extensions and tests)."""
    JOBS[name] = body


def job_body(name: str) -> JobBody:
    """The job body registered under name; a clear error for an unknown name."""
    try:
        return JOBS[name]
    except KeyError:
        raise KeyError(f"unknown job {name!r}; known: {', '.join(sorted(JOBS))}") from None
