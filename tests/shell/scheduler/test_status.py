"""`yuqing status` lists every scheduled job with its next run."""

from __future__ import annotations

import json

from click.testing import CliRunner
from freezegun import freeze_time

from yuqing.shell.cli import cli


def test_status_shows_the_next_run_of_every_job(app, stepped_daemon, profile_dir, now):
    with freeze_time(now):
        stepped_daemon().start()
    args = ["--config", str(profile_dir), "--database-url", app.settings.app.database_url, "status"]
    result = CliRunner().invoke(cli, args + ["--json"])
    assert result.exit_code == 0, result.output
    jobs = {job["id"]: job["next_run"] for job in json.loads(result.output)["jobs"]}
    enabled = [s.key for s in app.settings.sources.sources if s.enabled]
    assert {f"crawl:{key}" for key in enabled} | {"weekly_digest", "clean_up", "check_clocks"} <= set(jobs)
    assert jobs["weekly_digest"] == "2026-11-23T09:00:00+08:00"
    text = CliRunner().invoke(cli, args)
    assert "定时任务" in text.output and "weekly_digest" in text.output
