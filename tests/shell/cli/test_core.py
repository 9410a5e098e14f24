"""The core commands: init, db upgrade, status, and config errors at the command line."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from yuqing.shell.cli import cli
from yuqing.core.storage.db import current_revision, make_engine, upgrade


def test_init_writes_an_editable_profile(tmp_path: Path):
    target = tmp_path / "myconfig"
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "bureau.yaml").exists()
    again = CliRunner().invoke(cli, ["init", str(target)])
    assert again.exit_code == 1
    assert "--force" in again.output


def test_db_upgrade_and_status_json(profile_dir: Path, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(profile_dir), "--database-url", url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--config", str(profile_dir), "--database-url", url, "status", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["cases_by_state"] == {} and data["overdue_cases"] == 0
    assert {s["key"] for s in data["sources"] if s["never_run"]} >= {"city-news", "liuyan-board"}
    result = runner.invoke(cli, ["--config", str(profile_dir), "--database-url", url, "status"])
    assert "city-news" in result.output and "尚未抓取" in result.output


def test_config_typo_exits_2_naming_file_and_key(profile_dir: Path):
    path = profile_dir / "response.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_hotness", "min_hotnes"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "status"])
    assert result.exit_code == 2
    assert "response.yaml" in result.output and "thresholds.min_hotnes" in result.output
    assert "Traceback" not in result.output


READ_ONLY_COMMANDS = [["status"], ["status", "--json"], ["queue", "list"], ["queue", "show", "1"], ["users", "list"]]


@pytest.mark.parametrize("revision", [None, "0002_web_sessions"])
@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=" ".join)
def test_read_only_commands_leave_an_old_schema_alone_and_say_how_to_upgrade(profile_dir, tmp_path, revision,
                                                                               command):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    if revision:
        upgrade(engine, revision)
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", url, *command])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert "请先运行 yuqing db upgrade" in line and (revision or "尚未初始化") in line
    assert current_revision(engine) == revision
    engine.dispose()


def test_read_only_commands_run_once_the_schema_is_upgraded(profile_dir, tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(profile_dir), "--database-url", url, "db", "upgrade"]).exit_code == 0
    for command in READ_ONLY_COMMANDS[:3] + READ_ONLY_COMMANDS[4:]:
        result = runner.invoke(cli, ["--config", str(profile_dir), "--database-url", url, *command])
        assert result.exit_code == 0, (command, result.output)
