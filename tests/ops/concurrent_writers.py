"""Child processes for the concurrency tests; each says it is ready (GO_FILE.ready.<pid>, once
its imports are done) and waits for the start file, so all begin together however slow they start.

python -m tests.ops.concurrent_writers increment URL CASE_ID TIMES GO_FILE
python -m tests.ops.concurrent_writers deliver CONFIG_DIR URL SMTP_PORT GO_FILE
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.orm.exc import StaleDataError

from yuqing.core.app import App
from yuqing.core.storage.db import make_engine, session_factory
from yuqing.core.storage.models import Case


def wait_for_go(path: str) -> None:
    """Say this process is ready, then block until the test creates the start file (bounded)."""
    Path(f"{path}.ready.{os.getpid()}").touch()
    deadline = time.monotonic() + 300
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.01)


def increment(url: str, case_id: int, times: int) -> int:
    """Read-modify-write the case's counter `times` times, retrying when another writer won."""
    sessions, retries = session_factory(make_engine(url)), 0
    for _ in range(times):
        while True:
            try:
                with sessions.begin() as session:
                    case = session.get(Case, case_id)
                    case.data = {**case.data, "n": case.data.get("n", 0) + 1}
                break
            except StaleDataError:
                retries += 1
    return retries


def deliver(config_dir: str, url: str, port: int) -> None:
    """Run one outbox delivery pass against the shared database."""
    from responder.outbox import deliver_due

    app = App.load(config_dir, {"database_url": url, "smtp": {"port": port}})
    deliver_due(app.sessions, app.settings, datetime.now(timezone.utc))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    wait_for_go(args[-1])
    if command == "increment":
        print(increment(args[0], int(args[1]), int(args[2])))
    else:
        deliver(args[0], args[1], int(args[2]))
