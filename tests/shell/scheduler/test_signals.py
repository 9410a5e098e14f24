"""`yuqing run` in a real process: SIGTERM mid-step finishes the step, then exits cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from yuqing.core.storage.models import SourceRun

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.slow


def wait_for(path: Path, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.fixture
def slow_daemon(app, profile_dir: Path, tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    os.mkfifo(work / "release")
    env = dict(os.environ, YUQING_DATA_DIR=str(tmp_path / "data"), YUQING_LOG_DIR=str(tmp_path / "logs"))
    proc = subprocess.Popen([sys.executable, str(HERE / "slow_daemon.py"), str(profile_dir),
                             app.settings.app.database_url, str(work)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield proc, work
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_sigterm_mid_step_finishes_the_step_and_exits_cleanly(app, slow_daemon, tmp_path):
    proc, work = slow_daemon
    wait_for(work / "started", proc)
    proc.send_signal(signal.SIGTERM)
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=1)
    with open(work / "release", "w") as fifo:
        fifo.write("go\n")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "已停止" in out
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SourceRun)) == 1
    records = [json.loads(line) for line in (tmp_path / "logs" / "yuqing.log").read_text(encoding="utf-8").splitlines()]
    messages = [r["message"] for r in records]
    assert messages.index("stop requested") < messages.index("job finished") < messages.index("daemon stopped")


def test_a_second_daemon_on_the_same_database_is_refused(app, slow_daemon, profile_dir, tmp_path):
    proc, work = slow_daemon
    wait_for(work / "started", proc)
    env = dict(os.environ, YUQING_DATA_DIR=str(tmp_path / "data"), YUQING_LOG_DIR=str(tmp_path / "logs2"))
    second = subprocess.run([sys.executable, "-c", "from yuqing.shell.cli import main; main()", "--config", str(profile_dir),
                             "--database-url", app.settings.app.database_url, "run"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 1
    assert "调度进程" in second.stderr
    with open(work / "release", "w") as fifo:
        fifo.write("go\n")


def test_an_unreachable_database_is_a_one_line_error(profile_dir):
    from click.testing import CliRunner

    from yuqing.shell.cli import cli

    url = "postgresql://yuqing:secret@127.0.0.1:1/yuqing"
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", url, "run"])
    assert result.exit_code == 1
    assert "无法连接数据库" in result.output and "127.0.0.1:1" in result.output
    assert "secret" not in result.output and "Traceback" not in result.output
