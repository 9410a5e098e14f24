"""Fixtures for the daemon: an App on each backend, and a daemon stepped on a frozen clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from apscheduler.executors.debug import DebugExecutor

from yuqing.core.app import App
from yuqing.shell.scheduler import jobs
from yuqing.shell.scheduler.daemon import Daemon
from tests.shell.scheduler.stepping import SteppedScheduler


@pytest.fixture
def app(profile_dir: Path, database_url: str, tmp_path: Path):
    """An App on a migrated database (SQLite and PostgreSQL) with data and logs under tmp_path."""
    application = App.load(profile_dir, {"database_url": database_url, "data_dir": str(tmp_path / "data"),
                                         "log_dir": str(tmp_path / "logs")})
    application.upgrade_schema()
    yield application
    application.close()


@pytest.fixture
def stepped_daemon(app: App):
    """Build a daemon whose jobs run only on scheduler.step(); stopped afterwards."""
    made: list[Daemon] = []

    def build(**kwargs) -> Daemon:
        daemon = Daemon(app, scheduler_cls=SteppedScheduler, executor_factory=lambda size: DebugExecutor(), **kwargs)
        made.append(daemon)
        return daemon

    yield build
    for daemon in made:
        daemon.stop()


@pytest.fixture
def calls(monkeypatch):
    """Register test job bodies that record (name, now, args); returns the list of calls."""
    seen: list[tuple] = []

    def recorder(name):
        return lambda app, now, *args: seen.append((name, now, args))

    for name in ("tick", "other"):
        monkeypatch.setitem(jobs.JOBS, name, recorder(name))
    return seen
