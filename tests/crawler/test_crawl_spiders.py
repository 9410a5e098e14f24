"""Each spider, run by real Scrapy against the sample site, stores the right posts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from analysis.neardup import decode_signature
from tests.crawler.crawlkit import make_profile, read_posts, read_sources, report_of, run_crawl_process
from yuqing.shell.demo.sites import demo_sources

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """One crawl of all five sample sources into a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("spiders")
    url = f"sqlite:///{folder / 'crawl.db'}"
    before = len(site.calls)
    code, events = run_crawl_process(make_profile(folder / "config", demo_sources(site.url)), url)
    assert code == 0
    return {"url": url, "posts": read_posts(url), "report": report_of(events), "paths": site.paths()[before:],
            "sources": read_sources(url), "base": site.url}


def keys_of(crawled, prefix: str) -> set[str]:
    return {key for key in crawled["posts"] if key.startswith(prefix)}


def test_every_source_ran_cleanly(crawled):
    assert {key: row["status"] for key, row in crawled["report"].items()} == {
        "weibo-search": "ok", "city-news": "ok", "city-forum": "ok", "tieba-yuchuan": "ok", "liuyan-board": "ok"}
    assert all(source.healthy and source.last_success_at for source in crawled["sources"].values())


def test_weibo_pages_until_the_end_and_keeps_only_mentions(crawled):
    assert keys_of(crawled, "weibo:") == {f"weibo:{i}" for i in (5101, 5102, 5103, 5105, 5107, 5109)}
    assert any("page=3" in path for path in crawled["paths"])


def test_weibo_fields_relative_dates_counts_and_long_text(crawled):
    posts = crawled["posts"]
    original = posts["weibo:5101"]
    assert original.published_at == NOW - timedelta(minutes=10)
    assert posts["weibo:5105"].published_at == datetime(2026, 11, 17, 12, 15, tzinfo=timezone.utc)
    assert (original.reposts, original.comments, original.likes) == (12000, 356, 23000)
    assert (original.author, original.author_followers, original.location) == ("榆川小李", 23000, "河北")
    assert original.clean_text.endswith("#榆川低保#[怒]") and original.mention_rule == "alias:榆川民政局"
    assert "评估要多久" in posts["weibo:5103"].clean_text and "全文" not in posts["weibo:5103"].clean_text
    assert posts["weibo:5107"].clean_text.startswith("榆川市民政局的婚姻登记处排队太久了")


def test_reposts_and_copies_link_to_the_original(crawled):
    posts = crawled["posts"]
    original = posts["weibo:5101"]
    assert posts["weibo:5102"].duplicate_of_id == original.id
    assert posts["weibo:5109"].duplicate_of_id == original.id
    article = next(p for k, p in posts.items() if k.endswith("/news/n1.html"))
    farm_copy = next(p for k, p in posts.items() if k.endswith("/bbs/thread-302-1-1.html"))
    assert farm_copy.duplicate_of_id == article.id and article.duplicate_of_id is None
    first_indexed = [p for p in (article, farm_copy) if decode_signature(p.extra.get("minhash", "")) is not None]
    assert len(first_indexed) == 1, "the post indexed first keeps its signature for later crawls"


def test_feed_follows_links_converts_traditional_and_canonicalises(crawled):
    news = {key.rsplit("/", 1)[-1]: post for key, post in crawled["posts"].items() if "/news/" in key}
    assert set(news) == {"n1.html", "n3.html", "n4.html", "n5.html"}
    assert "确保困难群众温暖过冬" in news["n1.html"].clean_text
    assert news["n3.html"].title == "榆川市民政局举办养老服务政策宣讲会"
    assert "最后总结说" in news["n3.html"].clean_text
    assert "utm_" not in news["n4.html"].canonical_url
    assert news["n5.html"].published_at == datetime(2026, 11, 16, 2, 0, tzinfo=timezone.utc)


def test_html_forum_pages_and_decodes_gbk_without_charset(crawled):
    threads = {key.rsplit("/", 1)[-1]: post for key, post in crawled["posts"].items() if "/bbs/" in key}
    assert set(threads) == {"thread-301-1-1.html", "thread-302-1-1.html", "thread-303-1-1.html", "thread-304-1-1.html"}
    assert threads["thread-303-1-1.html"].clean_text.startswith("白石县民政局的救助站冬天晚上开放吗")
    assert threads["thread-301-1-1.html"].published_at == datetime(2026, 11, 18, 1, 12, tzinfo=timezone.utc)
    assert threads["thread-304-1-1.html"].mention_rule == "region+subject:榆川+民政局"  # 去区民政局: the district's bureau


def test_tieba_reads_hidden_thread_list_floors_and_thread_pages(crawled):
    posts = crawled["posts"]
    assert keys_of(crawled, "tieba:") == {"tieba:7100001", "tieba:7100003", "tieba:7100004", "tieba:7300001"}
    first = posts["tieba:7100001"]
    assert (first.title, first.comments, first.location, first.author) == ("养老补贴何时发", 12, "山西", "网友乙")
    assert first.published_at == datetime(2026, 11, 17, 2, 5, tzinfo=timezone.utc)
    assert posts["tieba:7100004"].title == "回复：养老补贴何时发"


def test_board_messages_carry_reply_state_addressee_and_reply(crawled):
    posts = crawled["posts"]
    assert keys_of(crawled, "board:") == {"board:26000003", "board:26000004", "board:26000005"}
    waiting = posts["board:26000005"]
    assert (waiting.reply_state, waiting.addressee, waiting.location) == ("待回复", "榆川市市长", "榆川市")
    assert waiting.clean_text.startswith("我于十月初向榆西区民政局提交")
    assert posts["board:26000003"].extra["reply"]["organization"] == "榆川市民政局"


def test_new_posts_wait_for_analysis_and_have_a_snapshot(crawled):
    from sqlalchemy import func, select

    from yuqing.core.storage.db import make_engine
    from yuqing.core.storage.models import EngagementSnapshot

    assert all(post.analyzed_at is None for post in crawled["posts"].values())
    engine = make_engine(crawled["url"])
    with engine.connect() as connection:
        snapshots = connection.execute(select(func.count()).select_from(EngagementSnapshot)).scalar()
    engine.dispose()
    assert snapshots == len(crawled["posts"])
