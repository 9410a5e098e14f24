"""The persistent job store's table, and a light read of it for `yuqing status`."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from typing import TYPE_CHECKING, Iterable

from sqlalchemy import Engine, MetaData, Table, inspect, select

if TYPE_CHECKING:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

JOBSTORE_TABLE = "apscheduler_jobs"


def make_jobstore(engine: Engine) -> SQLAlchemyJobStore:
    """The job store kept in the bureau's own database."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    return SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)


def next_runs(engine: Engine, tz: ZoneInfo) -> list[dict[str, str]]:
    """Each stored job's id and next run (local ISO time, or 暂停 when paused), soonest first."""
    if not inspect(engine).has_table(JOBSTORE_TABLE):
        return []
    table = Table(JOBSTORE_TABLE, MetaData(), autoload_with=engine)
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.id, table.c.next_run_time).order_by(table.c.next_run_time))
        return [{"id": job_id, "next_run": _local(stamp, tz)} for job_id, stamp in rows]


def _local(stamp: float | None, tz: ZoneInfo) -> str:
    if stamp is None:
        return "暂停"
    return datetime.fromtimestamp(stamp, timezone.utc).astimezone(tz).isoformat(timespec="seconds")


def run_soon(engine: Engine, job_ids: Iterable[str], when: datetime) -> None:
    """Move the stored next run of these jobs to `when` (for jobs a stop cut short).

    Called after the scheduler has shut down, so it writes through a job store of its own;
    the job's state is edited through its pickling protocol, the form the store keeps it in.
    """
    store = make_jobstore(engine)
    for job_id in job_ids:
        job = store.lookup_job(job_id)
        if job is None:
            continue
        state = job.__getstate__()
        state["next_run_time"] = when
        job.__setstate__(state)
        store.update_job(job)
