"""Keep only posts that mention the bureau, recording which rule matched."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from analysis.mention import MentionRules, find_mention
from crawler.items import PostItem


class MentionPipeline:
    """Drops posts about other things (or other cities' bureaus); a repost of a kept post is kept."""

    def __init__(self, crawler: Crawler, rules: MentionRules):
        self.crawler = crawler
        self.rules = rules
        self.kept: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MentionPipeline:
        """Rules from the YUQING_MENTION setting (plain lists taken from bureau.yaml)."""
        return cls(crawler, MentionRules.build(**crawler.settings.getdict("YUQING_MENTION")))

    def process_item(self, item: PostItem) -> PostItem:
        """Set mention_rule, or drop the post."""
        match = find_mention(f"{item.clean_title}\n{item.clean_text}", self.rules)
        if match:
            item.mention_rule = match.label
        elif item.repost_of and item.repost_of in self.kept:
            item.mention_rule = f"repost:{item.repost_of}"
        else:
            self.crawler.stats.inc_value("yuqing/unrelated")
            raise DropItem(f"未提及本局: {item.dedup_key}", log_level="DEBUG")
        self.kept.add(item.dedup_key)
        return item
