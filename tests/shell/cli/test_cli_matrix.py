"""Every command against a broken setting: one line that says what to do, a non-zero exit, no traceback.

The command list comes from the click group itself, so a new command fails here until it is given its
arguments below (issue 17: defect 8 and the CLI matrix)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.conftest import _postgres_available
from yuqing.shell.cli import cli

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/yuqing"
BAD_ROLE = "postgresql://no_such_role_17@127.0.0.1:5432/test"
HUGE_ID = str(10**30)
# What each leaf command needs to get as far as the profile and the database ({tmp} is a scratch folder).
ARGS: dict[str, list[str]] = {
    "db upgrade": [], "db current": [], "status": [], "demo": ["--dir", "{tmp}/demo"], "crawl": [], "worker": [],
    "analyze": [], "score": ["{tmp}/in.csv", "-o", "{tmp}/out.csv"],
    "train-sentiment": ["{tmp}/in.csv", "--held-out", "{tmp}/in.csv", "-o", "{tmp}/m.npz", "--no-domain"],
    "train-department": ["-o", "{tmp}/d.npz"], "digest": [], "report": ["1"], "web": ["--port", "0"], "users add": ["admin"], "users list": [],
    "users passwd": ["admin", "--generate"], "run": [], "login": ["weibo-search"], "backup": ["--out", "{tmp}/b.json", "--format", "json"],
    "backup restore": ["{tmp}/backup.json.gz", "--yes"],
    **{f"queue {name}": [] for name in ("list", "intake", "clocks", "deliver", "retry-failed", "revisits",
                                                     "check-links")},
    **{f"queue {name}": ["1", "--as", "affairs-chief"] for name in ("claim", "triage", "approve", "follow", "close",
                                                                   "escalate", "draft", "reply")},
    **{f"queue {name}": ["1", "--as", "affairs-chief", "--reason", "r"] for name in
       ("send-back", "dismiss", "reopen", "comment", "confirm")},
    "queue show": ["1"], "queue suggest": ["1"], "queue assign": ["1", "--as", "a", "--to", "b"],
    "queue publish": ["1", "--as", "a", "--url", "https://example.test/1"],
    "queue transfer": ["1", "--as", "a", "--to", "公安", "--reason", "r"],
    "queue relabel": ["1", "--as", "a", "--label", "2", "--reason", "r"],
    "queue revisit": ["1", "--as", "a", "--method", "电话", "--satisfaction", "满意", "--outcome", "r"],
    "queue verify-open": ["1", "--as", "a"], "queue rebut": ["1", "--as", "a", "--template", "rumour-open"],
    "queue evidence": ["1", "--as", "a", "--source", "s", "--note", "n"],
    "queue verify": ["1", "--as", "a", "--verdict", "不实", "--finding", "f"],
    "queue refer": ["1", "--as", "a", "--to", "公安", "--reason", "r"],
    "queue transfer-answer": ["1", "--as", "a", "--answer", "r"], "queue spread": ["1"],
}
NO_PROFILE = {"init"}  # writes a profile; reads neither a profile nor a database
NO_DATABASE = NO_PROFILE | {"score", "train-department", "login"}
OWN_PROFILE = {"demo"}  # writes its own profile in --dir: config scenarios do not apply
# Only read: on an empty read-only database they ask for `yuqing db upgrade` (tests/shell/cli/test_core.py) and write nothing.
READ_ONLY = {"db current", "status", "queue list", "queue show", "queue spread", "users list"}


def leaf_commands(group: click.Group = cli, prefix: str = "") -> list[str]:
    """Every runnable command path, e.g. "queue claim" (a group that runs by itself counts too)."""
    ctx = click.Context(group)
    paths = []
    for name in group.list_commands(ctx):
        command, path = group.get_command(ctx, name), f"{prefix}{name}"
        if isinstance(command, click.Group):
            paths += [path] * bool(command.invoke_without_command) + leaf_commands(command, f"{path} ")
        else:
            paths.append(path)
    return paths


COMMANDS = leaf_commands()


def _read_only_sqlite(tmp: Path) -> str:
    """An empty database opened read-only (root may write any file: a mode=ro URI refuses everyone)."""
    sqlite3.connect(tmp / "ro.db").close()
    return f"sqlite:///file:{tmp / 'ro.db'}?mode=ro&uri=true"


def _broken_yaml(profile_dir: Path) -> Path:
    (profile_dir / "staff.yaml").write_text("members: [{key: x, name: 半截\n", encoding="utf-8")
    return profile_dir


SCENARIOS = {  # name: (global options, words the one line must contain, commands it does not apply to)
    "unreachable postgres": (lambda tmp, profile: ["--config", str(profile), "--database-url", UNREACHABLE],
                             "无法连接数据库", NO_DATABASE),
    "bad role": (lambda tmp, profile: ["--config", str(profile), "--database-url", BAD_ROLE],
                 "拒绝登录" if _postgres_available() else "无法连接数据库", NO_DATABASE),
    "read-only sqlite": (lambda tmp, profile: ["--config", str(profile), "--database-url", _read_only_sqlite(tmp)],
                         "只读", NO_DATABASE | READ_ONLY),
    "unknown driver": (lambda tmp, profile: ["--config", str(profile), "--database-url", "mysql://u@h/db"],
                       "不支持的数据库类型", NO_DATABASE),
    "unparseable url": (lambda tmp, profile: ["--config", str(profile), "--database-url", "::not a url::"],
                        "无法解析", NO_DATABASE),
    "missing config": (lambda tmp, profile: ["--config", str(tmp / "no-such-folder")], "配置目录不存在",
                       NO_PROFILE | OWN_PROFILE),
    "corrupt yaml": (lambda tmp, profile: ["--config", str(_broken_yaml(profile))], "YAML", NO_PROFILE | OWN_PROFILE),
}


def _run(args: list[str], tmp: Path):
    (tmp / "in.csv").write_text("text,label\n好,1\n", encoding="utf-8")
    (tmp / "backup.json.gz").write_bytes(b"\x1f\x8b not really")
    env = {"YUQING_REDIS_URL": "redis://127.0.0.1:1/0", "YUQING_DATABASE_URL": None, "YUQING_CONFIG": None}
    return CliRunner().invoke(cli, [a.replace("{tmp}", str(tmp)) for a in args], env=env, input="")


def _assert_one_line(result, words: str) -> None:
    lines = result.output.strip().splitlines()
    assert result.exit_code not in (0, None) and "Traceback" not in result.output, result.output
    assert len(lines) == 1 and words in lines[0], result.output


def test_every_command_has_matrix_arguments():
    assert set(COMMANDS) - NO_PROFILE == set(ARGS), "give new commands their arguments in ARGS"


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_command_fails_in_one_line_that_says_what_to_do(scenario, profile_dir, tmp_path):
    options, words, exempt = SCENARIOS[scenario]
    checked = [command for command in COMMANDS if command not in exempt]
    for command in checked:
        _assert_one_line(_run([*options(tmp_path, profile_dir), *command.split(), *ARGS[command]], tmp_path), words)
    assert len(checked) > 30


@pytest.mark.parametrize("args, words", [
    *[(["queue", *command.split()[1:], HUGE_ID, *ARGS[command][1:]], "超出范围") for command in COMMANDS
      if command.startswith("queue ") and ARGS[command][:1] == ["1"]],
    (["queue", "show", str(2**31)], "超出范围"), (["queue", "show", "¹"], "工单编号应为"),
    (["digest", "--week", "0001-W01"], "超出可处理的日期范围"), (["digest", "--week", "9999-W52"], "超出可处理的日期范围"),
    (["digest", "--week", "2026-W99"], "周"), (["digest", "--week", "x"], "周"),
])
def test_absurd_ids_and_weeks_fail_in_one_line(args, words, profile_dir, tmp_path):
    url = f"sqlite:///{tmp_path / 'ok.db'}"
    _assert_one_line(_run(["--config", str(profile_dir), "--database-url", url, *args], tmp_path), words)
