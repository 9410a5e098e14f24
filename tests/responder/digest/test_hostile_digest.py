"""Property: hostile posts in the week never stop the digest, and nothing unsafe or unmasked leaves in it."""

from __future__ import annotations

import io
import itertools

import pytest
from docx import Document
from hypothesis import given
from sqlalchemy import delete

from responder.digest.build import RenderedDigest, build_digest
from responder.digest.document import render_docx
from responder.digest.figures import map_text
from tests.hostile import SLOW, HostilePost, assert_masked, assert_safe_html, hostile_posts, storable
from tests.responder.digest.world import WEEK, WorldBuilder, local
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, Case, Draft, Event, Post

SERIAL = itertools.count(10_000)  # post numbers clear of the world's


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: the raw hostile text stored here (NUL bytes included) is what old rows may hold."""
    return f"sqlite:///{tmp_path / 'hostile.db'}"


def _add(sessions, settings, post: HostilePost) -> dict[type, list[int]]:
    """A level Ⅰ event carried by the post, and an answered consultation quoting it; returns the new ids."""
    title, text, url = storable(post.title), storable(post.text), storable(post.url)
    with transaction(sessions) as session:
        builder = WorldBuilder(session, settings)
        builder.serial = SERIAL
        event = builder.event(title or "事件", text, 1, "subsistence", 17)
        row = builder.post(local(17, 9), "weibo", None, "negative", event=event, text=text, engagement=10**6)
        row.title, row.url = title, url
        case = builder.case(title or "工单", kind="consultation", level=1, topic="subsistence", owner="relief-chief",
                            detected=local(17, 9), state="closed", responses=(local(17, 10),), closed=local(17, 11),
                            event=event, url=url)
        draft = Draft(case_id=case.id, version=1, text=text, author="relief-chief", status="approved",
                      created_at=local(17, 10))
        session.add(draft)
        session.flush()
        return {Draft: [draft.id], Case: [case.id], Assessment: [row.id], Post: [row.id], Event: [event.id]}


def _remove(sessions, added: dict[type, list[int]]) -> None:
    with transaction(sessions) as session:
        for model, ids in added.items():
            column = Assessment.post_id if model is Assessment else model.id
            session.execute(delete(model).where(column.in_(ids)))


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@SLOW
@given(post=hostile_posts())
def test_the_digest_survives_hostile_posts_and_leaks_nothing(sessions, settings, world, digest_now, post):
    added = _add(sessions, settings, post)
    try:
        digest = build_digest(sessions, settings, WEEK, digest_now)
        assert_safe_html(digest.html)
        assert_safe_html(digest.preview_html())
        for output in (digest.subject, digest.html, digest.text, _docx_text(digest.docx)):
            assert_masked(output, post.numbers)
        assert all(link.url == "" or link.url.startswith(("http://", "https://"))
                   for event in digest.figures.events for link in event.links)
    finally:
        _remove(sessions, added)


@pytest.fixture
def week_digest(sessions, settings, world, digest_now) -> RenderedDigest:
    """The W47 digest, built once for a property test's examples."""
    return build_digest(sessions, settings, WEEK, digest_now)


@SLOW
@given(post=hostile_posts(huge=False))
def test_the_word_document_is_written_whatever_the_text(week_digest, post):
    """Defect 1's class: any string at all (lone surrogates too) in any field still makes a .docx."""
    hostile = map_text(week_digest.figures, lambda value: value + post.title + post.text)
    assert render_docx(hostile, week_digest.images)[:2] == b"PK"


def test_a_control_character_in_a_title_no_longer_stops_the_docx(sessions, settings, world, digest_now):
    """Defect 1: U+0001 and U+0008 in event and case titles (stored before cleaning dropped them)."""
    added = _add(sessions, settings, HostilePost("低保\x01金\x08未到账", "正文\x01", "https://weibo.example/1", ()))
    try:
        digest = build_digest(sessions, settings, WEEK, digest_now)
        assert "低保金未到账" in _docx_text(digest.docx)
    finally:
        _remove(sessions, added)


def test_post_links_in_the_digest_are_http_only(sessions, settings, world, digest_now):
    """Defect 2: javascript: and data: post URLs never become links in the saved or emailed digest."""
    for url in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>"):
        added = _add(sessions, settings, HostilePost("恶意链接", "正文", url, ()))
        try:
            digest = build_digest(sessions, settings, WEEK, digest_now)
            for output in (digest.html, digest.preview_html(), digest.text):
                assert "javascript:" not in output and "data:text" not in output
            assert_safe_html(digest.html)
        finally:
            _remove(sessions, added)
