"""A source silent or failing beyond its configured time raises one alert per outage to the admin."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from yuqing.shell.scheduler.source_watch import alert_silent_sources
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Notification, Source, SourceRun


def _source(app, key: str, **fields) -> None:
    with transaction(app.sessions) as session:
        session.add(Source(key=key, kind="weibo", name=key, **fields))


def _alerts(app) -> list[Notification]:
    with app.sessions() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_a_source_silent_too_long_alerts_the_admin_once_per_outage(app, now):
    _source(app, "weibo-search", last_success_at=now - timedelta(hours=30), healthy=False,
            last_error="需要登录（ok: -100）", consecutive_failures=7)
    _source(app, "city-news", last_success_at=now - timedelta(hours=2))
    assert alert_silent_sources(app, now) == 1
    assert alert_silent_sources(app, now + timedelta(minutes=15)) == 0
    (row,) = _alerts(app)
    assert row.recipient == app.settings.with_role("admin")[0].email
    assert "微博搜索" in row.subject and "30 小时" in row.subject
    assert "需要登录" in row.body_text and "连续失败 7 次" in row.body_text


def test_a_new_outage_after_a_success_alerts_again(app, now):
    _source(app, "weibo-search", last_success_at=now - timedelta(hours=30))
    alert_silent_sources(app, now)
    with transaction(app.sessions) as session:
        session.scalar(select(Source)).last_success_at = now + timedelta(hours=1)
    assert alert_silent_sources(app, now + timedelta(hours=26)) == 1


def test_a_source_that_never_succeeded_counts_from_its_first_run(app, now):
    _source(app, "tieba-yuchuan", last_error="百度安全验证")
    with transaction(app.sessions) as session:
        source = session.scalar(select(Source))
        session.add(SourceRun(source_id=source.id, started_at=now - timedelta(hours=31), status="blocked"))
    assert alert_silent_sources(app, now) == 1
    assert "首次运行" in _alerts(app)[0].body_text


def test_unknown_or_never_run_sources_are_not_alerted(app, now):
    _source(app, "city-forum")
    assert alert_silent_sources(app, now) == 0
