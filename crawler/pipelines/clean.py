"""Clean a post's text and title and give it its de-duplication key."""

from __future__ import annotations

from scrapy.exceptions import DropItem
from w3lib.url import canonicalize_url

from analysis.normalize import clean_text
from crawler.items import PostItem

TRACKING_PREFIXES = ("utm_", "spm", "from", "share_")


def canonical_url(url: str) -> str:
    """The URL without fragment, tracking parameters or parameter-order differences."""
    if not url:
        return ""
    canonical = canonicalize_url(url)
    base, _, query = canonical.partition("?")
    kept = [p for p in query.split("&") if p and not p.startswith(TRACKING_PREFIXES)]
    return f"{base}?{'&'.join(kept)}" if kept else base


def dedup_key(item: PostItem) -> str:
    """``platform:platform_id`` when the site gives an id, else ``url:<canonical url>``."""
    if item.platform_id:
        return f"{item.platform}:{item.platform_id}"
    return f"url:{item.canonical_url}"


class CleanPipeline:
    """HTML to text, traditional to simplified, pinyin notes, widths, whitespace; drops empty posts."""

    def process_item(self, item: PostItem) -> PostItem:
        """Fill clean_text, clean_title, canonical_url and dedup_key."""
        item.clean_text = clean_text(item.text)
        item.clean_title = clean_text(item.title)
        if not item.clean_text:
            item.clean_text = item.clean_title
        if not item.clean_text:
            raise DropItem(f"正文为空: {item.url or item.platform_id}", log_level="INFO")
        item.canonical_url = canonical_url(item.url)
        item.dedup_key = dedup_key(item)
        return item
