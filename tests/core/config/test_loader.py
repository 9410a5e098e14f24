"""Loading the profile: defaults, layering and clear errors."""

from pathlib import Path

import pytest

from yuqing.core.config import ConfigError, load_settings


def test_default_profile_is_complete(settings):
    assert settings.bureau.name == "榆川市民政局"
    assert settings.spokesperson.role == "spokesperson"
    assert {t.owner for t in settings.topics.topics} <= {m.key for m in settings.staff.members}
    assert {s.kind for s in settings.sources.sources} == {"weibo", "feed", "html", "tieba", "board"}


def test_environment_overrides_yaml(profile_dir: Path):
    env = {"YUQING_DATABASE_URL": "sqlite:////tmp/x.db", "YUQING_SMTP_PORT": "2525"}
    settings = load_settings(profile_dir, environ=env)
    assert settings.app.database_url == "sqlite:////tmp/x.db"
    assert settings.app.smtp.port == 2525


def test_cli_overrides_beat_environment(profile_dir: Path):
    env = {"YUQING_DATABASE_URL": "sqlite:////tmp/env.db"}
    settings = load_settings(profile_dir, environ=env, overrides={"database_url": "sqlite:////tmp/cli.db"})
    assert settings.app.database_url == "sqlite:////tmp/cli.db"


def test_config_dir_from_environment(profile_dir: Path):
    (profile_dir / "bureau.yaml").write_text(
        (profile_dir / "bureau.yaml").read_text(encoding="utf-8").replace("name: 榆川市民政局", "name: 测试市民政局", 1),
        encoding="utf-8",
    )
    assert load_settings(environ={"YUQING_CONFIG": str(profile_dir)}).bureau.name == "测试市民政局"


@pytest.mark.parametrize(
    "file, old, new, key",
    [
        ("bureau.yaml", "aliases:", "alaises:", "alaises"),
        ("app.yaml", "port: 25", "port: twenty-five", "smtp.port"),
        ("staff.yaml", "max_open_cases: 15", "max_open_cases: many", "members.3.max_open_cases"),
        ("topics.yaml", "owner: relief-chief", "owner: nobody", "topics.0.owner"),
        ("sources.yaml", "kind: tieba", "kind: forum", "sources.3"),
    ],
)
def test_errors_name_file_and_key(profile_dir: Path, file, old, new, key):
    path = profile_dir / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(profile_dir, environ={})
    assert info.value.file.endswith(file)
    assert info.value.key.startswith(key)


def test_broken_yaml_names_the_line(profile_dir: Path):
    (profile_dir / "digest.yaml").write_text("weekday: [1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML 语法错误"):
        load_settings(profile_dir, environ={})


def test_unknown_file_is_refused(profile_dir: Path):
    (profile_dir / "sorces.yaml").write_text("sources: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="未知的配置文件"):
        load_settings(profile_dir, environ={})


def test_missing_required_file(profile_dir: Path):
    (profile_dir / "staff.yaml").unlink()
    with pytest.raises(ConfigError, match="缺少必需的配置文件"):
        load_settings(profile_dir, environ={})


def test_two_spokespersons_are_refused(profile_dir: Path):
    path = profile_dir / "staff.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("role: leader", "role: spokesperson"), encoding="utf-8")
    with pytest.raises(ConfigError, match="网络发言人"):
        load_settings(profile_dir, environ={})
