"""A simulated week of the daemon: the real schedule and stages, the mock forum, a local SMTP server.

The daemon's scheduler is stepped on a frozen clock in 30-minute steps for seven days (missed
minute-jobs coalesce into one run per step). Posts appear on the mock forum every day at 10:00;
the daemon crawls them (in child processes, as in production), analyses them, opens and routes
cases, sends alerts and clock reminders to the SMTP server, and sends the digest once (any seven
days hold exactly one Monday 09:00).

The week starts at the wall clock's current hour because the crawl's child process stamps
posts' fetched_at (and so cases' detected_at) with the wall clock, not with its --now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
from apscheduler.executors.debug import DebugExecutor
from freezegun import freeze_time
from sqlalchemy import func, select

from tests.ops.mocksite import Forum, MockForumServer, forum_source_yaml
from tests.smtp import smtp_server
from tests.shell.scheduler.stepping import SteppedScheduler
from yuqing.core.app import App
from yuqing.core.config import default_config_dir
from yuqing.shell.scheduler.daemon import Daemon
from yuqing.core.storage.models import Case, Digest, Notification, Post

pytestmark = pytest.mark.slow
TZ = ZoneInfo("Asia/Shanghai")
DAYS = 7
STEP = timedelta(minutes=30)
DAILY = [
    ("低保审核拖了三个月没人管", "榆川市民政局低保审核拖了三个月，窗口推来推去，材料交了三次还说不全，太让人失望了，到底有没有人管？"),
    ("请问高龄津贴怎么申请", "请问榆川市民政局，家里老人刚满八十岁，高龄津贴需要带什么材料、去哪里办理？"),
]


@dataclass
class Week:
    """What the simulated week left behind."""

    app: App
    forum: Forum
    subjects: list[str]
    start: datetime


def publish_due(forum: Forum, start: datetime, now: datetime, published: set[int]) -> None:
    """Two posts each day at 10:00 local time (a day that began before the start gets them at once)."""
    first = start.astimezone(TZ).replace(hour=10, minute=0)
    for day in range(DAYS):
        moment = first + timedelta(days=day)
        if day not in published and now >= moment:
            for i, (title, body) in enumerate(DAILY):
                forum.add(f"{title}（{day + 1}-{i + 1}）", f"{body}（第{day + 1}天第{i + 1}条）",
                          moment.strftime("%Y-%m-%d %H:%M"))
            published.add(day)


def run_week(app: App, forum: Forum, start: datetime) -> None:
    """Step the daemon from start for DAYS days, publishing posts as the days go by."""
    published: set[int] = set()
    with freeze_time(start, real_asyncio=True) as frozen:
        daemon = Daemon(app, scheduler_cls=SteppedScheduler, executor_factory=lambda size: DebugExecutor())
        daemon.start()
        now = start
        while now < start + timedelta(days=DAYS):
            publish_due(forum, start, now, published)
            daemon.scheduler.step()
            now += STEP
            frozen.move_to(now)
        daemon.stop()


def database_for(request, folder) -> str:
    """A fresh database on the backend this run of the module is for."""
    if request.param == "sqlite":
        return f"sqlite:///{folder / 'week.db'}"
    from tests.conftest import _fresh_postgres_url

    return _fresh_postgres_url(request.getfixturevalue("postgres_admin_url"))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def week(request, tmp_path_factory):
    """Run the simulated week once (per backend) for all the tests of this module."""
    folder = tmp_path_factory.mktemp("week")
    profile = folder / "config"
    profile.mkdir()
    for path in default_config_dir().glob("*.yaml"):
        (profile / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    forum = Forum()
    with smtp_server() as (inbox, port), MockForumServer(forum) as site:
        (profile / "sources.yaml").write_text(forum_source_yaml("mock-forum", site.url, interval_minutes=720),
                                              encoding="utf-8")
        app = App.load(profile, {"database_url": database_for(request, folder), "smtp": {"port": port},
                                 "data_dir": str(folder / "data"), "log_dir": str(folder / "logs")})
        app.upgrade_schema()
        start = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
        run_week(app, forum, start)
        subjects = [str(make_header(decode_header(m["Subject"]))) for m in inbox.messages]
        yield Week(app, forum, subjects, start)
        app.close()


def test_every_post_that_appeared_is_stored_once(week):
    with week.app.sessions() as session:
        urls = session.scalars(select(Post.url)).all()
    assert len(urls) == len(set(urls)) == len(week.forum.posts) == 2 * DAYS


def test_cases_are_created_and_routed_to_named_staff(week):
    with week.app.sessions() as session:
        cases = session.scalars(select(Case)).all()
    assert cases, "the complaints and consultations became cases"
    staff = {member.key for member in week.app.settings.staff.members}
    assert all(case.owner in staff for case in cases)


def test_the_weekly_digest_is_sent_exactly_once(week):
    with week.app.sessions() as session:
        digests = session.scalars(select(Digest)).all()
        assert len(digests) == 1
        assert session.get(Notification, digests[0].notification_id).status == "sent"
    assert sum(week.app.settings.digest.title in subject for subject in week.subjects) == 1


def test_no_job_failed_during_the_week(week):
    assert not any("定时任务" in subject for subject in week.subjects)
    with week.app.sessions() as session:
        failures = session.scalar(select(func.count()).select_from(Notification)
                                  .where(Notification.dedup_key.like("job-error:%")))
    assert failures == 0


def test_case_alerts_and_clock_reminders_reach_the_smtp_server(week):
    assert any("新舆情" in s or "分派给您" in s for s in week.subjects), week.subjects
    assert any("时限已过" in s for s in week.subjects), week.subjects
