"""The core commands: init, db upgrade, status, and config errors at the command line."""

import json
from pathlib import Path

from click.testing import CliRunner

from yuqing.cli import cli


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
