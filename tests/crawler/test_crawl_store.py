"""Storing posts: upserts with snapshots, analysis reset, near-copy links (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from crawler.items import PostItem
from crawler.pipelines.store import resolve_pending_links, write_batch
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import EngagementSnapshot, Post

T0 = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)


def item(key: str, published: datetime = T0, copy_of: str = "", **values) -> PostItem:
    platform, _, platform_id = key.partition(":")
    base = dict(source_key="s", platform=platform, platform_id=platform_id, text="", clean_text=f"榆川民政局 {key}",
                dedup_key=key, published_at=published, duplicate_of_key=copy_of, likes=1)
    return PostItem(**{**base, **values})


def store(sessions, items: list[PostItem], now: datetime = T0, snapshotted: set[int] | None = None):
    with transaction(sessions) as session:
        return write_batch(session, items, None, now, set() if snapshotted is None else snapshotted)


def posts(sessions) -> dict[str, Post]:
    with sessions() as session:
        return {p.dedup_key: p for p in session.scalars(select(Post))}


def snapshot_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(EngagementSnapshot))


def test_new_post_is_stored_once_with_a_snapshot_and_no_analysis(sessions):
    result = store(sessions, [item("weibo:1"), item("weibo:1")])
    assert (result.new, result.updated) == (1, 0)
    stored = posts(sessions)["weibo:1"]
    assert stored.analyzed_at is None and stored.fetched_at == T0
    assert snapshot_count(sessions) == 1


def test_seen_again_updates_engagement_adds_snapshot_and_resets_analysis(sessions):
    store(sessions, [item("weibo:1")])
    with transaction(sessions) as session:
        session.scalars(select(Post)).one().analyzed_at = T0
    later = T0 + timedelta(minutes=15)
    result = store(sessions, [item("weibo:1", likes=40)], now=later)
    stored = posts(sessions)["weibo:1"]
    assert result.updated == 1 and stored.likes == 40
    assert stored.updated_at == later and stored.analyzed_at is None
    assert snapshot_count(sessions) == 2


def test_unchanged_post_keeps_its_analysis_but_gets_a_snapshot_per_run(sessions):
    store(sessions, [item("weibo:1")])
    with transaction(sessions) as session:
        session.scalars(select(Post)).one().analyzed_at = T0
    result = store(sessions, [item("weibo:1")], now=T0 + timedelta(minutes=15))
    assert result.updated == 0 and posts(sessions)["weibo:1"].analyzed_at == T0
    assert snapshot_count(sessions) == 2


def test_copy_links_to_original_and_an_older_original_takes_over(sessions):
    store(sessions, [item("url:copy-a", T0 + timedelta(hours=1))])
    store(sessions, [item("url:copy-b", T0 + timedelta(hours=2), copy_of="url:copy-a")])
    store(sessions, [item("url:original", T0, copy_of="url:copy-a")])
    stored = posts(sessions)
    original = stored["url:original"]
    assert original.duplicate_of_id is None
    assert stored["url:copy-a"].duplicate_of_id == original.id
    assert stored["url:copy-b"].duplicate_of_id == original.id


def test_pending_link_is_resolved_once_the_original_is_stored(sessions):
    store(sessions, [item("url:copy", T0 + timedelta(hours=1), copy_of="url:original")])
    assert posts(sessions)["url:copy"].duplicate_of_id is None
    store(sessions, [item("url:original", T0)])
    with transaction(sessions) as session:
        assert resolve_pending_links(session, T0 - timedelta(days=1)) == 1
    stored = posts(sessions)
    assert stored["url:copy"].duplicate_of_id == stored["url:original"].id
