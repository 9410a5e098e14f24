"""Temporary watch jobs: one interval job per hot event, searching the real-time sources until it cools.

The jobs live in the persistent job store like the planned ones (so a restart keeps them), under
ids `watch:<event id>`; the plan never lists them and `sync_jobs` leaves them alone. Each ends
itself: its round reports the event cooled and the stage chain removes the job.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from yuqing.app import App
from yuqing.scheduler.plan import CRAWL_POOL, MINUTE
from yuqing.scheduler.runner import RUN_JOB_REF

WATCH_PREFIX = "watch:"
log = logging.getLogger("yuqing.scheduler")


def watch_job_id(event_id: int) -> str:
    """The job id of an event's watch."""
    return f"{WATCH_PREFIX}{event_id}"


def start_watches(scheduler: BaseScheduler, app: App, now: datetime) -> list[str]:
    """Add a watch job, due now, for every hot event that has none; returns the ids added."""
    from yuqing.stages.watch import events_to_watch

    config = app.settings.sources.watch
    if not config.enabled or not any(s.enabled and s.is_realtime for s in app.settings.sources.sources):
        return []
    with app.sessions() as session:
        hot = events_to_watch(session, config, now)
    added = []
    for event_id, title in hot:
        job_id = watch_job_id(event_id)
        if scheduler.get_job(job_id) is not None:
            continue
        scheduler.add_job(RUN_JOB_REF, IntervalTrigger(minutes=config.interval_minutes, timezone=app.tz),
                          args=("watch", event_id), id=job_id, name=f"盯防 {title}"[:120], next_run_time=now,
                          misfire_grace_time=config.interval_minutes * MINUTE, executor=CRAWL_POOL,
                          replace_existing=True)
        log.info("watch started", extra={"job": job_id, "every_minutes": config.interval_minutes})
        added.append(job_id)
    return added
