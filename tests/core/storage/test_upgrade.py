"""`yuqing db upgrade` on a database of the release in use keeps every row of every table."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, Float, Integer, LargeBinary, MetaData, Numeric,
                        String, Table, func, inspect, select)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from yuqing.shell.cli import cli
from yuqing.core.storage.db import alembic_config, current_revision, make_engine, upgrade

RELEASED = "0003_assessment_judgements"  # the schema of the release in use (0.1.0)
ROWS = 3
AT = datetime(2026, 11, 16, 9, 30)


def _value(table: Table, column, n: int):
    """A plausible value for one column of row n (1-based); foreign keys point at row n of their table."""
    if column.foreign_keys:
        return n
    kind = column.type
    if isinstance(kind, Boolean):
        return n % 2 == 0
    if isinstance(kind, (Integer, BigInteger, Numeric, Float)):
        return n if column.primary_key else n * 10
    if isinstance(kind, (DateTime, Date)):
        return AT
    if isinstance(kind, LargeBinary):
        return bytes([n]) * 8
    if isinstance(kind, JSON):
        return {"n": n}
    if isinstance(kind, String) and kind.length:
        return f"{column.name[: kind.length - 4]}-{n}"[: kind.length]
    return f"{table.name}.{column.name} 第{n}行"


def _fill(engine: Engine) -> dict[str, int]:
    """ROWS rows in every table of the reflected schema, parents first; the row counts."""
    metadata = MetaData()
    metadata.reflect(engine)
    tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
    with engine.begin() as connection:
        for table in tables:
            rows = [{c.name: _value(table, c, n) for c in table.columns} for n in range(1, ROWS + 1)]
            connection.execute(table.insert(), rows)
    return {t.name: ROWS for t in tables}


def _counts(engine: Engine, names) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(engine, only=list(names))
    with engine.connect() as connection:
        return {name: connection.scalar(select(func.count()).select_from(metadata.tables[name])) for name in names}


@pytest.fixture
def released(database_url: str) -> Engine:
    """A database at the released schema."""
    engine = make_engine(database_url)
    upgrade(engine, RELEASED)
    yield engine
    engine.dispose()


def _posts(engine: Engine) -> list[tuple]:
    metadata = MetaData()
    posts = Table("posts", metadata, autoload_with=engine)
    with engine.connect() as connection:
        return list(connection.execute(select(posts.c.id, posts.c.clean_text, posts.c.author_followers,
                                              posts.c.duplicate_of_id).order_by(posts.c.id)))


def test_db_upgrade_keeps_every_row_and_drops_the_unused_post_columns(released, database_url, profile_dir,
                                                                        tmp_path):
    before, posts = _fill(released), _posts(released)
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", database_url, "db", "upgrade"],
                                env={"YUQING_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 0, result.output
    assert _counts(released, before) == before and _posts(released) == posts
    columns = {c["name"] for c in inspect(released).get_columns("posts")}
    assert not {"simhash", "author_influence"} & columns
    assert current_revision(released) == ScriptDirectory.from_config(alembic_config(released)).get_current_head()


def test_foreign_keys_are_enforced_again_after_an_upgrade(released):
    upgrade(released)
    if released.dialect.name == "sqlite":
        with released.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    metadata = MetaData()
    case_posts = Table("case_posts", metadata, autoload_with=released)
    with pytest.raises(IntegrityError), released.begin() as connection:
        connection.execute(case_posts.insert(), [{c.name: _value(case_posts, c, 99) for c in case_posts.columns}])
