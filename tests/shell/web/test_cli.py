"""`yuqing users add|list|passwd` and `yuqing web` from the command line."""

from __future__ import annotations

import re
import socket

import pytest
from click.testing import CliRunner

from yuqing.shell.cli import cli


@pytest.fixture
def run(profile_dir, tmp_path, monkeypatch):
    """Invoke the CLI on the test profile with a SQLite database in a temporary directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("YUQING_WEB_SECRET", raising=False)
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", url, *args], input=stdin)

    return invoke


def test_users_add_all_creates_one_account_per_staff_member_with_mapped_roles(run):
    result = run("users", "add", "--all")
    assert result.exit_code == 0, result.output
    assert re.search(r"已创建账号 deputy-li\t李明华\tspokesperson\t初始密码: \S{14}", result.output)
    assert "已创建账号 relief-chief\t陈志强\tcommentator" in result.output and "admin\t孙伟\tadmin" in result.output
    listing = run("users", "list").output
    assert "审核人" in listing and "网络评论员" in listing and listing.count("启用") == 7
    assert run("users", "add", "--all").output.strip() == "所有人员都已有账号。"


def test_users_passwd_refuses_a_common_password(run):
    assert run("users", "add", "relief-chief", "--username", "chen").exit_code == 0
    result = run("users", "passwd", "chen", stdin="password1234\npassword1234\n")
    assert result.exit_code == 1 and "密码太常见" in result.output and "Traceback" not in result.output


def test_users_add_with_password_from_stdin_and_passwd(run):
    assert run("users", "add", "relief-chief", "--username", "chen", "--password-stdin",
               stdin="long-Enough-9\n").exit_code == 0
    result = run("users", "passwd", "chen", "--generate")
    assert result.exit_code == 0 and "已修改 chen 的密码。新密码: " in result.output


@pytest.mark.parametrize("args, stdin, message", [
    (("users", "add", "nobody"), None, "人员配置中没有 nobody"),
    (("users", "add", "relief-chief", "--password-stdin"), "short\n", "密码至少需要 12 个字符"),
    (("users", "add", "relief-chief", "--password-stdin"), " " * 12 + "\n", "密码不能为空白"),
    (("users", "add", "relief-chief", "--password-stdin"), "password1234\n", "密码太常见"),
    (("users", "add", "relief-chief", "--password-stdin"), "Admin12345\n", "密码至少需要 12 个字符"),
    (("users", "add"), None, "请指定一个人员键，或使用 --all"),
    (("users", "passwd", "ghost", "--generate"), None, "没有用户 ghost"),
])
def test_users_errors_are_one_chinese_line(run, args, stdin, message):
    result = run(*args, stdin=stdin)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_web_serves_with_proxy_settings_and_keeps_a_generated_secret(run, tmp_path, monkeypatch):
    served = {}
    monkeypatch.setattr("uvicorn.Server.run", lambda server, sockets: served.update(config=server.config,
                                                                                     port=sockets[0].getsockname()[1]))
    result = run("web", "--port", "0", "--root-path", "yuqing/", "--forwarded-allow-ips", "10.0.0.2")
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{served['port']}/yuqing/login" in result.output and "yuqing users add --all" in result.output
    config = served["config"]
    assert config.root_path == "/yuqing" and config.proxy_headers and config.forwarded_allow_ips == "10.0.0.2"
    secret = tmp_path / "data" / "web-secret"
    assert len(secret.read_text()) > 40 and secret.stat().st_mode & 0o077 == 0


def test_web_on_a_taken_port_is_a_one_line_error(run):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        result = run("web", "--port", str(taken.getsockname()[1]))
    assert result.exit_code == 1 and "端口可能已被占用" in result.output and "Traceback" not in result.output
