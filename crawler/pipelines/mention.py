"""Keep only posts that mention the bureau, recording which rule of the monitoring scheme kept them."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from analysis.department import BusinessVocabulary, judge_department, vocabulary_from
from analysis.mention import MonitoringScheme, find_mention
from analysis.normalize import post_text, title_end
from crawler.items import PostItem


class MentionPipeline:
    """Drops posts about other things (or other cities' bureaus). Kept without a word of the scheme:
    the bureau's own posts (marked own, by their author's id), a repost of a kept post, and a comment
    under a kept post; a comment under the bureau's own post is a mention by construction (``thread``)."""

    def __init__(self, crawler: Crawler, scheme: MonitoringScheme, business: BusinessVocabulary,
                 local: bool = False, addressed: bool = False, own_ids: dict[str, dict[str, str]] | None = None):
        self.crawler = crawler
        self.scheme, self.business = scheme, business
        self.local, self.addressed = local, addressed
        self.own_ids = own_ids or {}
        self.kept: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MentionPipeline:
        """The scheme and vocabulary from the YUQING_MENTION setting (plain lists from the profile)."""
        values = crawler.settings.getdict("YUQING_MENTION")
        return cls(crawler, MonitoringScheme.build(**values.get("scheme", {"names": []})),
                   vocabulary_from(values.get("business", {})), bool(values.get("local")),
                   bool(values.get("addressed")), values.get("own_accounts") or {})

    def open_spider(self) -> None:
        """Load the word cutters before the first request, so no download waits on them."""
        self.scheme.prepare()
        self.business.vocabulary.prepare()

    def process_item(self, item: PostItem) -> PostItem:
        """Set mention_rule (and own), or drop the post."""
        owner = self.own_ids.get(item.platform, {}).get(item.author_id)
        if owner:
            item.own, item.mention_rule = True, f"own:{owner}"
        elif rule := self.rule_for(item):
            item.mention_rule = rule
        else:
            self.crawler.stats.inc_value("yuqing/unrelated")
            raise DropItem(f"未提及本局: {item.dedup_key}", log_level="DEBUG")
        self.kept.add(item.dedup_key)
        return item

    def rule_for(self, item: PostItem) -> str:
        """The label of the rule that finds the bureau in the post or its context, or ''."""
        business = judge_department(item.clean_text, self.business, item.clean_title, self.addressed)
        text = post_text(item.clean_title, item.clean_text)
        own_thread = item.thread_post if item.own_thread else ""
        match = find_mention(text, self.scheme, business, self.local, own_thread,
                             title_end(item.clean_title, item.clean_text), self.addressed)
        if match:
            return match.label
        if item.repost_of and item.repost_of in self.kept:
            return f"repost:{item.repost_of}"
        if item.thread_post and item.thread_post in self.kept:
            return f"comment:{item.thread_post}"
        return ""
