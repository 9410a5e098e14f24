"""Database backup and restore: SQLite's online backup, pg_dump, and a portable JSON dump.

The portable dump holds every table of the schema as JSON lines (gzip) and restores into any
supported database at the same schema revision, so it also moves a bureau from SQLite to
PostgreSQL. Restores replace the whole content in one transaction or not at all.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import Connection, Engine, LargeBinary, Table, delete, func, select, text, update
from sqlalchemy.engine import make_url

from yuqing.core.app import YuqingError
from yuqing.core.storage.db import current_revision, make_engine
from yuqing.core.storage.models import Base
from yuqing.core.storage.types import UTCDateTime

FORMAT_TAG = "yuqing-portable-backup"


class BackupMethod:
    """The contract: `dump` writes a complete, consistent copy of the database to a file while it is
    in use; `restore` replaces the database's content with a file's, all or nothing. `name` is the
    short name used by `--format`; `suffix` the file extension it writes; `claims` recognises its files."""

    name = ""
    suffix = ""

    def supports(self, engine: Engine) -> bool:
        """Whether this method can back up this database."""
        raise NotImplementedError

    def claims(self, head: bytes) -> bool:
        """Whether a file starting with these bytes was written by this method."""
        raise NotImplementedError

    def dump(self, engine: Engine, path: Path) -> None:
        """Write the backup to path."""
        raise NotImplementedError

    def restore(self, engine: Engine, path: Path) -> None:
        """Replace the database's content with the backup at path."""
        raise NotImplementedError


def _sqlite_path(engine: Engine) -> str:
    return make_url(str(engine.url)).database or ""


class SqliteBackup(BackupMethod):
    """SQLite's online backup API: a page-by-page copy that is consistent even while others write."""

    name, suffix = "sqlite", ".db"

    def supports(self, engine: Engine) -> bool:
        """SQLite databases in a file."""
        return engine.dialect.name == "sqlite" and _sqlite_path(engine) not in ("", ":memory:")

    def claims(self, head: bytes) -> bool:
        """SQLite files start with a fixed header."""
        return head.startswith(b"SQLite format 3\x00")

    def dump(self, engine: Engine, path: Path) -> None:
        """Copy the live database into a new file."""
        self._copy(_sqlite_path(engine), str(path))

    def restore(self, engine: Engine, path: Path) -> None:
        """Copy the backup over the live database (under SQLite's own lock)."""
        engine.dispose()
        self._copy(str(path), _sqlite_path(engine))

    @staticmethod
    def _copy(source: str, target: str) -> None:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)


def _libpq_url(engine: Engine) -> tuple[str, list[str]]:
    """A libpq URL for the engine's database, and --schema flags when a search_path pins one."""
    url = make_url(engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
    options = url.query.get("options", "")
    schemas = [part.split("=", 1)[1] for part in str(options).split() if part.startswith("-csearch_path=")]
    return url.render_as_string(hide_password=False), [f"--schema={s}" for s in schemas]


class PgDumpBackup(BackupMethod):
    """PostgreSQL's pg_dump custom format, restored with pg_restore in a single transaction."""

    name, suffix = "pgdump", ".pgdump"

    def supports(self, engine: Engine) -> bool:
        """PostgreSQL with the client tools installed."""
        return engine.dialect.name == "postgresql" and shutil.which("pg_dump") is not None

    def claims(self, head: bytes) -> bool:
        """Custom-format dumps start with PGDMP."""
        return head.startswith(b"PGDMP")

    def dump(self, engine: Engine, path: Path) -> None:
        """Run pg_dump on the database (or the schema its URL pins)."""
        url, schema = _libpq_url(engine)
        self._run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", *schema, f"--file={path}", url])

    def restore(self, engine: Engine, path: Path) -> None:
        """Drop and recreate the dumped objects from the file, all in one transaction."""
        url, _ = _libpq_url(engine)
        engine.dispose()
        self._run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
                   f"--dbname={url}", str(path)])

    @staticmethod
    def _run(command: list[str]) -> None:
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise YuqingError(f"{command[0]} 失败: {result.stderr.strip()[:500]}")


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decoder(table: Table) -> dict[str, Any]:
    kinds: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        if isinstance(column.type, UTCDateTime):
            kinds[column.name] = lambda v: v if v is None else datetime.fromisoformat(v)
        elif isinstance(column.type, LargeBinary):
            kinds[column.name] = lambda v: v if v is None else base64.b64decode(v)
    return kinds


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


class JsonBackup(BackupMethod):
    """Every table as gzip'd JSON lines with the schema revision: portable between SQLite and PostgreSQL."""

    name, suffix = "json", ".jsonl.gz"

    def supports(self, engine: Engine) -> bool:
        """Any database the project supports."""
        return engine.dialect.name in ("sqlite", "postgresql")

    def claims(self, head: bytes) -> bool:
        """Gzip files (checked further when read)."""
        return head.startswith(b"\x1f\x8b")

    def dump(self, engine: Engine, path: Path) -> None:
        """Write a header line, then one line per row, table by table in dependency order."""
        if engine.dialect.name == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                snapshot = make_engine(f"sqlite:///{Path(tmp) / 'snapshot.db'}")
                SqliteBackup().dump(engine, Path(tmp) / "snapshot.db")
                self._write(snapshot, path)
                snapshot.dispose()
            return
        self._write(engine.execution_options(isolation_level="REPEATABLE READ"), path)

    def _write(self, engine: Engine, path: Path) -> None:
        with engine.connect() as connection, gzip.open(path, "wt", encoding="utf-8") as out:
            header = {"format": FORMAT_TAG, "revision": current_revision(engine)}
            out.write(json.dumps(header) + "\n")
            for table in Base.metadata.sorted_tables:
                for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                    line = {"t": table.name, "r": {k: _encode(v) for k, v in row._mapping.items()}}
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")

    def restore(self, engine: Engine, path: Path) -> None:
        """Check the revision, empty every table, and load the rows, in one transaction."""
        lines = self._read(path)
        header = next(lines)
        if header.get("format") != FORMAT_TAG:
            raise YuqingError(f"{path} 不是 yuqing 的备份文件")
        if header["revision"] != current_revision(engine):
            raise YuqingError(f"备份的数据库版本 {header['revision']} 与当前数据库 {current_revision(engine)} 不同；"
                              "请先用同一版本的 yuqing 执行 yuqing db upgrade")
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(delete(table))
            self._load(connection, lines)
            if engine.dialect.name == "postgresql":
                self._reset_sequences(connection)

    @staticmethod
    def _read(path: Path) -> Iterator[dict[str, Any]]:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as lines:
                for line in lines:
                    yield json.loads(line)
        except (OSError, json.JSONDecodeError, EOFError) as exc:
            raise YuqingError(f"备份文件 {path} 损坏或不完整: {exc}") from None

    @staticmethod
    def _load(connection: Connection, lines: Iterator[dict[str, Any]]) -> None:
        tables, deferred = Base.metadata.tables, []
        for line in lines:
            table = tables[line["t"]]
            decode = _decoder(table)
            row = {k: decode[k](v) if k in decode else v for k, v in line["r"].items()}
            later = {k: row.pop(k) for k in _self_references(table) if row.get(k) is not None}
            if later:
                row.update(dict.fromkeys(later))
                deferred.append((table, row["id"], later))
            connection.execute(table.insert().values(**row))
        for table, row_id, values in deferred:
            connection.execute(update(table).where(table.c.id == row_id).values(**values))

    @staticmethod
    def _reset_sequences(connection: Connection) -> None:
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement:
                top = connection.scalar(select(func.max(table.c.id)))
                connection.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, :called)"),
                                   {"t": table.name, "v": top or 1, "called": top is not None})


METHODS: dict[str, BackupMethod] = {m.name: m for m in (SqliteBackup(), PgDumpBackup(), JsonBackup())}


def choose_method(engine: Engine, name: str = "auto") -> BackupMethod:
    """The named method, or for 'auto' the native one for this database (JSON when none is usable)."""
    if name == "auto":
        return next(m for m in METHODS.values() if m.supports(engine))
    if name not in METHODS:
        raise YuqingError(f"未知的备份格式 {name!r}；可用: auto, {', '.join(METHODS)}")
    method = METHODS[name]
    if not method.supports(engine):
        raise YuqingError(f"备份格式 {name} 不适用于 {engine.dialect.name} 数据库")
    return method


def method_for_file(path: Path) -> BackupMethod:
    """The method that wrote this backup file, recognised by its first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    for method in METHODS.values():
        if method.claims(head):
            return method
    raise YuqingError(f"无法识别备份文件 {path} 的格式")
