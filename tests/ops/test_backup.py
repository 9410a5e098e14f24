"""`yuqing backup` and `yuqing backup restore`: native and portable formats, all or nothing."""

from __future__ import annotations

import gzip
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from yuqing.core.app import App
from yuqing.shell.cli import cli
from yuqing.core.storage.models import Case, Notification, NotificationAttachment, Post, Source


@pytest.fixture
def app(profile_dir: Path, database_url: str):
    application = App.load(profile_dir, {"database_url": database_url})
    application.upgrade_schema()
    yield application
    application.close()


def invoke(app: App, profile_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", app.settings.app.database_url, *args])


def populate(app: App, now) -> None:
    with app.sessions.begin() as session:
        source = Source(key="city-forum", kind="html", name="榆川论坛", state={"cursor": "p2"})
        first = Post(dedup_key="a", platform="forum", clean_text="民政局低保审核太慢", fetched_at=now, updated_at=now,
                     published_at=now - timedelta(hours=2), extra={"楼层": 3})
        session.add_all([source, first])
        session.flush()
        session.add(Post(dedup_key="b", platform="forum", clean_text="转发：民政局低保审核太慢", fetched_at=now,
                         updated_at=now, duplicate_of_id=first.id))
        session.add(Case(title="低保审核", kind="complaint", state="assigned", detected_at=now, created_at=now,
                         updated_at=now, approvers=["spokesperson"]))
        note = Notification(dedup_key="n1", channel="email", recipient="x@example.gov.cn", created_at=now,
                            next_attempt_at=now, subject="周报")
        note.attachments = [NotificationAttachment(filename="chart.png", mime_type="image/png", content=b"\x89PNG\x00\xff")]
        session.add(note)


def snapshot(app: App) -> dict:
    with app.sessions() as session:
        posts = [(p.id, p.dedup_key, p.clean_text, p.published_at, p.duplicate_of_id, p.extra)
                 for p in session.scalars(select(Post).order_by(Post.id))]
        cases = [(c.id, c.title, c.version, c.approvers, c.detected_at) for c in session.scalars(select(Case))]
        blobs = [a.content for a in session.scalars(select(NotificationAttachment))]
        sources = [(s.key, s.state) for s in session.scalars(select(Source))]
    return {"posts": posts, "cases": cases, "blobs": blobs, "sources": sources}


def spoil(app: App, now) -> None:
    with app.sessions.begin() as session:
        session.get(Post, 2).duplicate_of_id = None
        session.delete(session.get(Post, 2))
        session.add(Post(dedup_key="z", platform="weibo", clean_text="后来的帖子", fetched_at=now, updated_at=now))
        session.scalar(select(Case)).title = "改过的标题"


@pytest.mark.parametrize("fmt", ["auto", "json"])
def test_backup_then_restore_brings_back_every_row(app, profile_dir, tmp_path, now, fmt):
    populate(app, now)
    before = snapshot(app)
    out = tmp_path / "backup.file"
    result = invoke(app, profile_dir, "backup", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    spoil(app, now)
    assert snapshot(app) != before
    result = invoke(app, profile_dir, "backup", "restore", str(out), "--yes")
    assert result.exit_code == 0, result.output
    assert snapshot(app) == before
    with app.sessions.begin() as session:
        session.add(Post(dedup_key="new", platform="weibo", clean_text="恢复后新帖", fetched_at=now, updated_at=now))
    assert max(p[0] for p in snapshot(app)["posts"]) == 3


def test_the_portable_dump_moves_a_database_between_backends(profile_dir, tmp_path, now, postgres_admin_url):
    from tests.conftest import _fresh_postgres_url

    source = App.load(profile_dir, {"database_url": f"sqlite:///{tmp_path / 'from.db'}"})
    source.upgrade_schema()
    populate(source, now)
    out = tmp_path / "move.jsonl.gz"
    assert invoke(source, profile_dir, "backup", "--format", "json", "--out", str(out)).exit_code == 0
    target = App.load(profile_dir, {"database_url": _fresh_postgres_url(postgres_admin_url)})
    result = invoke(target, profile_dir, "backup", "restore", str(out), "--yes")
    assert result.exit_code == 0, result.output
    assert snapshot(target) == snapshot(source)
    source.close(), target.close()


def test_restore_needs_confirmation(app, profile_dir, tmp_path, now):
    out = tmp_path / "b.jsonl.gz"
    invoke(app, profile_dir, "backup", "--format", "json", "--out", str(out))
    result = invoke(app, profile_dir, "backup", "restore", str(out))
    assert result.exit_code == 1 and "--yes" in result.output


def test_a_truncated_backup_changes_nothing(app, profile_dir, tmp_path, now):
    populate(app, now)
    out = tmp_path / "b.jsonl.gz"
    invoke(app, profile_dir, "backup", "--format", "json", "--out", str(out))
    data = gzip.decompress(out.read_bytes())
    out.write_bytes(gzip.compress(data)[:-40])
    spoil(app, now)
    spoiled = snapshot(app)
    result = invoke(app, profile_dir, "backup", "restore", str(out), "--yes")
    assert result.exit_code == 1 and "损坏" in result.output
    assert snapshot(app) == spoiled


def test_an_unknown_file_is_refused(app, profile_dir, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("不是备份", encoding="utf-8")
    result = invoke(app, profile_dir, "backup", "restore", str(junk), "--yes")
    assert result.exit_code == 1 and "无法识别" in result.output


def test_backup_never_overwrites_a_file(app, profile_dir, tmp_path):
    out = tmp_path / "exists.db"
    out.write_text("keep")
    result = invoke(app, profile_dir, "backup", "--out", str(out))
    assert result.exit_code == 1 and out.read_text() == "keep"
