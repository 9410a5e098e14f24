"""Property: hostile posts, cleaned as the crawler cleans them, go through analysis and case intake
without an error, and no unsafe character reaches an event or a case."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from sqlalchemy import select

from analysis.normalize import clean_text
from responder.intake import open_cases
from tests.hostile import SLOW, HostilePost, hostile_posts, storable
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, Case, Event, Post
from yuqing.stages.analyze import analyze_pending

SERIAL = itertools.count(1)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: what is checked here is the text, not the backend."""
    return f"sqlite:///{tmp_path / 'analysis.db'}"


def _analyse_and_open(sessions, settings, now, post: HostilePost) -> None:
    n = next(SERIAL)
    with transaction(sessions) as session:
        row = Post(dedup_key=f"hostile:{n}", platform="forum", url=storable(post.url), title=clean_text(post.title),
                   clean_text=clean_text(post.text) or "（空）", published_at=now, fetched_at=now, updated_at=now)
        session.add(row)
        session.flush()
        post_id = row.id
    analyze_pending(sessions, settings, now)
    with transaction(sessions) as session:
        assessment = session.scalar(select(Assessment).where(Assessment.post_id == post_id))
        assert assessment is not None
        assessment.kind = "complaint"  # whatever the models said, the post goes through intake too
    report = open_cases(sessions, settings, now)
    assert not report.errors
    with sessions() as session:
        titles = [*session.scalars(select(Event.title)), *session.scalars(select(Case.title))]
    assert not any(UNSAFE.search(title or "") for title in titles)


@SLOW
@given(post=hostile_posts(huge=False))
def test_hostile_posts_are_analysed_and_become_cases(sessions, settings, now, post):
    _analyse_and_open(sessions, settings, now, post)


def test_a_one_megabyte_post_is_analysed_and_becomes_a_case(sessions, settings, now):
    """Once, not per example: analysing 1 MB takes seconds."""
    _analyse_and_open(sessions, settings, now, HostilePost("标题\x01", "榆川市民政局", "javascript:alert(1)", (),
                                                          "低保<b>没人管</b>\x01\u202e"))
