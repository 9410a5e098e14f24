"""Every searching source asks for the monitoring scheme's words (the bureau's names, then the city
with the subject and each topic's event word) within its platform's limits on count and length; a
watch's or the source's own words replace them."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from crawler.run import mention_lists
from crawler.spiders import spider_for
from yuqing.core.config.sources import ApiSource, BoardSource, TiebaSource, WeiboSource

VENDOR = {"kind": "api", "key": "a", "name": "数据商搜索", "url": "https://vendor.example/search?q={keyword}&p={page}",
          "items": "data.list", "fields": {"text": "content"}}

SOURCES = {
    "weibo": lambda **f: WeiboSource(kind="weibo", key="w", name="微博搜索", **f),
    "board": lambda **f: BoardSource(kind="board", key="b", name="留言板搜索", search=True, **f),
    "tieba": lambda **f: TiebaSource(kind="tieba", key="t", name="贴吧搜索", site="pc", search=True, **f),
    "api": lambda **f: ApiSource(**{**VENDOR, **f}),
}


def words_of(settings, kind: str, watch=(), **fields) -> list[str]:
    source = SOURCES[kind](**fields)
    crawler = get_crawler(settings_dict={"YUQING_MENTION": mention_lists(settings, source)})
    return spider_for(kind).from_crawler(crawler, source=source, keywords=watch).search_words()


@pytest.mark.parametrize(("kind", "count"), [("weibo", 10), ("board", 5), ("tieba", 5), ("api", 5)])
def test_each_platform_gets_the_schemes_words_within_its_default_count(settings, kind, count):
    words = words_of(settings, kind)
    assert len(words) == count and words[0] == settings.bureau.name
    city = settings.bureau.city
    assert any(word.startswith(f"{city} ") for word in words_of(settings, kind, max_keywords=30))


@pytest.mark.parametrize("kind", ["weibo", "board", "tieba", "api"])
def test_words_longer_than_the_platform_takes_are_left_out_and_the_count_still_filled(settings, kind):
    every = words_of(settings, kind, max_keywords=30)
    words = words_of(settings, kind, max_keywords=6, max_keyword_length=6)
    assert words == [word for word in every if len(word) <= 6][:6]
    assert len(words) == 6 and any(len(word) > 6 for word in every[:6])


def test_a_watchs_or_the_sources_own_words_replace_the_schemes_within_the_length_limit(settings):
    assert words_of(settings, "weibo", watch=["低保", "一个非常非常非常非常长的搜索词组合"], max_keyword_length=10) == ["低保"]
    assert words_of(settings, "board", watch=["养老"], keywords=["婚姻登记"]) == ["养老"]
    assert words_of(settings, "tieba", keywords=["婚姻登记"]) == ["婚姻登记"]


def test_a_source_with_search_off_asks_for_nothing(settings):
    source = BoardSource(kind="board", key="b", name="留言板", forums=[{"id": 1, "addressee": "市长"}])
    crawler = get_crawler(settings_dict={"YUQING_MENTION": mention_lists(settings, source)})
    assert spider_for("board").from_crawler(crawler, source=source, keywords=["低保"]).search_words() == []


def test_an_api_source_searches_by_word_only_when_its_templates_ask_for_one(settings):
    assert words_of(settings, "api", watch=["低保"]) == ["低保"]
    assert words_of(settings, "api", url="https://vendor.example/letters?p={page}", watch=["低保"]) == []
