"""A scheduler driven by the test: due jobs run only when `step()` is called, in the caller's thread."""

from apscheduler.schedulers.base import BaseScheduler


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
