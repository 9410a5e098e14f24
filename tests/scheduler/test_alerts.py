"""A failed job reaches the admin through the outbox, once per job and day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from yuqing.scheduler.alerts import alert_job_failure
from yuqing.storage.models import Notification


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
