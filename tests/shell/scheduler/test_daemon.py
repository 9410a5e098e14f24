"""The daemon's scheduling: persistent jobs, coalesced catch-up, failures alerted, clean stop."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from apscheduler.triggers.interval import IntervalTrigger
from freezegun import freeze_time

from yuqing.shell.scheduler import daemon as daemon_module
from yuqing.shell.scheduler import jobs
from yuqing.shell.scheduler.plan import JobSpec
from yuqing.shell.scheduler.store import next_runs

START = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)


def every(minutes: int, body: str = "tick", job_id: str | None = None, first_run=None) -> JobSpec:
    return JobSpec(job_id or body, body, body, IntervalTrigger(minutes=minutes, timezone=timezone.utc),
                   300, first_run=first_run)


def test_jobs_run_at_their_intervals_with_the_clock_time(stepped_daemon, calls):
    with freeze_time(START) as frozen:
        daemon = stepped_daemon()
        daemon.start([every(1), every(5, "other")])
        for _ in range(10):
            frozen.tick(timedelta(minutes=1))
            daemon.scheduler.step()
    assert [c[0] for c in calls].count("tick") == 10
    assert [c[0] for c in calls].count("other") == 2
    assert calls[0][1] == START + timedelta(minutes=1)


def test_missed_runs_after_downtime_run_once_and_keep_the_schedule(stepped_daemon, calls, app):
    with freeze_time(START) as frozen:
        first = stepped_daemon()
        first.start([every(1)])
        frozen.tick(timedelta(minutes=1))
        first.scheduler.step()
        first.stop()
        frozen.tick(timedelta(hours=3))
        second = stepped_daemon()
        second.start([every(1)])
        second.scheduler.step()
        second.scheduler.step()
    assert len(calls) == 2, "three hours of missed minute runs must coalesce into one"


def test_unchanged_jobs_keep_their_stored_next_run(stepped_daemon, calls, app):
    with freeze_time(START) as frozen:
        first = stepped_daemon()
        first.start([every(60)])
        before = next_runs(app.engine, app.tz)
        first.stop()
        frozen.tick(timedelta(minutes=20))
        second = stepped_daemon()
        second.start([every(60)])
        assert next_runs(app.engine, app.tz) == before
        second.stop()
        third = stepped_daemon()
        third.start([every(30), every(5, "other")])
        runs = {row["id"]: row["next_run"] for row in next_runs(app.engine, app.tz)}
    assert runs["tick"] != before[0]["next_run"], "a changed interval is rescheduled"
    assert set(runs) == {"tick", "other"}


def test_removed_jobs_leave_the_store(stepped_daemon, calls, app):
    with freeze_time(START):
        first = stepped_daemon()
        first.start([every(1), every(5, "other")])
        first.stop()
        second = stepped_daemon()
        second.start([every(1)])
    assert [row["id"] for row in next_runs(app.engine, app.tz)] == ["tick"]


def test_a_failing_job_is_alerted_and_the_others_keep_running(stepped_daemon, calls, monkeypatch):
    alerts = []
    monkeypatch.setattr(daemon_module, "alert_job_failure", lambda app, job_id, exc, now: alerts.append((job_id, str(exc))))

    def broken(app, now):
        raise RuntimeError("站点结构变了")

    monkeypatch.setitem(jobs.JOBS, "broken", broken)
    with freeze_time(START) as frozen:
        daemon = stepped_daemon()
        daemon.start([every(1), every(1, "broken")])
        for _ in range(3):
            frozen.tick(timedelta(minutes=1))
            daemon.scheduler.step()
    assert alerts == [("broken", "站点结构变了")] * 3
    assert len(calls) == 3


def test_no_job_starts_once_a_stop_is_requested(stepped_daemon, calls):
    with freeze_time(START) as frozen:
        daemon = stepped_daemon()
        daemon.start([every(1)])
        daemon.stopping.set()
        frozen.tick(timedelta(minutes=1))
        daemon.scheduler.step()
    assert calls == []


def test_status_lists_no_jobs_before_the_daemon_first_ran(app):
    assert next_runs(app.engine, app.tz) == []


def test_a_job_cut_short_by_a_stop_runs_first_after_restart(stepped_daemon, calls, app):
    with freeze_time(START) as frozen:
        first = stepped_daemon()
        first.start([every(60), every(60, "other")])
        frozen.tick(timedelta(minutes=60))
        first.stopping.set()
        first.scheduler.step()
        first.stop()
        assert calls == []
        frozen.tick(timedelta(minutes=5))
        second = stepped_daemon()
        second.start([every(60), every(60, "other")])
        second.scheduler.step()
    assert sorted(c[0] for c in calls) == ["other", "tick"]
    assert all(c[1] == START + timedelta(minutes=65) for c in calls)
