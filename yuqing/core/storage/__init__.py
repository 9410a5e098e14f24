"""Storage: SQLAlchemy models, engines, sessions and migrations."""

from yuqing.core.storage.db import make_engine, session_factory, transaction, upgrade

__all__ = ["make_engine", "session_factory", "transaction", "upgrade"]
