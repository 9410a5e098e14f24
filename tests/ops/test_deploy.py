"""The deploy/ files stay in step with the code: commands and options exist, variables are read."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from yuqing.shell.cli import cli
from yuqing.core.config import load_settings
from yuqing.core.config.loader import env_overrides

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
YUQING = "/opt/yuqing/venv/bin/yuqing"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser


def commands(path: Path) -> list[list[str]]:
    service = unit(path)["Service"]
    lines = [service.get(key, "") for key in ("ExecStartPre", "ExecStart")]
    return [shlex.split(line.replace("%H-%i", "host-1"))
            for line in lines if line]


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_every_unit_runs_an_existing_command_with_known_options(path):
    for argv in commands(path):
        assert argv[0] == YUQING, f"{path.name}: unexpected command {argv}"
        result = CliRunner().invoke(cli, argv[1:] + ["--help"])
        assert result.exit_code == 0, f"{path.name}: {' '.join(argv)}: {result.output}"


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_every_unit_reads_the_environment_file_and_runs_as_yuqing(path):
    service = unit(path)["Service"]
    assert service["EnvironmentFile"] == "/etc/yuqing/yuqing.env"
    assert service["User"] == "yuqing"


def example_variables() -> dict[str, str]:
    pairs = [line.split("=", 1) for line in (DEPLOY / "yuqing.env.example").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def secret_names(settings) -> set[str]:
    names = {settings.app.smtp.password_env, settings.app.web.secret_env}
    for channel in settings.response.channels.values():
        names |= {channel.url_env, channel.secret_env}
    names |= {source.cookies_env for source in settings.sources.sources}
    return {name for name in names if name}


def test_every_variable_of_the_example_is_read_by_yuqing():
    settings = load_settings(environ={})
    known = secret_names(settings) | {"YUQING_CONFIG"}
    for name in example_variables():
        assert name in known or env_overrides({name: "x"}), f"{name} is not read by yuqing"


def test_the_example_settings_load():
    variables = {k: v for k, v in example_variables().items() if v and k != "YUQING_CONFIG"}
    settings = load_settings(environ=variables)
    assert settings.app.database_url.startswith("postgresql://")
    assert settings.app.smtp.security == "ssl" and settings.app.web.base_url.startswith("https://")
