"""The README documents every command and every configuration key."""

from pathlib import Path

import pytest
from pydantic import BaseModel

from yuqing.shell.cli import COMMANDS
from yuqing.core.config.loader import FILES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command: str):
    assert f"yuqing {command}" in README


@pytest.mark.parametrize(
    "file, key",
    [(name, key) for name, model in FILES.items() for key in model.model_fields],
)
def test_every_top_level_setting_is_documented(file: str, key: str):
    section = README.split("## Configuration", 1)[1]
    assert f"`{file}.yaml`" in section
    assert f"`{key}`" in section, f"{file}.yaml key {key!r} is missing from the README"


def test_every_config_file_is_a_model():
    assert all(issubclass(model, BaseModel) for model in FILES.values())
