"""The nightly clean-up: delete collected data older than the retention period.

Cases, their audit trail and drafts are records of the bureau's work and are never deleted
here; neither are posts on a case's timeline or in an event that has a case. Deletion goes
in small committed batches, so a stop request between batches leaves nothing half-done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session, sessionmaker

from yuqing.core.storage.models import (
    Assessment,
    Case,
    CasePost,
    Digest,
    EngagementSnapshot,
    Event,
    Notification,
    NotificationAttachment,
    Post,
    SourceRun,
)

BATCH = 500


@dataclass
class PurgeReport:
    """How many rows of each kind were deleted, and whether a stop cut the run short."""

    deleted: dict[str, int] = field(default_factory=dict)
    interrupted: bool = False

    def add(self, kind: str, count: int) -> None:
        """Count deleted rows of one kind."""
        self.deleted[kind] = self.deleted.get(kind, 0) + count


def _expired_posts(session: Session, cutoff: datetime) -> list[int]:
    on_case = exists().where(CasePost.post_id == Post.id)
    event_has_case = exists().where(Case.event_id == Post.event_id)
    query = select(Post.id).where(Post.fetched_at < cutoff, ~on_case, ~event_has_case).limit(BATCH)
    return list(session.scalars(query))


def _delete_posts(session: Session, ids: list[int]) -> None:
    session.execute(update(Post).where(Post.duplicate_of_id.in_(ids)).values(duplicate_of_id=None))
    session.execute(delete(Assessment).where(Assessment.post_id.in_(ids)))
    session.execute(delete(EngagementSnapshot).where(EngagementSnapshot.post_id.in_(ids)))
    session.execute(delete(Post).where(Post.id.in_(ids)))


def _expired_notifications(session: Session, cutoff: datetime) -> list[int]:
    in_digest = exists().where(Digest.notification_id == Notification.id)
    query = select(Notification.id).where(Notification.sent_at < cutoff, ~in_digest).limit(BATCH)
    return list(session.scalars(query))


def _delete_notifications(session: Session, ids: list[int]) -> None:
    session.execute(delete(NotificationAttachment).where(NotificationAttachment.notification_id.in_(ids)))
    session.execute(delete(Notification).where(Notification.id.in_(ids)))


def _expired_runs(session: Session, cutoff: datetime) -> list[int]:
    return list(session.scalars(select(SourceRun.id).where(SourceRun.started_at < cutoff).limit(BATCH)))


def _delete_runs(session: Session, ids: list[int]) -> None:
    session.execute(delete(SourceRun).where(SourceRun.id.in_(ids)))


def _expired_events(session: Session, cutoff: datetime) -> list[int]:
    has_post = exists().where(Post.event_id == Event.id)
    has_case = exists().where(Case.event_id == Event.id)
    return list(session.scalars(select(Event.id).where(Event.last_seen_at < cutoff, ~has_post, ~has_case).limit(BATCH)))


def _delete_events(session: Session, ids: list[int]) -> None:
    session.execute(delete(Event).where(Event.id.in_(ids)))


KINDS = (
    ("posts", _expired_posts, _delete_posts),
    ("notifications", _expired_notifications, _delete_notifications),
    ("source_runs", _expired_runs, _delete_runs),
    ("events", _expired_events, _delete_events),
)


def purge_expired(sessions: sessionmaker[Session], cutoff: datetime,
                  should_stop: Callable[[], bool] = lambda: False) -> PurgeReport:
    """Delete expired posts (with their analysis), sent notifications, crawl runs and empty events."""
    report = PurgeReport()
    for kind, find, remove in KINDS:
        while True:
            if should_stop():
                report.interrupted = True
                return report
            with sessions.begin() as session:
                ids = find(session, cutoff)
                if ids:
                    remove(session, ids)
            report.add(kind, len(ids))
            if len(ids) < BATCH:
                break
    return report
