"""Property: whatever a stranger posts, cleaning returns text every later step can carry."""

import re

from hypothesis import given, strategies as st
from lxml import etree

from analysis.normalize import clean_text, drop_unsafe_chars
from tests.hostile import FAST, PIECE, hostile_posts

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


@FAST
@given(hostile_posts())
def test_cleaned_posts_carry_no_control_bidi_or_surrogate_character(post):
    for raw in (post.title, post.text):
        cleaned = clean_text(raw)
        assert not UNSAFE.search(cleaned)
        etree.Element("w").text = cleaned  # XML (the .docx) accepts it: raises ValueError otherwise


@FAST
@given(st.lists(st.one_of(PIECE, st.characters()), max_size=30).map("".join))
def test_the_sanitiser_keeps_everything_else(text):
    kept = drop_unsafe_chars(text)
    assert not UNSAFE.search(kept)
    assert kept == "".join(c for c in text.replace("\r\n", "\n").replace("\r", "\n") if not UNSAFE.match(c))


def test_control_characters_from_a_feed_are_dropped():
    """Defect 1: U+0001, U+0008 and a feed's &#x1; no longer reach titles."""
    assert clean_text("低保\x01金\x08未到账") == "低保金未到账"
    assert clean_text("&#x1;养老院&#x202e;收费") == "养老院收费"
    assert clean_text("<p>救助\x00站</p>\u2066通知\u2069\ud800") == "救助站\n通知"
    assert clean_text("第一行\r\n第二行") == "第一行\n第二行"
