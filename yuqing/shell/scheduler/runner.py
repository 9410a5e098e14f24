"""The single callable the persistent job store names: it runs a job body with the daemon's App.

The job store keeps only a textual reference and plain arguments (a job name and, for crawls,
a source key), so jobs survive restarts and upgrades; the App and the clock are bound here
by the running daemon.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from yuqing.core.app import App, YuqingError
from yuqing.shell.scheduler.clock import Clock, utc_now

RUN_JOB_REF = "yuqing.shell.scheduler.runner:run_job"
log = logging.getLogger("yuqing.shell.scheduler")


@dataclass
class JobContext:
    """What a running job needs from the daemon: the App, its clock, and the stop request."""

    app: App
    clock: Clock = utc_now
    stopping: threading.Event = field(default_factory=threading.Event)


_context: JobContext | None = None


def bind(context: JobContext | None) -> None:
    """Make context the one jobs of this process run with (None unbinds)."""
    global _context
    _context = context


def stop_requested() -> bool:
    """True once the daemon was asked to stop; long jobs check it between steps."""
    return _context is not None and _context.stopping.is_set()


def run_job(name: str, *args: Any) -> Any:
    """Run the job body registered as name with the bound App and the clock's now."""
    from yuqing.shell.scheduler.jobs import job_body

    if _context is None:
        raise YuqingError(f"任务 {name} 没有可用的运行环境（调度进程未启动）")
    if _context.stopping.is_set():
        log.info("job skipped: stopping", extra={"job": name, "job_args": list(args)})
        return None
    body, started = job_body(name), time.monotonic()
    result = body(_context.app, _context.clock(), *args)
    log.info("job finished", extra={"job": name, "job_args": list(args), "result": repr(result),
                                    "seconds": round(time.monotonic() - started, 3)})
    return result
