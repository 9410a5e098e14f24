"""Only one scheduler per database: a lock file on one machine, an advisory lock on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

import pytest

from yuqing.core.app import YuqingError
from yuqing.shell.scheduler.lock import FcntlInstanceLock, PostgresAdvisoryLock, instance_lock_for


def test_a_second_file_lock_is_refused_until_the_first_is_released(tmp_path):
    with FcntlInstanceLock(tmp_path):
        with pytest.raises(YuqingError, match="已在运行"):
            FcntlInstanceLock(tmp_path).acquire()
    with FcntlInstanceLock(tmp_path):
        pass


def test_a_crashed_holder_leaves_no_stale_file_lock(tmp_path):
    code = f"from yuqing.shell.scheduler.lock import FcntlInstanceLock; FcntlInstanceLock({str(tmp_path)!r}).acquire(); import os; os._exit(0)"
    subprocess.run([sys.executable, "-c", code], check=True)
    with FcntlInstanceLock(tmp_path):
        pass


def test_the_lock_kind_follows_the_database(app, tmp_path):
    lock = instance_lock_for(app.engine, tmp_path)
    expected = PostgresAdvisoryLock if app.engine.dialect.name == "postgresql" else FcntlInstanceLock
    assert isinstance(lock, expected)
    with lock:
        with pytest.raises(YuqingError):
            instance_lock_for(app.engine, tmp_path).acquire()
    with instance_lock_for(app.engine, tmp_path):
        pass


@pytest.mark.postgres
def test_daemons_on_different_schemas_of_one_database_do_not_block_each_other(postgres_admin_url):
    from tests.conftest import _fresh_postgres_url
    from yuqing.core.storage.db import make_engine

    engines = [make_engine(_fresh_postgres_url(postgres_admin_url)) for _ in range(2)]
    first, second = (PostgresAdvisoryLock(engine) for engine in engines)
    first.acquire()
    try:
        second.acquire()
        second.release()
    finally:
        first.release()
        for engine in engines:
            engine.dispose()
