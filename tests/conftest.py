"""Shared fixtures: the default profile, databases on SQLite and PostgreSQL, and Redis."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.hypothesis_count import (  # noqa: F401 (hooks)
    pytest_runtest_teardown, pytest_sessionfinish, pytest_terminal_summary, pytest_testnodedown)
from yuqing.core.config import Settings, default_config_dir, load_settings
from yuqing.core.storage.db import make_engine, session_factory, upgrade

REDIS_URL = os.environ.get("YUQING_TEST_REDIS", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get("YUQING_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FROZEN_NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)


def _postgres_available() -> bool:
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL server used by tests; CI (CI=true) fails instead of skipping when it is down."""
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}")
        pytest.skip("PostgreSQL not reachable")
    return POSTGRES_URL


def _fresh_postgres_url(admin_url: str) -> str:
    """Create a throw-away schema-isolated database URL on the test server."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> str:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return _fresh_postgres_url(request.getfixturevalue("postgres_admin_url"))


@pytest.fixture
def engine(database_url: str):
    """An engine on a migrated database, on each backend."""
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine):
    """A session factory on the migrated database."""
    return session_factory(engine)


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The packaged default profile."""
    return load_settings(default_config_dir(), environ={})


@pytest.fixture
def now() -> datetime:
    """A frozen 'now' for pure functions and clocks."""
    return FROZEN_NOW


@pytest.fixture
def profile_dir(tmp_path: Path) -> Path:
    """A writable copy of the default profile."""
    target = tmp_path / "config"
    target.mkdir()
    for path in default_config_dir().glob("*.yaml"):
        (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.fixture
def redis_server():
    """A client of the test Redis; skipped when it is not running, failed when it is not in CI."""
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip("Redis not reachable")
    yield server
    server.close()
