"""The daemon: APScheduler wired to a persistent job store on the bureau's database.

Jobs are kept in the `apscheduler_jobs` table of the same database, so after downtime each
missed job runs once (coalesced) instead of being replayed; a job whose schedule did not
change keeps its stored next run time across restarts.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any, Callable, Iterable

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.base import BaseExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from yuqing.core.app import App
from yuqing.shell.scheduler.alerts import alert_job_failure
from yuqing.shell.scheduler.chain import CHAINED, StageChain
from yuqing.shell.scheduler.clock import Clock, utc_now
from yuqing.shell.scheduler.plan import CRAWL_POOL, JobSpec, Timings, job_signature, planned_jobs
from yuqing.shell.scheduler.runner import RUN_JOB_REF, JobContext, bind
from yuqing.shell.scheduler.store import make_jobstore, run_soon
from yuqing.shell.scheduler.watches import WATCH_JOB, WATCH_POOL

log = logging.getLogger("yuqing.shell.scheduler")


ExecutorFactory = Callable[[int], BaseExecutor]
POOLS = {"default": 4, CRAWL_POOL: 2, WATCH_POOL: 1}


def build_scheduler(app: App, scheduler_cls: type[BaseScheduler] = BackgroundScheduler,
                    executor_factory: ExecutorFactory = ThreadPoolExecutor) -> BaseScheduler:
    """A scheduler on the app's database and time zone: one instance per job, missed runs coalesced.

    Crawls get a pool of their own, so long crawls never hold up the minute jobs (clocks, alerts), and
    the watch one more, so that it never delays a source's own crawl.
    """
    return scheduler_cls(
        jobstores={"default": make_jobstore(app.engine)},
        executors={name: executor_factory(size) for name, size in POOLS.items()},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        timezone=app.tz,
    )


def _stored_signature(job: Job) -> str:
    return job_signature(job.trigger, tuple(job.args), job.misfire_grace_time, job.executor)


def sync_jobs(scheduler: BaseScheduler, specs: Iterable[JobSpec]) -> None:
    """Make the job store hold exactly the planned jobs, keeping unchanged ones' next run times
    (the temporary watch is not planned: it stays until its events cool)."""
    stored = {job.id: job for job in scheduler.get_jobs()}
    for spec in specs:
        job = stored.pop(spec.id, None)
        if job is not None and _stored_signature(job) == spec.signature:
            continue
        extra = {"next_run_time": spec.first_run} if job is None and spec.first_run else {}
        scheduler.add_job(RUN_JOB_REF, trigger=spec.trigger, args=(spec.body, *spec.args), id=spec.id,
                          name=spec.name, misfire_grace_time=spec.misfire_grace_seconds, executor=spec.executor,
                          replace_existing=True, **extra)
        log.info("job scheduled", extra={"job": spec.id, "trigger": str(spec.trigger)})
    for job_id in stored:
        if job_id == WATCH_JOB:
            continue
        scheduler.remove_job(job_id)
        log.info("job removed", extra={"job": job_id})


class Daemon:
    """Runs the planned jobs until asked to stop; stopping lets the running jobs finish."""

    def __init__(self, app: App, clock: Clock = utc_now, timings: Timings = Timings(),
                 scheduler_cls: type[BaseScheduler] = BackgroundScheduler,
                 executor_factory: ExecutorFactory = ThreadPoolExecutor):
        self.app, self.clock, self.timings = app, clock, timings
        self.stopping = threading.Event()
        self.cut_short: set[str] = set()
        self.scheduler = build_scheduler(app, scheduler_cls, executor_factory)
        self.chain = StageChain(self.scheduler, app, clock, self.stopping)
        self.relay: Any = None

    def start(self, specs: Iterable[JobSpec] | None = None) -> None:
        """Bind the job context, bring the job store in line with the plan, and start; with Redis
        configured, also relay the workers' "posts stored" signals to the chain."""
        bind(JobContext(self.app, self.clock, self.stopping))
        self.scheduler.add_listener(self._on_job_error, EVENT_JOB_ERROR)
        self.scheduler.add_listener(self._on_job_skipped, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        self.scheduler.add_listener(self._on_job_done, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        self.chain.attach()
        self.scheduler.start(paused=True)
        sync_jobs(self.scheduler, planned_jobs(self.app.settings, self.app.tz, self.clock(), self.timings)
                  if specs is None else specs)
        self.scheduler.resume()
        if self.app.settings.app.redis_url:
            from yuqing.shell.scheduler.relay import StoredRelay  # Scrapy and Redis only for the distributed layout

            self.relay = StoredRelay(self.app.settings.app.redis_url, self.chain, self.stopping).start()
        log.info("daemon started", extra={"jobs": [job.id for job in self.scheduler.get_jobs()]})

    def stop(self) -> None:
        """Refuse new job runs, wait for the running ones to finish, release the context.

        Jobs that ended after the stop request (a crawl that got the same SIGTERM, a job the
        runner skipped) are due again at once, so the next start runs them first.
        """
        self.stopping.set()
        if self.relay:
            self.relay.stop()
            self.relay = None
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
            run_soon(self.app.engine, sorted(self.cut_short), self.clock())
        bind(None)
        log.info("daemon stopped", extra={"cut_short": sorted(self.cut_short)})

    def run_until_signalled(self, specs: Iterable[JobSpec] | None = None) -> None:
        """Start, then block until SIGTERM or SIGINT; a second signal uses the default action."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.start(specs)
            while not self.stopping.wait(1.0):
                pass
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, _frame) -> None:
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        self.stopping.set()
        signal.signal(signum, signal.SIG_DFL)

    def _on_job_error(self, event: JobExecutionEvent) -> None:
        log.error("job failed", extra={"job": event.job_id, "error": repr(event.exception)})
        try:
            alert_job_failure(self.app, event.job_id, event.exception, self.clock())
        except Exception:
            log.exception("could not enqueue the failure alert", extra={"job": event.job_id})

    def _on_job_done(self, event: JobExecutionEvent) -> None:
        if self.stopping.is_set():
            self.cut_short.add(event.job_id)

    def _on_job_skipped(self, event) -> None:
        if event.code == EVENT_JOB_MAX_INSTANCES and event.job_id in CHAINED:
            log.info("stage busy, runs again when it ends", extra={"job": event.job_id})
            return
        log.warning("job run skipped", extra={"job": event.job_id, "event_code": event.code})
