"""QR logins started from the web desk's admin page: each runs in its own thread (the browser is
driven there), at most one per source and account, and what became of it is remembered for the page."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from yuqing.core.app import YuqingError


@dataclass
class LoginJob:
    """One login started from the admin page: running, done or failed, with a line for people."""

    status: str = "running"
    message: str = "正在打开登录页……"


class LoginJobs:
    """The logins the admin page started, by (source, account)."""

    def __init__(self) -> None:
        self.jobs: dict[tuple[str, str], LoginJob] = {}
        self.lock = threading.Lock()

    def start(self, request) -> LoginJob:
        """Start the login in a thread unless one for the same account is still running."""
        from yuqing.core.login.flow import login

        key = (request.source, request.account)
        with self.lock:
            job = self.jobs.get(key)
            if job is not None and job.status == "running":
                return job
            job = self.jobs[key] = LoginJob()

        def run() -> None:
            try:
                info = login(request, lambda qr: setattr(job, "message", "请用该平台的手机 App 扫描下方二维码"))
            except YuqingError as exc:
                job.status, job.message = "failed", str(exc)
                return
            job.status, job.message = "done", f"登录成功，会话已加密保存（{info.account}）"

        threading.Thread(target=run, daemon=True, name=f"login-{request.source}-{request.account}").start()
        return job

    def of(self, source: str) -> dict[str, LoginJob]:
        """The jobs of one source by account."""
        with self.lock:
            return {account: job for (key, account), job in self.jobs.items() if key == source}


JOBS = LoginJobs()
