"""`yuqing run` stopped by SIGTERM in the middle of a crawl, then restarted: nothing lost or doubled.

The daemon runs in its own process group and the signal goes to the whole group, as systemd
sends it, so the crawl's child process is stopped too. After the restart the cut-short crawl
runs first and collects the rest.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.ops.mocksite import Forum, MockForumServer, forum_source_yaml
from yuqing.core.app import App
from yuqing.core.storage.models import Post

pytestmark = pytest.mark.slow
TOTAL = 30


@pytest.fixture
def forum_app(profile_dir: Path, database_url: str, tmp_path: Path):
    forum = Forum(post_delay=0.4)
    for n in range(1, TOTAL + 1):
        forum.add(f"养老补贴问题{n}", f"榆川市民政局您好，第{n}户老人的高龄津贴编号{n * 104729}迟迟未到账。",
                  f"2026-11-{1 + n % 17:02d} {n % 24:02d}:{n % 60:02d}")
    with MockForumServer(forum) as site:
        (profile_dir / "sources.yaml").write_text(forum_source_yaml("mock-forum", site.url), encoding="utf-8")
        app = App.load(profile_dir, {"database_url": database_url})
        app.upgrade_schema()
        yield forum, app
        app.close()


def start_daemon(profile_dir: Path, app: App, tmp_path: Path) -> subprocess.Popen:
    env = dict(os.environ, YUQING_DATA_DIR=str(tmp_path / "data"), YUQING_LOG_DIR=str(tmp_path / "logs"))
    return subprocess.Popen([sys.executable, "-c", "from yuqing.shell.cli import main; main()", "--config",
                             str(profile_dir), "--database-url", app.settings.app.database_url, "run"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def stop_group(proc: subprocess.Popen) -> tuple[str, str]:
    os.killpg(proc.pid, signal.SIGTERM)
    return proc.communicate(timeout=120)


def posts(app: App) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(Post.url)))


def wait_until(condition, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_sigterm_mid_crawl_then_restart_loses_and_doubles_nothing(forum_app, profile_dir, tmp_path):
    forum, app = forum_app
    first = start_daemon(profile_dir, app, tmp_path)
    wait_until(lambda: sum(n for path, n in forum.hits.items() if path.startswith("/post-")) >= 5, first)
    out, err = stop_group(first)
    assert first.returncode == 0, err
    after_stop = len(posts(app))
    assert after_stop < TOTAL, "the crawl was cut short"
    second = start_daemon(profile_dir, app, tmp_path)
    wait_until(lambda: len(posts(app)) == TOTAL, second)
    out, err = stop_group(second)
    assert second.returncode == 0, err
    urls = posts(app)
    assert len(urls) == len(set(urls)) == TOTAL
    assert all(forum.hits[f"/post-{n}.html"] >= 1 for n in range(1, TOTAL + 1))
