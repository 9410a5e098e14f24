"""The temporary watch job: while hot events last, one interval job searches their keywords on the
real-time sources, one crawl per round whatever the number of events (per-domain politeness holds).

The job lives in the persistent job store like the planned ones (so a restart keeps it) under the
id `watch`, with the ids of the events it watches as its argument; the plan never lists it and
`sync_jobs` leaves it alone. It runs in a pool of its own, so it never delays a source's own crawl.
A newly hot event joins it (and the job runs at once); when no watched event is hot any more, the
stage chain removes it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from yuqing.core.app import App
from yuqing.shell.scheduler.plan import MINUTE
from yuqing.shell.scheduler.runner import RUN_JOB_REF

WATCH_JOB = "watch"
WATCH_POOL = "watches"
log = logging.getLogger("yuqing.shell.scheduler")


def watched(scheduler: BaseScheduler) -> list[int]:
    """The ids of the events the watch job watches (empty when there is none)."""
    job = scheduler.get_job(WATCH_JOB)
    return list(job.args[1]) if job is not None else []


def start_watches(scheduler: BaseScheduler, app: App, now: datetime) -> list[int]:
    """Add every hot event not yet watched to the watch job (created when needed) and run it now;
    returns the ids added."""
    from yuqing.stages.watch import events_to_watch

    config = app.settings.sources.watch
    if not config.enabled or not any(s.enabled and s.is_realtime for s in app.settings.sources.sources):
        return []
    with app.sessions() as session:
        hot = [event_id for event_id, _ in events_to_watch(session, config, now)]
    current = watched(scheduler)
    added = [event_id for event_id in hot if event_id not in current]
    if not added:
        return []
    events = sorted({*current, *added})
    if current:
        scheduler.modify_job(WATCH_JOB, args=(WATCH_JOB, events), next_run_time=now)
    else:
        scheduler.add_job(RUN_JOB_REF, IntervalTrigger(minutes=config.interval_minutes, timezone=app.tz),
                          args=(WATCH_JOB, events), id=WATCH_JOB, name="盯防热点事件", next_run_time=now,
                          misfire_grace_time=config.interval_minutes * MINUTE, executor=WATCH_POOL,
                          replace_existing=True)
    log.info("watch started", extra={"job": WATCH_JOB, "events": added, "every_minutes": config.interval_minutes})
    return added


def end_watches(scheduler: BaseScheduler, cooled: list[int]) -> None:
    """After a round: stop watching the events that cooled, and end the watch when none is left
    (events that joined while the round ran stay)."""
    current = watched(scheduler)
    left = [event_id for event_id in current if event_id not in cooled]
    if not current or left == current:
        return
    if left:
        scheduler.modify_job(WATCH_JOB, args=(WATCH_JOB, left))
    else:
        scheduler.remove_job(WATCH_JOB)
    log.info("watch ended", extra={"job": WATCH_JOB, "events": cooled, "still_watched": left})
