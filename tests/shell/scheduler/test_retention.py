"""The nightly clean-up deletes expired collected data but never the bureau's case records."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from yuqing.shell.scheduler.retention import BATCH, purge_expired
from yuqing.core.storage.models import (
    Assessment,
    Case,
    CasePost,
    EngagementSnapshot,
    Event,
    Notification,
    Post,
    Source,
    SourceRun,
)


def make_post(session, key: str, at, **extra) -> Post:
    post = Post(dedup_key=key, platform="weibo", clean_text=f"关于民政局的帖子 {key}", fetched_at=at, updated_at=at, **extra)
    session.add(post)
    session.flush()
    return post


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_expired_posts_go_with_their_analysis_but_case_posts_stay(app, now):
    old, cutoff = now - timedelta(days=400), now - timedelta(days=365)
    with app.sessions.begin() as session:
        event = Event(first_seen_at=old, last_seen_at=old, updated_at=old)
        session.add(event)
        session.flush()
        gone = make_post(session, "gone", old)
        session.add(Assessment(post=gone, sentiment=0.2, sentiment_label="negative", kind="complaint", assessed_at=old))
        session.add(EngagementSnapshot(post=gone, taken_at=old))
        make_post(session, "copy", old, duplicate_of_id=gone.id)
        kept = make_post(session, "on-case", old)
        make_post(session, "in-event", old, event_id=event.id)
        case = Case(title="低保", kind="complaint", state="closed", event_id=event.id, detected_at=old,
                    created_at=old, updated_at=old)
        session.add(case)
        session.flush()
        session.add(CasePost(case_id=case.id, post_id=kept.id, attached_at=old))
        make_post(session, "fresh", now)
    report = purge_expired(app.sessions, cutoff)
    with app.sessions() as session:
        left = set(session.scalars(select(Post.dedup_key)))
    assert left == {"on-case", "in-event", "fresh"}
    assert report.deleted["posts"] == 2
    assert count(app.sessions, Assessment) == 0 and count(app.sessions, EngagementSnapshot) == 0
    assert count(app.sessions, Case) == 1 and count(app.sessions, Event) == 1


def test_sent_notifications_and_old_runs_are_deleted_pending_ones_kept(app, now):
    old = now - timedelta(days=400)
    with app.sessions.begin() as session:
        source = Source(key="s", kind="html", name="测试")
        session.add_all([SourceRun(source=source, started_at=old), SourceRun(source=source, started_at=now)])
        for i, sent in enumerate([old, None]):
            session.add(Notification(dedup_key=f"n{i}", channel="email", recipient="a@b.c", created_at=old,
                                     next_attempt_at=old, sent_at=sent, status="sent" if sent else "pending"))
    purge_expired(app.sessions, now - timedelta(days=365))
    assert count(app.sessions, SourceRun) == 1
    with app.sessions() as session:
        assert session.scalars(select(Notification.status)).all() == ["pending"]


def test_a_stop_request_ends_the_purge_between_committed_batches(app, now):
    old = now - timedelta(days=400)
    with app.sessions.begin() as session:
        for i in range(BATCH + 10):
            make_post(session, f"p{i}", old)
    asked = iter([False, True])
    report = purge_expired(app.sessions, now - timedelta(days=365), lambda: next(asked))
    assert report.interrupted and report.deleted == {"posts": BATCH}
    assert count(app.sessions, Post) == 10
    purge_expired(app.sessions, now - timedelta(days=365))
    assert count(app.sessions, Post) == 0
