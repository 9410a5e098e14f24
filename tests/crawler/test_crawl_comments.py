"""The bureau's own Weibo account and comments: its timeline paged by since_id, the comments under
its recent posts paged by max_id, replies paged by their own cursor, comments under hot search
results, each kept with its thread, within the configured bounds."""

from __future__ import annotations

import signal

import pytest

from tests.crawler.crawlkit import make_profile, read_posts, report_of, run_crawl_process
from tests.crawler.test_crawl_resume import kill_after_posts, links, slowed
from yuqing.shell.demo.sites import DEMO_ACCOUNT, demo_sources, own_account_source

ACCOUNTS = [DEMO_ACCOUNT, "榆川市民政局"]
OWN_POSTS = {f"weibo:{mid}" for mid in (5301, 5302, 5303, 5305, 5306)}
COMMENTS_5302 = {f"weibo:comment:{cid}" for cid in (9001, 9002, 9003, 9004, 9101, 9102, 9103)}
COMMENTS_5303 = {f"weibo:comment:{cid}" for cid in (9011, 9012, 9111)}


def sources_for(base: str, **hot) -> list[dict]:
    """The own-account source and a Weibo search reading the comments under its hottest post."""
    search = {**demo_sources(base)[0], "hot_comments": {"enabled": True, "max_posts": 1, **hot}}
    return [own_account_source(base), search]


def weibo_calls(paths: list[str], needle: str) -> list[str]:
    return [path for path in paths if needle in path]


def thread_of(posts: dict, key: str) -> tuple[str | None, str | None]:
    """The keys of a post's parent post and parent comment."""
    by_id = {post.id: k for k, post in posts.items()}
    post = posts[key]
    return by_id.get(post.thread_post_id), by_id.get(post.thread_comment_id)


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """One crawl of the own account and the search, then a second, incremental one."""
    folder = tmp_path_factory.mktemp("comments")
    profile, url = make_profile(folder / "config", sources_for(site.url), ACCOUNTS), f"sqlite:///{folder / 'c.db'}"
    before = len(site.calls)
    first = report_of(run_crawl_process(profile, url)[1])
    middle = len(site.calls)
    first_posts = read_posts(url)
    second = report_of(run_crawl_process(profile, url)[1])
    return {"posts": first_posts, "again": read_posts(url), "first": first, "second": second,
            "paths": site.paths()[before:middle], "paths_again": site.paths()[middle:]}


def test_timeline_is_paged_by_since_id_and_stored_as_the_bureaus_own(crawled):
    assert crawled["first"]["weibo-own"]["status"] == "ok"
    timeline = weibo_calls(crawled["paths"], "containerid=1076037700000001")
    assert len(timeline) == 2 and "since_id=5305" in timeline[1]
    posts = crawled["posts"]
    assert OWN_POSTS <= set(posts)
    assert all(posts[key].own and posts[key].mention_rule == "own:榆川民政" for key in OWN_POSTS)
    assert posts["weibo:5302"].author == "榆川民政" and posts["weibo:5302"].comments == 7


def test_comments_are_paged_by_max_id_and_replies_by_their_own_cursor(crawled):
    paths = crawled["paths"]
    assert len(weibo_calls(paths, "/comments/hotflow?id=5302")) == 2
    assert any("max_id=53020001" in path for path in weibo_calls(paths, "hotflow?id=5302"))
    replies = weibo_calls(paths, "/comments/hotFlowChild?cid=9001")
    assert len(replies) == 2 and "max_id=90010001" in replies[1]
    assert not weibo_calls(paths, "hotFlowChild?cid=9011"), "all replies were inline: no second request"
    assert COMMENTS_5302 | COMMENTS_5303 <= set(crawled["posts"])


def test_comment_fields_come_from_the_api(crawled):
    comment = crawled["posts"]["weibo:comment:9001"]
    assert comment.published_at.isoformat() == "2026-11-18T07:40:00+00:00"
    assert (comment.author, comment.author_id, comment.location) == ("东湖街道老住户", "1101", "河北")
    assert (comment.likes, comment.comments, comment.extra["floor"]) == (45, 3, 1)
    reply = crawled["posts"]["weibo:comment:9103"]
    assert reply.extra["reply_to"] == "榆川民政" and reply.clean_text.startswith("救助站的人已经到了")


def test_comments_under_the_bureaus_post_are_mentions_that_keep_their_thread(crawled):
    posts = crawled["posts"]
    for key in COMMENTS_5302 - {"weibo:comment:9102"}:
        assert posts[key].mention_rule in ("thread:weibo:5302", "alias:榆川民政"), key
        assert not posts[key].own
    assert posts["weibo:comment:9002"].mention_rule == "thread:weibo:5302"
    assert thread_of(posts, "weibo:comment:9001") == ("weibo:5302", None)
    assert thread_of(posts, "weibo:comment:9103") == ("weibo:5302", "weibo:comment:9001")
    assert thread_of(posts, "weibo:comment:9111") == ("weibo:5303", "weibo:comment:9011")


def test_the_bureaus_own_replies_in_a_thread_are_its_own(crawled):
    posts = crawled["posts"]
    assert posts["weibo:comment:9102"].own and posts["weibo:comment:9111"].own
    assert not posts["weibo:comment:9011"].own


def test_only_recent_posts_with_comments_are_read(crawled):
    read = {path.split("id=")[1].split("&")[0] for path in weibo_calls(crawled["paths"], "/comments/hotflow")}
    assert read == {"5302", "5303", "5101"}


def test_comments_under_a_hot_search_result_keep_its_thread(crawled):
    posts = crawled["posts"]
    for cid in (9201, 9202):
        key = f"weibo:comment:{cid}"
        assert posts[key].mention_rule == "comment:weibo:5101" and thread_of(posts, key) == ("weibo:5101", None)


def test_a_second_run_stops_at_pages_already_seen(crawled):
    again = crawled["paths_again"]
    assert all(row["status"] == "ok" and row["new_posts"] == 0 for row in crawled["second"].values())
    assert len(weibo_calls(again, "containerid=1076037700000001")) == 1
    assert weibo_calls(again, "hotflow?id=5302") == ["/comments/hotflow?id=5302&mid=5302&max_id_type=0"]
    assert set(crawled["again"]) == set(crawled["posts"])


def test_bounds_per_post_and_per_run(site, tmp_path):
    own = {**own_account_source(site.url), "comments": {"max_per_post": 3, "max_per_run": 5, "reply_pages": 1}}
    profile, url = make_profile(tmp_path / "config", [own], ACCOUNTS), f"sqlite:///{tmp_path / 'c.db'}"
    run_crawl_process(profile, url)
    comments = {key: post for key, post in read_posts(url).items() if ":comment:" in key}
    under = {parent: sum(1 for p in comments.values() if p.thread_post_id == parent)
             for parent in {p.thread_post_id for p in comments.values()}}
    assert len(comments) == 5 and max(under.values()) == 3


def test_an_own_account_source_needs_a_bureau_account_with_a_uid(site, tmp_path):
    profile = make_profile(tmp_path / "config", [own_account_source(site.url)])
    code, events = run_crawl_process(profile, f"sqlite:///{tmp_path / 'c.db'}")
    assert code == 2 and not events


def test_killed_crawl_with_comments_loses_and_doubles_nothing(site, tmp_path):
    slow = f"{site.url}/fault/delay/all"
    sources = [*sources_for(slow), *slowed(site.url)[1:]]
    profile = make_profile(tmp_path / "config", sources, ACCOUNTS, batch_size=1)
    clean_url, killed_url = f"sqlite:///{tmp_path / 'clean.db'}", f"sqlite:///{tmp_path / 'killed.db'}"
    run_crawl_process(profile, clean_url)
    clean = read_posts(clean_url)
    assert COMMENTS_5302 <= set(clean)
    assert kill_after_posts(profile, killed_url, 12) == -signal.SIGKILL
    assert 12 <= len(read_posts(killed_url)) < len(clean)
    run_crawl_process(profile, killed_url)
    resumed = read_posts(killed_url)
    assert set(resumed) == set(clean)
    assert links(resumed) == links(clean)
    assert {key: thread_of(resumed, key) for key in resumed} == {key: thread_of(clean, key) for key in clean}
    assert {key for key, post in resumed.items() if post.own} == {key for key, post in clean.items() if post.own}


def test_a_login_wall_on_the_comments_blocks_the_source(site, tmp_path):
    own = {**own_account_source(f"{site.url}/fault/expired/hotflow"), "key": "weibo-own-walled"}
    profile = make_profile(tmp_path / "config", [own], ACCOUNTS)
    row = report_of(run_crawl_process(profile, f"sqlite:///{tmp_path / 'c.db'}")[1])["weibo-own-walled"]
    assert row["status"] == "blocked" and "ok:-100" in row["reason"]
