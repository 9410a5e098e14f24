"""Runs `yuqing run` with one test job that blocks mid-step until the test releases it.

Usage: python slow_daemon.py CONFIG_DIR DATABASE_URL WORK_DIR. The job touches WORK_DIR/started,
waits for a line on the FIFO WORK_DIR/release, then records a SourceRun row (its "step").
"""

import sys
from datetime import timedelta
from pathlib import Path

from apscheduler.triggers.interval import IntervalTrigger

from yuqing.shell.cli import cli
from yuqing.shell.scheduler import daemon, jobs
from yuqing.shell.scheduler.plan import JobSpec
from yuqing.core.storage.models import Source, SourceRun

config_dir, database_url, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])


def blocking_step(app, now):
    """Signal that the step began, wait for the test, then write the step's result."""
    (work / "started").write_text("1")
    with open(work / "release") as fifo:
        fifo.readline()
    with app.sessions.begin() as session:
        source = session.query(Source).filter_by(key="slow").one_or_none() or Source(key="slow", kind="html", name="测试")
        session.add(SourceRun(source=source, started_at=now, finished_at=now, status="ok"))


def plan(settings, tz, now, timings):
    return [JobSpec("slow", "测试任务", "slow", IntervalTrigger(hours=1, timezone=tz), 300,
                    first_run=now + timedelta(seconds=1))]


jobs.register("slow", blocking_step)
daemon.planned_jobs = plan
cli(["--config", config_dir, "--database-url", database_url, "run"], prog_name="yuqing")
