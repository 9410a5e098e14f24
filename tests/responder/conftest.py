"""Fixtures for the responder: posts, assessments and events made directly with the models."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from yuqing.storage.db import transaction
from yuqing.storage.models import Assessment, Event, Post

_ids = itertools.count(1)


@dataclass
class PostFactory:
    """Makes analysed posts (and events) at a given moment."""

    sessions: object
    now: datetime

    def event(self, *, topic: str = "subsistence", level: int = 3, title: str = "低保金迟迟未到账") -> int:
        """An event row; returns its id."""
        with transaction(self.sessions) as session:
            event = Event(title=title, topic=topic, level=level, first_seen_at=self.now, last_seen_at=self.now,
                          updated_at=self.now)
            session.add(event)
            session.flush()
            return event.id

    def post(self, text: str, *, event_id: int | None = None, platform: str = "weibo", kind: str = "complaint",
             level: int = 3, sentiment: float = 0.1, topic: str = "subsistence", hotness: float = 10.0,
             minutes: float = 0) -> int:
        """An analysed post fetched `minutes` after now; returns its id."""
        at = self.now + timedelta(minutes=minutes)
        n = next(_ids)
        with transaction(self.sessions) as session:
            post = Post(dedup_key=f"{platform}:{n}", platform=platform, platform_id=str(n),
                        url=f"https://{platform}.example/p/{n}", clean_text=text, fetched_at=at, updated_at=at,
                        published_at=at - timedelta(minutes=30), event_id=event_id)
            session.add(post)
            session.flush()
            session.add(Assessment(post_id=post.id, sentiment=sentiment, sentiment_label="negative", kind=kind,
                                   topic=topic, level=level, hotness=hotness, assessed_at=at))
            return post.id


@pytest.fixture
def factory(sessions, now) -> PostFactory:
    """Makes posts, assessments and events on the test database."""
    return PostFactory(sessions, now)
