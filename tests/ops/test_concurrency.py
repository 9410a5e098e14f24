"""Several processes writing the same PostgreSQL database at once lose no update and send nothing twice."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from sqlalchemy import select

from yuqing.core.app import App
from yuqing.core.storage.models import Case, Notification

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_app(profile_dir: Path, postgres_admin_url):
    from tests.conftest import _fresh_postgres_url

    app = App.load(profile_dir, {"database_url": _fresh_postgres_url(postgres_admin_url)})
    app.upgrade_schema()
    yield app
    app.close()


def run_together(tmp_path: Path, commands: list[list[str]]) -> list[str]:
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-m", "tests.ops.concurrent_writers", *c, str(go)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    deadline = time.monotonic() + 240
    while len(list(tmp_path.glob("go.ready.*"))) < len(procs):
        assert all(proc.poll() is None for proc in procs), [proc.communicate() for proc in procs]
        assert time.monotonic() < deadline, "the writers never got ready"
        time.sleep(0.05)
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        outputs.append(out)
    return outputs


def test_optimistic_locking_loses_no_update_between_processes(pg_app, tmp_path, now):
    with pg_app.sessions.begin() as session:
        case = Case(title="并发测试", kind="complaint", state="new", detected_at=now, created_at=now, updated_at=now)
        session.add(case)
    url = pg_app.settings.app.database_url
    outputs = run_together(tmp_path, [["increment", url, str(case.id), "25"] for _ in range(4)])
    with pg_app.sessions() as session:
        stored = session.get(Case, case.id)
        assert stored.data["n"] == 100
        assert stored.version == 101
    assert sum(int(o) for o in outputs) > 0, "the writers really collided (and retried)"


def test_concurrent_outbox_runs_send_each_alert_once(pg_app, profile_dir, smtp_inbox, tmp_path, now):
    messages, port = smtp_inbox
    with pg_app.sessions.begin() as session:
        for i in range(30):
            session.add(Notification(dedup_key=f"n{i}", channel="email", recipient=f"user{i}@example.gov.cn",
                                     subject=f"提醒 {i}", body_text="测试", created_at=now - timedelta(hours=1),
                                     next_attempt_at=now - timedelta(hours=1)))
    url = pg_app.settings.app.database_url
    run_together(tmp_path, [["deliver", str(profile_dir), url, str(port)] for _ in range(3)])
    assert sorted(str(make_header(decode_header(m["Subject"]))) for m in messages) == sorted(f"提醒 {i}" for i in range(30))
    with pg_app.sessions() as session:
        assert set(session.scalars(select(Notification.status))) == {"sent"}
