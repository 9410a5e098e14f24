"""A failed job reaches the admin through the outbox (and the SMTP server), once per job and day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header

from apscheduler.executors.debug import DebugExecutor
from apscheduler.triggers.interval import IntervalTrigger
from freezegun import freeze_time
from sqlalchemy import select

from tests.smtp import smtp_server
from tests.shell.scheduler.stepping import SteppedScheduler
from yuqing.core.app import App
from yuqing.shell.scheduler import jobs
from yuqing.shell.scheduler.alerts import alert_job_failure
from yuqing.shell.scheduler.daemon import Daemon
from yuqing.shell.scheduler.plan import JobSpec
from yuqing.core.storage.models import Notification


def test_failure_alert_goes_to_the_admin_once_a_day(app, now):
    admin = app.settings.with_role("admin")[0]
    assert alert_job_failure(app, "crawl:weibo", RuntimeError("连接被拒绝"), now) == 1
    assert alert_job_failure(app, "crawl:weibo", RuntimeError("连接被拒绝"), now + timedelta(hours=1)) == 0
    assert alert_job_failure(app, "crawl:weibo", RuntimeError("连接被拒绝"), now + timedelta(days=1)) == 1
    with app.sessions() as session:
        rows = session.scalars(select(Notification)).all()
    assert [r.recipient for r in rows] == [admin.email] * 2
    assert "crawl:weibo" in rows[0].subject and "连接被拒绝" in rows[0].body_text
    assert rows[0].status == "pending"


def test_distinct_jobs_are_alerted_separately(app, now):
    alert_job_failure(app, "analyze", ValueError("x"), now)
    alert_job_failure(app, "check_clocks", ValueError("y"), now)
    with app.sessions() as session:
        assert len(session.scalars(select(Notification)).all()) == 2


def test_a_failing_job_reaches_the_admin_by_email(profile_dir, database_url, tmp_path, monkeypatch):
    def broken(app, now):
        raise ConnectionError("微博接口拒绝连接")

    monkeypatch.setitem(jobs.JOBS, "broken", broken)
    start = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
    with smtp_server() as (inbox, port), freeze_time(start, real_asyncio=True) as frozen:
        minute = IntervalTrigger(minutes=1, timezone=timezone.utc)
        specs = [JobSpec("crawl:weibo", "采集", "broken", minute, 300),
                 JobSpec("deliver_outbox", "投递", "deliver_outbox", minute, 300)]
        app = App.load(profile_dir, {"database_url": database_url, "smtp": {"port": port}})
        app.upgrade_schema()
        daemon = Daemon(app, scheduler_cls=SteppedScheduler, executor_factory=lambda size: DebugExecutor())
        daemon.start(specs)
        for _ in range(3):
            frozen.tick(timedelta(minutes=1))
            daemon.scheduler.step()
        daemon.stop()
        app.close()
    messages = inbox.messages
    subjects = [str(make_header(decode_header(m["Subject"]))) for m in messages]
    assert subjects == ["【舆情系统故障】定时任务 crawl:weibo 运行失败"]
    assert messages[0]["To"] == app.settings.with_role("admin")[0].email
