"""Event-driven stages on a frozen clock: a crawl that stores posts gets them analysed, turned into cases
and alerted at the same instant, while the periodic stage jobs are an hour away; quiet hours hold a
level Ⅳ alert and let a level Ⅱ one through."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, JobExecutionEvent, JobSubmissionEvent
from apscheduler.executors.debug import DebugExecutor
from apscheduler.triggers.interval import IntervalTrigger
from freezegun import freeze_time
from sqlalchemy import select

from yuqing.stages.crawl import CrawlReport, SourceReport
from tests.shell.scheduler.stepping import RecordingScheduler, SteppedScheduler
from tests.smtp import smtp_server
from yuqing.core.app import App
from yuqing.shell.scheduler import jobs
from yuqing.shell.scheduler.chain import StageChain, next_stages
from yuqing.shell.scheduler.daemon import Daemon
from yuqing.shell.scheduler.plan import JobSpec
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case, Notification, Post

DAY = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)     # 10:00 in Asia/Shanghai
NIGHT = datetime(2026, 11, 18, 15, 0, tzinfo=timezone.utc)  # 23:00, inside the 22:00–07:30 quiet hours
MORNING = datetime(2026, 11, 18, 23, 30, tzinfo=timezone.utc)  # 07:30 local, when quiet hours end
ABUSE = "榆东区敬老院护工殴打老人的视频传开了，民政局到现在没有任何说法{}"
PRESS = "榆川民政局回应救助站一名受助人员走失：正在全力寻找"
QUESTION = "@榆川民政 请问低保金每月几号发到卡上？"


def hourly(job_id: str, body: str | None = None) -> JobSpec:
    return JobSpec(job_id, job_id, body or job_id, IntervalTrigger(minutes=60, timezone=timezone.utc), 300)


STAGES = [hourly("crawl:fake", "fake_crawl"), hourly("analyze"), hourly("open_cases"), hourly("deliver_outbox")]


@pytest.fixture
def crawl_stores(monkeypatch):
    """Register a crawl body that stores the given posts (text, author) at the clock's now."""
    batches: list[list[tuple[str, str]]] = []

    def fake_crawl(app: App, now: datetime) -> CrawlReport:
        posts = batches.pop(0) if batches else []
        with transaction(app.sessions) as session:
            for text, author in posts:
                session.add(Post(dedup_key=f"fake:{text}", platform="weibo", clean_text=text, author=author,
                                 published_at=now - timedelta(minutes=2), fetched_at=now, updated_at=now))
        return CrawlReport([SourceReport("fake", "ok", new_posts=len(posts))])

    monkeypatch.setitem(jobs.JOBS, "fake_crawl", fake_crawl)
    return batches


@pytest.fixture
def mail_app(profile_dir, database_url, tmp_path):
    """An App whose email alerts go to a local aiosmtpd server (no watches: their searches are tested
    apart): yields (app, inbox)."""
    with (profile_dir / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write("watch:\n  enabled: false\n")
    with smtp_server() as (inbox, port):
        app = App.load(profile_dir, {"database_url": database_url, "smtp": {"port": port},
                                     "data_dir": str(tmp_path / "data"), "log_dir": str(tmp_path / "logs")})
        app.upgrade_schema()
        yield app, inbox
        app.close()


@pytest.fixture
def mail_daemon(mail_app):
    """Build a stepped daemon on the mail App (jobs run only on scheduler.step()); stopped afterwards."""
    made: list[Daemon] = []

    def build() -> Daemon:
        daemon = Daemon(mail_app[0], scheduler_cls=SteppedScheduler, executor_factory=lambda size: DebugExecutor())
        made.append(daemon)
        return daemon

    yield build
    for daemon in made:
        daemon.stop()


def settle(daemon, steps: int = 6) -> None:
    """Let the chained stages run: each step runs what is due at the (unchanged) frozen instant."""
    for _ in range(steps):
        daemon.scheduler.step()


def notifications(app: App) -> list[Notification]:
    with app.sessions() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_next_stages_follow_the_results():
    stored = CrawlReport([SourceReport("s", "ok", new_posts=0, updated_posts=2)])
    assert next_stages("crawl:weibo", stored) == ["analyze"]
    assert next_stages("crawl:weibo", CrawlReport([SourceReport("s", "ok")])) == []
    assert next_stages("crawl:weibo", None) == []
    assert next_stages("check_clocks", stored) == []


def test_a_crawl_that_stores_posts_is_analysed_cased_and_alerted_at_once(mail_daemon, mail_app, crawl_stores):
    app, inbox = mail_app
    crawl_stores.append([(ABUSE.format(i), "") for i in range(3)])
    with freeze_time(DAY, real_asyncio=True):
        daemon = mail_daemon()
        daemon.start(STAGES)
        daemon.scheduler.modify_job("crawl:fake", next_run_time=DAY)
        settle(daemon)
        with app.sessions() as session:
            posts = list(session.scalars(select(Post)))
            case = session.scalars(select(Case)).one()
        assert all(post.analyzed_at == DAY for post in posts) and len(posts) == 3
        assert case.created_at == DAY and case.level <= 3
        sent = [row for row in notifications(app) if row.status == "sent"]
        assert sent and all(row.sent_at == DAY for row in sent)
        assert len(inbox.messages) == len(sent)
        periodic = {job.id: job.next_run_time for job in daemon.scheduler.get_jobs()}
        assert periodic["analyze"] > DAY + timedelta(minutes=59), "the periodic run stays as a safety net"


def test_a_crawl_that_stores_nothing_runs_no_stage(mail_daemon, mail_app, crawl_stores, monkeypatch):
    ran = []
    monkeypatch.setitem(jobs.JOBS, "analyze", lambda app, now: ran.append(now))
    with freeze_time(DAY, real_asyncio=True):
        daemon = mail_daemon()
        daemon.start(STAGES)
        daemon.scheduler.modify_job("crawl:fake", next_run_time=DAY)
        settle(daemon)
    assert ran == []


def test_quiet_hours_let_a_level_two_alert_out_at_once_and_hold_a_level_four_one(
        mail_daemon, mail_app, crawl_stores):
    app, inbox = mail_app
    crawl_stores.append([(PRESS, "榆川都市报"), (QUESTION, "")])
    with freeze_time(NIGHT, real_asyncio=True) as frozen:
        daemon = mail_daemon()
        daemon.start(STAGES)
        daemon.scheduler.modify_job("crawl:fake", next_run_time=NIGHT)
        settle(daemon)
        with app.sessions() as session:
            levels = {case.id: case.level for case in session.scalars(select(Case))}
        assert sorted(levels.values()) == [2, 4]
        rows = notifications(app)
        urgent = [row for row in rows if levels[row.case_id] == 2]
        calm = [row for row in rows if levels[row.case_id] == 4]
        assert urgent and all(row.status == "sent" and row.sent_at == NIGHT for row in urgent)
        assert calm and all(row.status == "pending" and row.next_attempt_at == MORNING for row in calm)
        assert len(inbox.messages) == len(urgent)
        for _ in range(9):  # the hourly outbox run at 07:00 local still holds it; the 08:00 one sends it
            frozen.tick(timedelta(hours=1))
            settle(daemon, 1)
        assert all(row.status == "sent" for row in notifications(app))
        assert len(inbox.messages) == len(rows)


def test_a_stage_that_was_busy_runs_again_when_it_ends(app):
    scheduler, stopping = RecordingScheduler(), threading.Event()
    chain = StageChain(scheduler, app, lambda: DAY, stopping)
    chain.on_busy(JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, "analyze", "default", [DAY]))
    chain.on_executed(JobExecutionEvent(EVENT_JOB_EXECUTED, "analyze", "default", DAY, retval=None))
    chain.on_executed(JobExecutionEvent(EVENT_JOB_EXECUTED, "analyze", "default", DAY, retval=None))
    assert scheduler.due == ["analyze"], "one more run for the run that was skipped, not more"
    stopping.set()
    stored = CrawlReport([SourceReport("s", "ok", new_posts=1)])
    chain.on_executed(JobExecutionEvent(EVENT_JOB_EXECUTED, "crawl:s", "default", DAY, retval=stored))
    assert scheduler.due == ["analyze"], "nothing is chained once a stop was requested"


def test_a_busy_chained_stage_is_no_warning_but_a_skipped_crawl_is(app, caplog):
    daemon = Daemon(app, scheduler_cls=SteppedScheduler, executor_factory=lambda size: DebugExecutor())
    with caplog.at_level("INFO", logger="yuqing.shell.scheduler"):
        daemon._on_job_skipped(JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, "analyze", "default", [DAY]))
        daemon._on_job_skipped(JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, "crawl:weibo", "default", [DAY]))
    levels = {record.job: record.levelname for record in caplog.records if hasattr(record, "job")}
    assert levels == {"analyze": "INFO", "crawl:weibo": "WARNING"}
