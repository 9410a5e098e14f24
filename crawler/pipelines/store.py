"""Store posts in batches: one transaction per batch, upsert by dedup_key, engagement snapshots."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

from scrapy.crawler import Crawler
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.db import sessions_for
from crawler.items import PostItem
from crawler.settings import configured
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import EngagementSnapshot, Post, Source

logger = logging.getLogger(__name__)
COUNT_FIELDS = ("reposts", "comments", "likes")
THREAD_POST, THREAD_COMMENT = "thread_post", "thread_comment"
THREAD_COLUMNS = {THREAD_POST: "thread_post_id", THREAD_COMMENT: "thread_comment_id"}
posts_stored = object()  # Scrapy signal sent after a batch stored new or changed posts (new=, updated=)


@dataclass
class BatchResult:
    """What one batch changed."""

    new: int = 0
    updated: int = 0
    snapshot_ids: set[int] = field(default_factory=set)


def new_post(item: PostItem, source_id: int | None, now: datetime) -> Post:
    """A Post row for an item seen for the first time (analyzed_at stays NULL)."""
    return Post(
        dedup_key=item.dedup_key, platform=item.platform, platform_id=item.platform_id, source_id=source_id,
        url=item.url, canonical_url=item.canonical_url, title=item.clean_title, clean_text=item.clean_text,
        author=item.author, author_id=item.author_id, author_followers=item.author_followers,
        author_verified_type=item.author_verified_type, location=item.location, published_at=item.published_at,
        fetched_at=now, updated_at=now, reposts=item.reposts, comments=item.comments, likes=item.likes,
        mention_rule=item.mention_rule, reply_state=item.reply_state, addressee=item.addressee, own=item.own,
        extra={**item.extra, **{key: value for key, value in _links(item).items() if value}},
    )


def _links(item: PostItem) -> dict[str, str]:
    """The keys an item points to: the post it reposts, and the post and comment it sits under."""
    return {"repost_of": item.repost_of, THREAD_POST: item.thread_post, THREAD_COMMENT: item.thread_comment}


def refresh_post(post: Post, item: PostItem, now: datetime) -> bool:
    """Update a stored post from a new sighting; True (and analysis reset) when something changed."""
    values = {"clean_text": item.clean_text, "title": item.clean_title, "reply_state": item.reply_state,
              "addressee": item.addressee, "reposts": item.reposts, "comments": item.comments, "likes": item.likes}
    changed = {k: v for k, v in values.items() if getattr(post, k) != v and (v or k in COUNT_FIELDS)}
    if item.own and not post.own:
        post.own = True
    if not changed:
        return False
    for key, value in changed.items():
        setattr(post, key, value)
    if item.extra:
        post.extra = {**(post.extra or {}), **item.extra}
    post.updated_at, post.analyzed_at = now, None
    return True


def _root(session: Session, key: str, batch: dict[str, Post]) -> Post | None:
    """The root original behind a dedup key, or None when it is not stored."""
    post = batch.get(key) or session.scalars(select(Post).where(Post.dedup_key == key)).first()
    if post is not None and post.duplicate_of_id:
        return session.get(Post, post.duplicate_of_id)
    return post


def link_copy(session: Session, copy: Post, root: Post) -> None:
    """Link a near-copy to its original; the earlier published of the two is the original, so a
    copy found first gives way to an older original arriving later (with all its copies)."""
    if copy.published_at and root.published_at and copy.published_at < root.published_at:
        session.execute(update(Post).where(Post.duplicate_of_id == root.id).values(duplicate_of_id=copy.id))
        root.duplicate_of_id = copy.id
    else:
        copy.duplicate_of_id = root.id


def link_thread(session: Session, post: Post, stored: dict[str, Post]) -> None:
    """Point a comment at its parent post and parent comment once they are stored (the keys stay in
    ``extra``, so a parent stored by a later batch or crawl is linked then)."""
    for key, column in THREAD_COLUMNS.items():
        target_key = (post.extra or {}).get(key)
        if not target_key or getattr(post, column):
            continue
        target = stored.get(target_key) or session.scalars(select(Post).where(Post.dedup_key == target_key)).first()
        if target is not None and target.id is not None:
            setattr(post, column, target.id)


def resolve_pending_links(session: Session, since: datetime) -> int:
    """Link copies whose original, and comments whose thread, was not stored yet when they were
    (another source's batch still in flight, or a crawl killed in between); returns how many
    were linked."""
    linked = 0
    query = select(Post).where(Post.fetched_at >= since, or_(
        Post.duplicate_of_id.is_(None), Post.thread_post_id.is_(None), Post.thread_comment_id.is_(None)))
    for post in session.scalars(query):
        threads = (post.thread_post_id, post.thread_comment_id)
        link_thread(session, post, {})
        linked += threads != (post.thread_post_id, post.thread_comment_id)
        key = (post.extra or {}).get("copy_of")
        root = _root(session, key, {}) if key and post.duplicate_of_id is None else None
        if root is not None and root.id != post.id and root.duplicate_of_id != post.id:
            link_copy(session, post, root)
            linked += 1
    return linked


def write_batch(session: Session, items: list[PostItem], source_id: int | None, now: datetime,
                snapshotted: set[int]) -> BatchResult:
    """Insert or update every item of a batch (new rows in one flush), link near-copies, and take
    one engagement snapshot per post and run (`snapshotted`: posts already given one this run)."""
    result = BatchResult()
    keys = {item.dedup_key for item in items}
    stored = {p.dedup_key: p for p in session.scalars(select(Post).where(Post.dedup_key.in_(keys)))}
    fresh: dict[str, tuple[PostItem, Post]] = {}
    for item in items:
        post = stored.get(item.dedup_key)
        if post is None:
            post = stored[item.dedup_key] = new_post(item, source_id, now)
            fresh[item.dedup_key] = (item, post)
            session.add(post)
        elif item.dedup_key not in fresh and refresh_post(post, item, now):
            result.updated += 1
    session.flush()
    result.new = len(fresh)
    for item, post in fresh.values():
        if item.duplicate_of_key:
            _link_new_copy(session, post, item.duplicate_of_key, stored)
        if item.thread_post:
            link_thread(session, post, stored)
    for post in {stored[item.dedup_key].id: stored[item.dedup_key] for item in items}.values():
        if post.id not in snapshotted:
            result.snapshot_ids.add(post.id)
            session.add(snapshot_of(post, now))
    return result


def snapshot_of(post: Post, now: datetime) -> EngagementSnapshot:
    """The post's engagement counts now."""
    return EngagementSnapshot(post_id=post.id, taken_at=now, reposts=post.reposts, comments=post.comments,
                              likes=post.likes)


def _link_new_copy(session: Session, post: Post, original_key: str, stored: dict[str, Post]) -> None:
    """Link a new post to its original now, or leave the link pending until the original is stored."""
    post.extra = {**post.extra, "copy_of": original_key}
    root = _root(session, original_key, stored)
    if root is not None and root.id != post.id:
        link_copy(session, post, root)


class StorePipeline:
    """Buffers items and writes them YUQING_BATCH_SIZE at a time; a failed batch is retried once."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.sessions = sessions_for(crawler.settings["YUQING_DATABASE_URL"])
        self.batch_size = int(configured(crawler.settings, "YUQING_BATCH_SIZE"))
        self.buffer: list[PostItem] = []
        self.snapshotted: set[int] = set()
        self.source_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Build from the crawler's settings."""
        return cls(crawler)

    def open_spider(self) -> None:
        """Find the source row the posts belong to."""
        with self.sessions() as session:
            self.source_id = session.scalar(select(Source.id).where(Source.key == self.crawler.spider.name))

    def process_item(self, item: PostItem) -> PostItem:
        """Queue the item; write the batch when it is full."""
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        """Write what is left."""
        self.flush()

    def flush(self) -> None:
        """Write the buffered items in one transaction (retried once, e.g. after a concurrent insert)."""
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        for attempt in (1, 2):
            try:
                with transaction(self.sessions) as session:
                    result = write_batch(session, batch, self.source_id, datetime.now(timezone.utc),
                                         self.snapshotted)
                self.snapshotted |= result.snapshot_ids
                break
            except SQLAlchemyError as exc:
                logger.warning("写入数据库失败（第 %d 次）: %s", attempt, exc)
        else:
            self.crawler.stats.inc_value("yuqing/errors/store", len(batch))
            return
        stats = self.crawler.stats
        stats.inc_value("yuqing/new_posts", result.new)
        stats.inc_value("yuqing/updated_posts", result.updated)
        if result.new or result.updated:
            self.crawler.signals.send_catch_log(posts_stored, new=result.new, updated=result.updated)
