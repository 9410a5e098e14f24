"""The suggested reply and the weekly digest name the same section for the same case."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from responder.digest.caserows import week_cases
from responder.digest.period import week_of
from responder.people import NO_SECTION, section_of
from responder.suggest import suggest
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case

# (topic, owner): the topic's own section, a case owned outside its topic's section, no topic, an owner
# without a section, an unknown topic and owner, nothing at all.
PAIRS = [("subsistence", "relief-chief"), ("subsistence", "affairs-chief"), ("", "elderly-chief"),
         ("", "spokesperson"), ("no-such-topic", "ghost"), ("", "")]


@pytest.mark.parametrize("topic, owner, expected", [
    ("subsistence", "affairs-chief", "救灾和社会救助科"), ("", "elderly-chief", "养老服务科"),
    ("", "spokesperson", NO_SECTION), ("no-such-topic", "ghost", NO_SECTION)])
def test_topic_section_first_then_owner_then_neutral(settings, topic, owner, expected):
    assert section_of(settings, topic, owner) == expected


def test_reply_and_digest_agree_on_every_case(sessions, settings, now):
    with transaction(sessions) as session:
        for topic, owner in PAIRS:
            session.add(Case(title=f"{topic}/{owner}", kind="complaint", level=3, topic=topic, platform="weibo",
                             state="assigned", owner=owner, detected_at=now - timedelta(hours=1),
                             created_at=now, updated_at=now,
                             suggestions=suggest(settings, "complaint", "低保金迟迟没有到账", topic=topic,
                                                 owner=owner, platform="weibo")))
    with sessions() as session:
        rows = {row.id: row for row in week_cases(session, settings, week_of(now, ZoneInfo(settings.app.timezone)), now)}
        cases = list(session.query(Case))
    assert len(rows) == len(PAIRS)
    for case in cases:
        section = rows[case.id].section
        texts = [item["text"] + item.get("missing", "") for item in case.suggestions]
        assert section == section_of(settings, case.topic, case.owner)
        assert texts and all(section in text for text in texts), (case.title, section, texts)
