"""Link reposts and near-copies (content-farm rewrites) to their original post."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scrapy.crawler import Crawler
from sqlalchemy import select

from analysis.neardup import MinHashIndex, decode_signature, encode_signature, matching_text, signature
from analysis.normalize import post_text
from crawler.db import sessions_for
from crawler.items import PostItem
from crawler.settings import configured
from yuqing.core.storage.models import Post

MIN_CHARS = 20
_SHARED: dict[str, tuple[MinHashIndex, set[str]]] = {}


def load_index(database_url: str, window_days: int, threshold: float) -> tuple[MinHashIndex, set[str]]:
    """Originals stored within the window, indexed, plus every stored key; built once per process
    and database so that all sources crawled together see each other's posts. Signatures stored
    with the posts (extra["minhash"]) are reused; older posts are hashed again."""
    if database_url in _SHARED:
        return _SHARED[database_url]
    index, known = MinHashIndex(threshold=threshold), set()
    since = datetime.now(timezone.utc) - timedelta(days=window_days)
    query = select(Post.dedup_key, Post.title, Post.clean_text, Post.duplicate_of_id, Post.extra).where(
        Post.fetched_at >= since)
    with sessions_for(database_url)() as session:
        for key, title, text, duplicate_of, extra in session.execute(query):
            known.add(key)
            if duplicate_of is None and len(matching_text(text)) >= MIN_CHARS:
                stored = decode_signature((extra or {}).get("minhash") or "")
                index.add(key, stored if stored is not None else signature(post_text(title, text)))
    _SHARED[database_url] = (index, known)
    return index, known


class NearCopyPipeline:
    """Sets duplicate_of_key: the reposted original, or the most similar earlier post."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.index: MinHashIndex | None = None
        self.known: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NearCopyPipeline:
        """Build from the crawler's settings."""
        return cls(crawler)

    def open_spider(self) -> None:
        """Load (or share) the index of recent originals."""
        settings = self.crawler.settings
        self.index, self.known = load_index(settings["YUQING_DATABASE_URL"],
                                            int(configured(settings, "YUQING_NEAR_COPY_WINDOW_DAYS")),
                                            float(configured(settings, "YUQING_NEAR_COPY_THRESHOLD")))

    def process_item(self, item: PostItem) -> PostItem:
        """Link a new post to its original; posts already stored keep their links."""
        if item.dedup_key in self.known:
            return item
        self.known.add(item.dedup_key)
        if item.repost_of:
            item.duplicate_of_key = item.repost_of
            return item
        text = post_text(item.clean_title, item.clean_text)
        if len(matching_text(text)) < MIN_CHARS:
            return item
        sig = signature(text)
        hit = self.index.best_or_add(item.dedup_key, sig)
        if hit:
            item.duplicate_of_key = hit[0]
            self.crawler.stats.inc_value("yuqing/near_copies")
        else:
            item.extra["minhash"] = encode_signature(sig)
        return item
