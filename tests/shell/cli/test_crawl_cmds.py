"""`yuqing crawl`: progress per source, a summary, health visible in `yuqing status`, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from yuqing.shell.cli import cli
from yuqing.shell.demo.sites import SampleSite, demo_sources


@pytest.fixture
def crawl_profile(profile_dir: Path):
    """The default profile with its sources pointing at a running sample site."""
    site = SampleSite().start()
    path = profile_dir / "sources.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(sources=demo_sources(site.url)[3:], download_delay_seconds=0, autothrottle=False)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    yield profile_dir
    site.stop()


def test_crawl_prints_each_source_and_a_summary_then_status_shows_health(crawl_profile: Path, tmp_path: Path):
    base = ["--config", str(crawl_profile), "--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]
    result = CliRunner().invoke(cli, [*base, "crawl"])
    assert result.exit_code == 0, result.output
    assert "tieba-yuchuan" in result.output and "liuyan-board" in result.output
    assert "完成：新增 7 条" in result.output
    status = json.loads(CliRunner().invoke(cli, [*base, "status", "--json"]).output)
    assert {s["key"]: s["healthy"] for s in status["sources"]} == {"liuyan-board": True, "tieba-yuchuan": True}


def test_unknown_source_is_a_one_line_error(crawl_profile: Path, tmp_path: Path):
    result = CliRunner().invoke(cli, ["--config", str(crawl_profile), "--database-url",
                                      f"sqlite:///{tmp_path / 'cli.db'}", "crawl", "nope"])
    assert result.exit_code == 1
    assert "未知的数据源 nope" in result.output and "tieba-yuchuan" in result.output


def test_worker_without_redis_says_what_to_set(crawl_profile: Path, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("YUQING_REDIS_URL", raising=False)
    result = CliRunner().invoke(cli, ["--config", str(crawl_profile), "--database-url",
                                      f"sqlite:///{tmp_path / 'cli.db'}", "worker"])
    assert result.exit_code == 1
    assert "需要设置 YUQING_REDIS_URL" in result.output
