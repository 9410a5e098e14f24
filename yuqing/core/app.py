"""The application context: validated settings plus the database they name."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from yuqing.core.config import Settings, load_settings
from yuqing.core.storage.db import current_revision, head_revision, make_engine, session_factory, upgrade


class YuqingError(Exception):
    """An expected failure with a message for the user (exit status 1)."""


@dataclass
class App:
    """Settings and the storage built from them; created once per process."""

    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @classmethod
    def load(cls, config_dir: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> App:
        """Load and validate the profile (raises ConfigError)."""
        return cls(load_settings(config_dir, overrides=overrides))

    @property
    def engine(self) -> Engine:
        """The database engine, created on first use."""
        if self._engine is None:
            self._engine = make_engine(self.settings.app.database_url)
        return self._engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory for this database."""
        return session_factory(self.engine)

    @cached_property
    def tz(self) -> ZoneInfo:
        """The bureau's local time zone."""
        return ZoneInfo(self.settings.app.timezone)

    def upgrade_schema(self) -> None:
        """Create or migrate the schema to the newest revision."""
        upgrade(self.engine)

    def require_schema(self) -> None:
        """Check, without changing anything, that the schema is the newest; YuqingError naming the fix if not.

        Commands that only read (status, listings) call this instead of migrating a database behind the
        operator's back."""
        have, want = current_revision(self.engine), head_revision()
        if have != want:
            found = f"结构版本为 {have}" if have else "尚未初始化"
            raise YuqingError(f"数据库{found}，本程序需要 {want}：请先运行 yuqing db upgrade")

    def close(self) -> None:
        """Release database connections."""
        if self._engine is not None:
            self._engine.dispose()
