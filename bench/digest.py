"""Benchmark: build the weekly digest over 1,000,000 posts and 10,000 cases in SQLite.

Generates half a year of data with bulk inserts into a fresh database, then builds the digest
of 2026-W47 once and prints the total time and the share of it spent in SQL (measured with
SQLAlchemy's before/after_cursor_execute events). Target: under 10 s.

    python bench/digest.py [--posts 1000000] [--cases 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Table, event  # noqa: E402

from responder import deadlines  # noqa: E402
from responder.digest import build_digest  # noqa: E402
from yuqing.core.config import Settings, default_config_dir, load_settings  # noqa: E402
from yuqing.core.storage.db import make_engine, session_factory, upgrade  # noqa: E402
from yuqing.core.storage.models import Assessment, Case, Event, Post, Source, SourceRun  # noqa: E402

WEEK = "2026-W47"
END = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)  # Monday 23 Nov 00:00 in Shanghai
DAYS = 182
NOW = END + timedelta(hours=1, minutes=30)
PLATFORMS = ["weibo", "weibo", "weibo", "html", "feed", "tieba", "board"]
SENTIMENTS = ["negative", "neutral", "neutral", "positive"]
KINDS = ["complaint", "consultation", "opinion", "rumour", "praise"]
BATCH = 50_000


def stamp(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite (naive UTC text with microseconds)."""
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _default(column) -> Any:
    default = column.default.arg if column.default is not None else None
    if callable(default):
        return "{}" if getattr(default, "__name__", "") == "dict" else "[]"
    return default


def insert(db: sqlite3.Connection, table: Table, columns: list[str], rows: Iterable[tuple],
           constants: dict[str, Any] | None = None) -> None:
    """Bulk-insert tuples for `columns`; other columns get `constants` or their model default, as SQL literals."""
    constants = constants or {}
    rest = [c for c in table.columns if c.name not in columns]
    names = columns + [c.name for c in rest]
    values = ["?"] * len(columns) + [_literal(constants.get(c.name, _default(c))) for c in rest]
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(values)})"
    rows = iter(rows)
    while batch := list(itertools.islice(rows, BATCH)):
        db.executemany(sql, batch)


@contextmanager
def indexes_dropped(db: sqlite3.Connection, tables: list[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes for the load and build them again afterwards."""
    marks = ",".join("?" * len(tables))
    ddl = [sql for (sql,) in db.execute(f"SELECT sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({marks})", tables)]
    names = [name for (name,) in db.execute(f"SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({marks})", tables)]
    for name in names:
        db.execute(f"DROP INDEX {name}")
    yield
    for statement in ddl:
        db.execute(statement)


def moment(fraction: float) -> datetime:
    """The moment `fraction` of the way through the half year before the reporting week ends."""
    return END - timedelta(days=DAYS * (1 - fraction))


def sources_and_runs(db: sqlite3.Connection, settings: Settings, rng: random.Random) -> list[int]:
    """One row per configured source and a run every 30 minutes, a few of them failed."""
    configured = settings.sources.sources
    insert(db, Source.__table__, ["id", "key", "kind", "name"],
           [(i, s.key, s.kind, s.name) for i, s in enumerate(configured, 1)])
    ids = list(range(1, len(configured) + 1))

    def runs() -> Iterator[tuple]:
        """Every source's runs, newest first."""
        for source_id in ids:
            for step in range(DAYS * 48):
                started = END - timedelta(minutes=30 * step)
                failed = rng.random() < 0.02
                yield (source_id, stamp(started), stamp(started + timedelta(minutes=2)), "failed" if failed else "ok",
                       0 if failed else 5)
    insert(db, SourceRun.__table__, ["source_id", "started_at", "finished_at", "status", "items"], runs())
    return ids


def events(db: sqlite3.Connection, count: int, rng: random.Random) -> None:
    """Events spread over the half year, one day's worth each."""
    def rows() -> Iterator[tuple]:
        """One event per slice of the half year."""
        for i in range(1, count + 1):
            first = moment(i / count)
            yield (i, f"事件{i}", f"事件{i}的概要", "subsistence", stamp(first), stamp(first + timedelta(days=2)),
                   stamp(first), rng.choice((2, 3, 3, 4, 4, 4)))
    insert(db, Event.__table__, ["id", "title", "summary", "topic", "first_seen_at", "last_seen_at", "updated_at",
                                 "level"], rows())


def insert_select(db: sqlite3.Connection, table: Table, expressions: dict[str, str], source: str,
                  params: dict[str, Any]) -> None:
    """INSERT … SELECT: the given columns from SQL expressions over `source`, the rest their model defaults."""
    rest = [c for c in table.columns if c.name not in expressions]
    names = list(expressions) + [c.name for c in rest]
    values = list(expressions.values()) + [_literal(_default(c)) for c in rest]
    db.execute(f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {', '.join(values)} FROM {source}", params)


def _pick(values: list[str]) -> str:
    """SQL choosing one of the values at random."""
    branches = " ".join(f"WHEN {i} THEN {_literal(v)}" for i, v in enumerate(values))
    return f"CASE abs(random()) % {len(values)} {branches} END"


NUMBERS = "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) SELECT i FROM n)"


def posts(db: sqlite3.Connection, count: int, event_count: int, source_count: int) -> None:
    """Posts in time order, generated inside SQLite, with their assessments; two in five belong to an event."""
    when = "strftime('%Y-%m-%d %H:%M:%S', :start + (i - 1) * :span / :count) || '.000000'"
    insert_select(db, Post.__table__, {
        "id": "i", "dedup_key": "printf('k%09d', i)", "platform": _pick(PLATFORMS), "clean_text": "'帖子' || i",
        "url": "'https://example.cn/p/' || i", "source_id": f"1 + abs(random()) % {source_count}",
        "published_at": when, "fetched_at": when, "updated_at": when, "reposts": "abs(random()) % 50",
        "event_id": "CASE WHEN abs(random()) % 5 < 2 THEN max(1, i * :events / :count) END",
    }, NUMBERS, {"count": count, "events": event_count, "start": _julian(moment(0)), "span": float(DAYS)})
    topics = ["subsistence", "elderly-care", "funeral", "marriage", "disaster-relief"]
    insert_select(db, Assessment.__table__, {
        "id": "i", "post_id": "i", "sentiment": "0.5", "sentiment_label": _pick(SENTIMENTS), "kind": _pick(KINDS),
        "topic": _pick(topics), "assessed_at": _literal(stamp(END)),
    }, NUMBERS, {"count": count})


def _julian(value: datetime) -> float:
    """A UTC moment as an SQLite Julian day number."""
    return value.astimezone(timezone.utc).timestamp() / 86400 + 2440587.5


CASE_COLUMNS = ["id", "title", "kind", "level", "topic", "platform", "state", "owner", "detected_at", "created_at",
                "updated_at", "event_id", "first_response_at", "closed_at", "deadline_at", "data"]


def _case(settings: Settings, i: int, count: int, rng: random.Random, event_count: int) -> tuple:
    """A case detected in time order; most are answered and closed within days, a few stay open."""
    detected, kind = moment(i / count), rng.choice(KINDS[:2])
    items = deadlines.plan(settings, kind, False, detected)
    responded = detected + timedelta(hours=rng.uniform(1, 60)) if rng.random() < 0.97 else None
    closed = responded + timedelta(hours=rng.uniform(1, 100)) if responded and rng.random() < 0.97 else None
    for item in items if responded else []:
        item["done_at"] = responded.isoformat()
    pending = next((m for m in items if not m["done_at"]), None)
    state = "closed" if closed else ("responded" if responded else "assigned")
    return (i, f"工单{i}", kind, rng.choice((2, 3, 3, 4, 4)), "subsistence", "weibo", state,
            rng.choice(("relief-chief", "affairs-chief", "elderly-chief")), stamp(detected), stamp(detected),
            stamp(detected), rng.randrange(1, event_count), stamp(responded) if responded else None,
            stamp(closed) if closed else None, pending and stamp(deadlines.due_of(pending)),
            json.dumps({"clocks": items}, ensure_ascii=False))


def generate(path: Path, settings: Settings, post_count: int, case_count: int) -> dict[str, int]:
    """Fill a migrated SQLite database; returns row counts."""
    rng = random.Random(47)
    event_count = max(post_count // 50, 10)
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;")
    with indexes_dropped(db, ["posts", "assessments", "source_runs", "cases", "events"]):
        source_ids = sources_and_runs(db, settings, rng)
        events(db, event_count, rng)
        posts(db, post_count, event_count, len(source_ids))
        insert(db, Case.__table__, CASE_COLUMNS,
               (_case(settings, i, case_count, rng, event_count) for i in range(1, case_count + 1)))
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return {"posts": post_count, "cases": case_count, "events": event_count}


class SqlTimer:
    """Adds up the time spent between before_ and after_cursor_execute."""

    def __init__(self, engine):
        self.seconds, self.statements, self._started = 0.0, 0, 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *args) -> None:
        self._started = time.perf_counter()

    def _after(self, *args) -> None:
        self.seconds += time.perf_counter() - self._started
        self.statements += 1


def measure(path: Path, settings: Settings) -> None:
    """Build the digest once on the database at `path` and print the time and its SQL share."""
    engine = make_engine(f"sqlite:///{path}")
    timer = SqlTimer(engine)
    started = time.perf_counter()
    rendered = build_digest(session_factory(engine), settings, WEEK, NOW)
    attachment = rendered.docx
    total = time.perf_counter() - started
    engine.dispose()
    f = rendered.figures
    print(f"{WEEK}: 本周信息 {f.volume.total} 条，热点事件 {len(f.events)} 个，本周工单 {len(f.cases)} 件，"
          f"docx {len(attachment) // 1024} KB，图表 {len(rendered.images)} 张")
    print(f"生成周报总用时 {total:.2f} s，其中 SQL {timer.seconds:.2f} s（{timer.seconds / total:.0%}，"
          f"{timer.statements} 条语句）；目标 < 10 s，实际为目标的 {total / 10:.0%}")


def main() -> None:
    """Generate the data in a fresh database, build the digest once, print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the database in this directory (default: a temporary one)")
    args = parser.parse_args()
    settings = load_settings(default_config_dir(), environ={})
    with tempfile.TemporaryDirectory(prefix="yuqing-bench-") as scratch:
        path = (args.keep or Path(scratch)) / "bench.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        started = time.perf_counter()
        counts = generate(path, settings, args.posts, args.cases)
        print(f"生成数据: {counts}，用时 {time.perf_counter() - started:.1f} s")
        measure(path, settings)


if __name__ == "__main__":
    main()
