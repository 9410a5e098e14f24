"""A crawl default has one home: changed in SourcesConfig alone, a real crawl behaves differently.

The retry count is left out of sources.yaml, so its default decides whether a board whose pages answer
500 once is crawled clean (the default of 3 retries) or loses those pages (the default set to 0)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.crawler.crawlkit import FROZEN_NOW, ROOT, FaultSite, make_profile, report_of
from yuqing.shell.demo.sites import demo_sources

# The crawl process's own main, after one default is changed where it lives.
CRAWL_WITH_DEFAULT = """
import json, sys
from yuqing.core.config.sources import SourcesConfig
for name, value in json.loads(sys.argv[1]).items():
    SourcesConfig.model_fields[name].default = value
SourcesConfig.model_rebuild(force=True)
from crawler.run import main
sys.exit(main(sys.argv[2:]))
"""


def _crawl_flaky_board(folder: Path, defaults: dict) -> dict:
    """Crawl a board behind a fresh site whose every page answers 500 once; the board's report row."""
    site = FaultSite().start()
    try:
        board = next(s for s in demo_sources(site.url) if s["kind"] == "board")
        profile = make_profile(folder / "config", [{**board, "key": "b-flaky", "base_url": f"{site.url}/fault/once500/all"}])
        data = yaml.safe_load((profile / "sources.yaml").read_text(encoding="utf-8"))
        del data["retries"]
        (profile / "sources.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", CRAWL_WITH_DEFAULT, json.dumps(defaults), "--config", str(profile),
                               "--database-url", f"sqlite:///{folder / 'crawl.db'}", "--now", FROZEN_NOW],
                              cwd=ROOT, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        site.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    return report_of([json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")])["b-flaky"]


def test_the_retry_default_changed_in_sources_config_alone_changes_a_crawl(tmp_path):
    kept = _crawl_flaky_board(tmp_path / "kept", {})
    assert kept["status"] == "ok" and kept["errors"] == 0 and kept["new_posts"] > 0
    changed = _crawl_flaky_board(tmp_path / "changed", {"retries": 0})
    assert changed["status"] != "ok" and changed["errors"] > 0 and changed["new_posts"] < kept["new_posts"]
