"""`yuqing queue list`, the API and the desk's team queue list the same cases in the same order."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from tests.shell.web.conftest import Seeded
from yuqing.shell.cli import cli
from yuqing.core.storage.models import Case

MANY = 1500


def _case(n: int, level: int, state: str, detected: datetime, deadline: datetime | None) -> Case:
    return Case(title=f"工单样例{n}", kind="complaint", level=level, topic="subsistence", platform="weibo",
                state=state, owner="affairs-chief", detected_at=detected, created_at=detected, updated_at=detected,
                deadline_at=deadline)


@pytest.fixture
def crowded(desk_app, seeded: Seeded, now: datetime) -> int:
    """1,500 more open cases in random order, finished ones, and the most urgent inserted last; its id."""
    rng = random.Random(21)
    rows = [_case(n, rng.choice((1, 2, 3, 4)), rng.choice(("new", "assigned", "drafting", "transferred")),
                  now - timedelta(minutes=rng.randrange(10_000)),
                  None if n % 7 == 0 else now + timedelta(minutes=rng.randrange(-60, 10_000)))
            for n in range(MANY - 1)]
    rows += [_case(MANY + n, 1, state, now, now - timedelta(days=30)) for n, state in
             enumerate(("closed", "no_response"))]
    urgent = _case(MANY, 1, "assigned", now, now - timedelta(hours=5))
    with desk_app.sessions() as session:
        session.add_all(rows)
        session.commit()
        session.add(urgent)
        session.commit()
        return urgent.id


def _cli_ids(profile_dir, database_url: str, tmp_path) -> list[int]:
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", database_url,
                                      "queue", "list", "--json"],
                                env={"YUQING_DATA_DIR": str(tmp_path / "cli-data")})
    assert result.exit_code == 0, result.output
    return [item["id"] for item in json.loads(result.output)]


def test_terminal_api_and_desk_show_one_queue_most_urgent_first(as_role, crowded, desk_app, profile_dir,
                                                                 database_url, tmp_path):
    client = as_role("spokesperson")
    api_ids = [c["id"] for c in client.get("/api/cases").json()]
    page = client.get("/queue/team").text
    page_ids = list(dict.fromkeys(int(n) for n in re.findall(r'href="/cases/(\d+)"', page)))
    cli_ids = _cli_ids(profile_dir, database_url, tmp_path)
    assert cli_ids[0] == crowded
    assert len(cli_ids) == MANY + 2 and cli_ids == api_ids == page_ids
    with desk_app.sessions() as session:
        cases = [session.get(Case, i) for i in cli_ids]
    keys = [(c.level, c.deadline_at is None, c.deadline_at or c.detected_at, c.detected_at, c.id) for c in cases]
    assert keys == sorted(keys) and all(c.state not in ("closed", "no_response") for c in cases)
