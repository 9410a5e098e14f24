"""Keep only posts that mention the bureau, recording which rule of the monitoring scheme kept them."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from analysis.department import BusinessVocabulary, judge_department, vocabulary_from
from analysis.mention import MonitoringScheme, find_mention
from crawler.items import PostItem


class MentionPipeline:
    """Drops posts about other things (or other cities' bureaus); a repost of a kept post is kept."""

    def __init__(self, crawler: Crawler, scheme: MonitoringScheme, business: BusinessVocabulary,
                 local: bool = False, addressed: bool = False):
        self.crawler = crawler
        self.scheme, self.business = scheme, business
        self.local, self.addressed = local, addressed
        self.kept: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MentionPipeline:
        """The scheme and vocabulary from the YUQING_MENTION setting (plain lists from the profile)."""
        values = crawler.settings.getdict("YUQING_MENTION")
        return cls(crawler, MonitoringScheme.build(**values.get("scheme", {"names": []})),
                   vocabulary_from(values.get("business", {})), bool(values.get("local")),
                   bool(values.get("addressed")))

    def process_item(self, item: PostItem) -> PostItem:
        """Set mention_rule, or drop the post."""
        business = judge_department(item.clean_text, self.business, item.clean_title, self.addressed)
        text = f"{item.clean_title}\n{item.clean_text}"
        match = find_mention(text, self.scheme, business, self.local, title_end=len(item.clean_title) + 1,
                             addressed=self.addressed)
        if match:
            item.mention_rule = match.label
        elif item.repost_of and item.repost_of in self.kept:
            item.mention_rule = f"repost:{item.repost_of}"
        else:
            self.crawler.stats.inc_value("yuqing/unrelated")
            raise DropItem(f"未提及本局: {item.dedup_key}", log_level="DEBUG")
        self.kept.add(item.dedup_key)
        return item
