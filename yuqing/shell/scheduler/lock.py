"""Single-instance locks: only one scheduler may run against a database at a time."""

from __future__ import annotations

import fcntl
import os
import zlib
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from yuqing.core.app import YuqingError

LOCK_FILE = "yuqing-daemon.lock"


class InstanceLock:
    """The contract: `acquire()` raises YuqingError when another instance holds the lock;
    `release()` lets the next one in. Use as a context manager. A crashed holder's lock is
    released by the operating system or the database, never left stale."""

    def acquire(self) -> None:
        """Take the lock or raise YuqingError naming the holder."""
        raise NotImplementedError

    def release(self) -> None:
        """Give the lock back."""
        raise NotImplementedError

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


class FcntlInstanceLock(InstanceLock):
    """An exclusive flock on a file in the data directory (one machine, any database)."""

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        """Lock the file without waiting; record our pid in it for the operator."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise YuqingError(f"调度进程已在运行（进程号 {holder}，锁文件 {self.path}）") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        """Unlock and close the file (it stays on disk; its content is only informative)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class PostgresAdvisoryLock(InstanceLock):
    """A session-level PostgreSQL advisory lock: one scheduler per database and schema across machines."""

    def __init__(self, engine: Engine, name: str = "yuqing-scheduler"):
        self.engine, self.name, self.key = engine, name, 0
        self._connection: Connection | None = None

    def acquire(self) -> None:
        """Try the lock on a connection held for the life of the daemon (keyed by the schema too,
        since advisory locks are shared by every schema of a database)."""
        connection = self.engine.connect()
        schema = connection.execute(text("SELECT current_schema()")).scalar()
        self.key = zlib.crc32(f"{self.name}:{schema}".encode())
        got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
        connection.commit()
        if not got:
            connection.close()
            raise YuqingError("另一个调度进程正在使用同一个 PostgreSQL 数据库（咨询锁已被占用）")
        self._connection = connection

    def release(self) -> None:
        """Unlock and return the connection."""
        if self._connection is not None:
            self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            self._connection.commit()
            self._connection.close()
            self._connection = None


def instance_lock_for(engine: Engine, data_dir: str | Path) -> InstanceLock:
    """The advisory lock on PostgreSQL (covers several machines), else a lock file."""
    if engine.dialect.name == "postgresql":
        return PostgresAdvisoryLock(engine)
    return FcntlInstanceLock(data_dir)
