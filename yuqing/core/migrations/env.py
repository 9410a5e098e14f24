"""Alembic environment: runs migrations on the engine handed in by yuqing.core.storage.db.

On SQLite, foreign keys are off while the migrations run and checked once at the end: a batch migration
rebuilds a table (copy, drop, rename), and dropping a table that other rows point at would otherwise
fail, or cascade. This is SQLite's own procedure for schema changes ("Making Other Kinds Of Table
Schema Changes" in its ALTER TABLE documentation).
"""

from alembic import context
from sqlalchemy import create_engine

from yuqing.core.storage.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))



def _run(connection, sqlite: bool) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() if sqlite else []
        if broken:
            raise RuntimeError(f"迁移后有 {len(broken)} 行外键失效（如表 {broken[0][0]}），已回滚")
    connection.commit()


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        _run(connection, sqlite)
    finally:
        if sqlite:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
