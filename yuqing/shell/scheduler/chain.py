"""Event-driven stages: a job whose result leaves work for the next stage makes that stage run at once.

Built on APScheduler's own events: a listener on EVENT_JOB_EXECUTED reads the finished job's return
value and moves the next stage's stored job to run now (`modify_job(next_run_time=now)`, the way
APScheduler runs a scheduled job ahead of time). The stages are the same periodic jobs, so their
schedule stays as a safety net and `max_instances=1` still keeps one run of each at a time. A stage
asked to run while it is already running (EVENT_JOB_MAX_INSTANCES) runs again as soon as it ends.

    crawl:<source> / watch          stored posts      → analyze
    analyze                         analysed posts    → open_cases, and hot events join the watch
    open_cases                      cases changed     → deliver_outbox
    watch                           events cooled     → they leave the watch (which ends when empty)
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, JobExecutionEvent, JobSubmissionEvent
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler

from yuqing.core.app import App
from yuqing.shell.scheduler.clock import Clock
from yuqing.shell.scheduler.watches import WATCH_JOB, end_watches, start_watches

log = logging.getLogger("yuqing.shell.scheduler")
CHAINED = ("analyze", "open_cases", "deliver_outbox", WATCH_JOB)


def stored_posts(result: Any) -> int:
    """New plus changed posts a crawl or watch round stored (0 for any other result)."""
    return int(getattr(result, "new_posts", 0) or 0) + int(getattr(result, "updated_posts", 0) or 0)


def cases_changed(result: Any) -> bool:
    """Whether an intake run opened, joined, raised or failed to route a case (each may queue alerts)."""
    return any(getattr(result, name, None) for name in ("created", "attached", "raised", "unrouted"))


def next_stages(job_id: str, result: Any) -> list[str]:
    """The stages that have work because job `job_id` returned `result`."""
    if job_id.startswith("crawl:") or job_id == WATCH_JOB:
        return ["analyze"] if stored_posts(result) else []
    if job_id == "analyze":
        return ["open_cases"] if getattr(result, "analyzed", 0) else []
    if job_id == "open_cases":
        return ["deliver_outbox"] if cases_changed(result) else []
    return []


class StageChain:
    """Listens to the scheduler's job events and runs the follow-up stages without waiting."""

    def __init__(self, scheduler: BaseScheduler, app: App, clock: Clock, stopping: threading.Event):
        self.scheduler, self.app, self.clock, self.stopping = scheduler, app, clock, stopping
        self.busy: set[str] = set()
        self._lock = threading.Lock()

    def attach(self) -> None:
        """Register the listeners on the scheduler."""
        self.scheduler.add_listener(self.on_executed, EVENT_JOB_EXECUTED)
        self.scheduler.add_listener(self.on_busy, EVENT_JOB_MAX_INSTANCES)

    def on_executed(self, event: JobExecutionEvent) -> None:
        """Run what the finished job left work for; stop watching events that cooled."""
        if self.stopping.is_set():
            return
        with self._lock:
            again = event.job_id in self.busy
            self.busy.discard(event.job_id)
        follow = [event.job_id] if again else []
        self.run_now(*follow, *next_stages(event.job_id, event.retval))
        if event.job_id == "analyze" and getattr(event.retval, "analyzed", 0):
            start_watches(self.scheduler, self.app, self.clock())
        if event.job_id == WATCH_JOB and getattr(event.retval, "cooled", None):
            end_watches(self.scheduler, event.retval.cooled)

    def on_busy(self, event: JobSubmissionEvent) -> None:
        """A chained stage was due while still running: remember to run it again when it ends."""
        if event.job_id in CHAINED:
            with self._lock:
                self.busy.add(event.job_id)

    def run_now(self, *job_ids: str) -> None:
        """Make these stored jobs due now (unknown ids are ignored: the plan may not have them)."""
        for job_id in dict.fromkeys(job_ids):
            try:
                self.scheduler.modify_job(job_id, next_run_time=self.clock())
            except JobLookupError:
                continue
            log.info("stage run now", extra={"job": job_id})
