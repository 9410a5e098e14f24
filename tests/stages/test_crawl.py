"""run_crawl, the entry the CLI, the scheduler and the demo use: a report even when the child dies."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from yuqing.stages.crawl import crawl_command, run_crawl
from yuqing.core.app import App, YuqingError
from yuqing.core.storage.models import SourceRun


def test_child_passes_profile_and_database_through(profile_dir: Path, tmp_path: Path):
    app = App.load(profile_dir, {"database_url": f"sqlite:///{tmp_path / 'x.db'}"})
    command = crawl_command(app, ["city-news"], None, None, "WARNING")
    assert command[command.index("--config") + 1] == str(profile_dir)
    assert command[command.index("--database-url") + 1] == f"sqlite:///{tmp_path / 'x.db'}"
    assert command[command.index("--source") + 1] == "city-news"


def test_a_child_that_dies_reports_every_source_failed(profile_dir: Path):
    app = App.load(profile_dir, {"database_url": "postgresql://127.0.0.1:1/none"})
    report = run_crawl(app, ["city-news", "tieba-yuchuan"])
    assert report.status == "failed" and report.exit_code != 0
    assert [(s.key, s.status) for s in report.sources] == [("city-news", "failed"), ("tieba-yuchuan", "failed")]
    assert "抓取进程异常退出" in report.sources[0].reason


def test_unknown_source_is_refused_before_starting(profile_dir: Path):
    with pytest.raises(YuqingError, match="未知的数据源 nope"):
        run_crawl(App.load(profile_dir), ["nope"])


def test_relative_profile_and_database_mean_the_callers_folder(profile_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    profile = profile_dir.rename(tmp_path / "bureau-profile")
    sources = profile / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace("retries: 3", "retries: 0"), encoding="utf-8")
    app = App.load(Path(profile.name), {"database_url": "sqlite:///relative.db"})
    app.upgrade_schema()
    report = run_crawl(app, ["city-news"])
    assert [s.key for s in report.sources] == ["city-news"]
    assert "抓取进程异常退出" not in report.sources[0].reason
    with app.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(SourceRun)).scalar_one() == 1
