"""One engine and session factory per database URL for the whole crawl process."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from yuqing.core.storage.db import make_engine, session_factory


@lru_cache(maxsize=4)
def engine_for(database_url: str) -> Engine:
    """The engine for a database URL, shared by pipelines and extensions."""
    return make_engine(database_url)


@lru_cache(maxsize=4)
def sessions_for(database_url: str) -> sessionmaker[Session]:
    """The session factory for a database URL."""
    return session_factory(engine_for(database_url))
