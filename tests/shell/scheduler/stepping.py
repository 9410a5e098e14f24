"""A scheduler driven by the test: due jobs run only when `step()` is called, in the caller's thread."""

import sys

from apscheduler.executors.base import BaseExecutor, run_job
from apscheduler.schedulers.base import BaseScheduler


class QueuedExecutor(BaseExecutor):
    """Runs submitted jobs only when drained: like a thread pool, a job runs (and its listeners fire)
    after the scheduler has finished its pass over the due jobs, but in the test's thread."""

    def __init__(self):
        super().__init__()
        self.queued: list = []

    def _do_submit_job(self, job, run_times) -> None:
        self.queued.append((job, run_times))

    def drain(self) -> None:
        """Run every queued job and report its outcome to the scheduler."""
        while self.queued:
            job, run_times = self.queued.pop(0)
            try:
                events = run_job(job, job._jobstore_alias, run_times, self._logger.name)
            except BaseException:
                self._run_job_error(job.id, *sys.exc_info()[1:])
            else:
                self._run_job_success(job.id, events)


class SteppedScheduler(BaseScheduler):
    """Runs due jobs on `step()`; paired with freezegun and DebugExecutor nothing waits on real time."""

    def shutdown(self, wait: bool = True) -> None:
        """Stop like any scheduler (no thread to join)."""
        super().shutdown(wait)

    def wakeup(self) -> None:
        """Nothing to wake: the test calls step()."""

    def step(self) -> None:
        """Run every job that is due at the (frozen) current time."""
        self._process_jobs()
        for executor in list(self._executors.values()):
            if isinstance(executor, QueuedExecutor):
                executor.drain()


class RecordingScheduler:
    """Stands in for the scheduler of a `StageChain`: records which jobs were made due now."""

    def __init__(self):
        self.due: list[str] = []

    def modify_job(self, job_id, next_run_time=None):
        """Record the job made due."""
        self.due.append(job_id)
