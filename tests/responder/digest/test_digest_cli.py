"""`yuqing digest`: render to a file without sending, send once, refuse bad input with one line."""

from __future__ import annotations

import email
from email.policy import default as default_policy

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.responder.digest.world import WEEK
from yuqing.shell.demo.mailsink import free_port
from yuqing.shell.cli import cli, digest_cmds
from yuqing.core.storage.models import Digest, Notification


@pytest.fixture
def run(profile_dir, database_url, digest_now, tmp_path, monkeypatch):
    """Invoke `yuqing digest …` on the test database, at the frozen time, with SMTP on a given port."""
    monkeypatch.setattr(digest_cmds, "utcnow", lambda: digest_now)

    def invoke(*args: str, port: int | None = None):
        env = {"YUQING_DATA_DIR": str(tmp_path / "data"), "YUQING_SMTP_PORT": str(port or free_port())}
        command = ["--config", str(profile_dir), "--database-url", database_url, "digest", *args]
        return CliRunner().invoke(cli, command, env=env, catch_exceptions=False)
    return invoke


def _rows(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_renders_to_a_file_without_sending(run, sessions, world, tmp_path):
    out = tmp_path / "周报.html"
    result = run("--week", WEEK, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "信息 18 条" in result.output and "未发送" in result.output
    html = out.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "cid:" not in html
    assert _rows(sessions, Digest) == 0 and _rows(sessions, Notification) == 0


def test_send_goes_out_once(run, sessions, world, smtp_server):
    port, inbox = smtp_server
    first = run("--week", WEEK, "--send", port=port)
    assert first.exit_code == 0, first.output
    assert "已发送给 3 位收件人" in first.output and len(inbox.messages) == 1
    message = email.message_from_bytes(inbox.messages[0][1], policy=default_policy)
    assert message["Subject"].startswith("榆川市民政局网络舆情周报")
    again = run("--week", WEEK, "--send", port=port)
    assert again.exit_code == 0 and "不再重复发送" in again.output and len(inbox.messages) == 1
    forced = run("--week", WEEK, "--send", "--force", port=port)
    assert forced.exit_code == 0 and len(inbox.messages) == 2


def test_dead_smtp_server_leaves_the_digest_queued(run, sessions, world):
    result = run("--week", WEEK, "--send")
    assert result.exit_code == 0
    assert "发送未成功" in result.output and "自动重试" in result.output
    with sessions() as session:
        assert session.scalar(select(Digest.status)) == "queued"
        assert session.scalar(select(Notification.attempts)) == 1


@pytest.mark.parametrize("args, message", [
    (("--week", "2026-47"), "周次格式应为 2026-W47"),
    (("--week", "2026-W60"), "2026 年没有第 60 周"),
    (("--force",), "--force 只能与 --send 一起使用"),
    (("--out", "report.pdf"), "不支持的输出格式 .pdf"),
])
def test_bad_input_is_one_line(run, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name, check", [
    ("digest.txt", lambda data: "一、总体态势" in data.decode("utf-8")),
    ("digest.docx", lambda data: data[:2] == b"PK"),
    ("digest.json", lambda data: b'"week": "2026-W47"' in data),
])
def test_out_suffix_picks_the_format(run, world, tmp_path, name, check):
    out = tmp_path / name
    assert run("--week", WEEK, "--out", str(out)).exit_code == 0
    assert check(out.read_bytes())
