"""`yuqing demo`: one full cycle — crawl, analyse, route, alert, digest — on sample sites, offline."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from yuqing.core.app import App
from yuqing.shell.demo.mailsink import MailSink
from yuqing.shell.demo.profile import write_demo_profile
from yuqing.shell.demo.robot import RobotReceiver
from yuqing.shell.demo.sites import SampleSite, demo_sources, own_account_source
from yuqing.shell.demo.summary import DemoSummary, collect_summary

Step = Callable[[str], None]


@dataclass(frozen=True)
class DemoPaths:
    """Where the demo keeps its files."""

    root: Path

    @property
    def config(self) -> Path:
        """The demo's own profile folder."""
        return self.root / "config"

    @property
    def mail(self) -> Path:
        """Messages received by the loopback SMTP server."""
        return self.root / "mail"

    @property
    def robots(self) -> Path:
        """Messages received by the loopback group-robot webhook."""
        return self.root / "robots"

    @property
    def database(self) -> Path:
        """The demo's SQLite database."""
        return self.root / "yuqing.db"


def _fresh_folder(paths: DemoPaths, database_url: str | None) -> str:
    """Clear the previous run's outputs; return the database URL to use."""
    for folder in (paths.mail, paths.robots, paths.root / "data"):
        shutil.rmtree(folder, ignore_errors=True)
    if database_url:
        return database_url
    for suffix in ("", "-wal", "-shm"):
        Path(f"{paths.database}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{paths.database.resolve()}"


def _cycle(app: App, environ: dict[str, str], step: Step) -> Path | None:
    """Crawl, analyse, open and route cases, deliver alerts, build and send the digest."""
    from yuqing.stages.crawl import run_crawl
    from responder.digest import send_weekly_digest
    from responder.digest.period import week_of
    from responder.intake import open_cases
    from responder.outbox import deliver_due
    from yuqing.stages.analyze import analyze_pending

    step("采集示例站点")
    run_crawl(app)
    now = datetime.now(timezone.utc)
    step("分析情感、类别、主题与热度")
    analyze_pending(app.sessions, app.settings, now)
    step("生成并分派工单")
    open_cases(app.sessions, app.settings, now)
    step("发送提醒")
    deliver_due(app.sessions, app.settings, now, environ=environ)
    step("生成并发送本周（截至目前）的舆情周报")
    result = send_weekly_digest(app.sessions, app.settings, week_of(now, app.tz).label, now, force=True)
    deliver_due(app.sessions, app.settings, now, environ=environ)
    return next((p for p in result.paths if p.suffix == ".html"), result.paths[0] if result.paths else None)


def _accounts(app: App, now: datetime) -> dict[str, str]:
    """Web desk accounts for every staff member, with passwords the demo prints."""
    from yuqing.shell.web.security import generate_password
    from yuqing.shell.web.users import add_missing_users, list_users, set_password

    with app.sessions.begin() as session:
        created = {a.username: a.password for a in add_missing_users(session, app.settings, now)}
        for user in list_users(session):
            if user.username not in created:
                created[user.username] = generate_password()
                set_password(session, user.username, created[user.username])
    return created


def run_demo(root: Path, step: Step, database_url: str | None = None) -> DemoSummary:
    """Run the whole loop in `root` and return what happened."""
    paths = DemoPaths(root)
    root.mkdir(parents=True, exist_ok=True)
    url = _fresh_folder(paths, database_url)
    site = SampleSite().start()
    try:
        with MailSink(paths.mail) as sink, RobotReceiver(paths.robots) as robot:
            write_demo_profile(paths.config, [*demo_sources(site.url), own_account_source(site.url)], url, sink.port)
            environ = {**os.environ, "YUQING_WECOM_WEBHOOK": robot.url}
            app = App.load(paths.config)
            app.upgrade_schema()
            digest = _cycle(app, environ, step)
            accounts = _accounts(app, datetime.now(timezone.utc))
            with app.sessions() as session:
                summary = collect_summary(session, app.settings)
            app.close()
    finally:
        site.stop()
    summary.mail_files = sorted(paths.mail.glob("*.eml"))
    summary.digest_file = digest
    summary.accounts = accounts
    return summary
