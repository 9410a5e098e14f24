"""The bureau's own posts and the comments under them through analysis and case intake: an own
post is never analysed nor a case; a comment under it is addressed to the bureau, in its thread;
a comment under someone else's post joins that post's event."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from responder.intake import open_cases
from yuqing.stages.analyze import analyze_pending
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import CasePost, Post

COMPLAINT = "榆东区敬老院护工殴打老人的视频传开了，民政局到现在没有任何说法，太让人气愤了！"
NOTICE = "【寒潮提醒】今晚起我市将迎来强降温，救助管理站24小时开门。"
ASKING = "救助站在哪里？我在人民街道看到一位老人睡在桥洞下，打电话没人接。"


def add(session, key: str, text: str, at, **fields) -> Post:
    post = Post(dedup_key=key, platform="weibo", clean_text=text, published_at=at, fetched_at=at, updated_at=at,
                **fields)
    session.add(post)
    session.flush()
    return post


def test_own_posts_are_never_analysed_nor_cases(sessions, settings, now):
    with transaction(sessions) as session:
        add(session, "weibo:own", COMPLAINT, now - timedelta(hours=2), own=True, mention_rule="own:榆川民政")
        add(session, "weibo:citizen", COMPLAINT, now - timedelta(hours=1), mention_rule="region+subject:榆东区+民政局")
    assert analyze_pending(sessions, settings, now).analyzed == 1
    report = open_cases(sessions, settings, now)
    with sessions() as session:
        on_cases = set(session.scalars(select(Post.dedup_key).join(CasePost, CasePost.post_id == Post.id)))
        own = session.scalars(select(Post).where(Post.dedup_key == "weibo:own")).one()
        assert own.assessment is None and own.event_id is None
    assert report.created and on_cases == {"weibo:citizen"}


def test_a_comment_under_the_bureaus_post_is_addressed_to_it_in_its_thread(sessions, settings, now):
    with transaction(sessions) as session:
        notice = add(session, "weibo:5302", NOTICE, now - timedelta(hours=3), own=True, mention_rule="own:榆川民政")
        add(session, "weibo:comment:9001", ASKING, now - timedelta(hours=2), mention_rule="thread:weibo:5302",
            thread_post_id=notice.id)
    analyze_pending(sessions, settings, now)
    open_cases(sessions, settings, now)
    with sessions() as session:
        comment = session.scalars(select(Post).where(Post.dedup_key == "weibo:comment:9001")).one()
        assert comment.assessment.reasons[0] == "提及本局（本局账号下的评论：weibo:5302）"
        assert comment.assessment.actionable
        attached = session.scalars(select(CasePost.post_id)).all()
        assert attached == [comment.id]


def test_a_comment_joins_the_event_of_the_post_it_is_under(sessions, settings, now):
    with transaction(sessions) as session:
        add(session, "weibo:5101", COMPLAINT, now - timedelta(hours=3), mention_rule="alias:榆川民政局")
    analyze_pending(sessions, settings, now)
    with transaction(sessions) as session:
        parent = session.scalars(select(Post).where(Post.dedup_key == "weibo:5101")).one()
        add(session, "weibo:comment:9201", "我家也是，材料交了两个月还在审核。", now - timedelta(hours=1),
            mention_rule="comment:weibo:5101", thread_post_id=parent.id)
    analyze_pending(sessions, settings, now)
    with sessions() as session:
        parent, comment = (session.scalars(select(Post).where(Post.dedup_key == key)).one()
                           for key in ("weibo:5101", "weibo:comment:9201"))
        assert parent.event_id is not None and comment.event_id == parent.event_id
