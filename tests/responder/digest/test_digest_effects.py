"""The digest's 回应效果: a case answered in the week, its figures in the HTML, the text and the .docx."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import docx

from responder.digest import build_digest
from responder.intake import open_cases
from tests.responder.digest.world import local
from tests.responder.test_effect import answer, effect_post

ROWS = [
    ("回应前24小时", "4", "2", "50.0%", "—"),
    ("回应后24小时", "4", "1", "25.0%", "-25.0 个百分点（下降）"),
    ("回应后72小时", "5", "2", "40.0%", "待定（回应后72小时未满，截至目前）"),
]


def _answered_case(sessions, settings, factory) -> int:
    """A case answered on Saturday 21 November 10:00 (Shanghai), 47.5 h before the digest goes out."""
    event = factory.event()
    factory.post("低保金三个月没发了，民政局管不管", event_id=event, minutes=-600)
    case_id = open_cases(sessions, settings, factory.now).created[0]
    responded = local(21, 10)
    for hours, label, likes in ((-20, "negative", 3), (-12, "negative", 1), (-6, "neutral", 0), (-2, "neutral", 0),
                                (1, "negative", 50), (3, "neutral", 0), (8, "neutral", 0), (20, "positive", 0),
                                (30, "negative", 80)):
        effect_post(sessions, event, responded + timedelta(hours=hours), label, likes=likes)
    answer(sessions, settings, case_id, responded)
    return case_id


def test_the_weeks_answers_show_their_effect_in_every_form(sessions, settings, factory, digest_now):
    case_id = _answered_case(sessions, settings, factory)
    digest = build_digest(sessions, settings, "2026-W47", digest_now)
    [row] = digest.figures.effects
    assert (row.case_id, row.responded) == (case_id, "11-21 10:00")
    assert [(x.name, str(x.posts), str(x.negative), x.share, x.change or "—") for x in row.lines] == ROWS
    assert [d.engagement for d in row.drivers] == [80, 50]
    assert "回应后24小时：新帖 4 条，负面 1 条，负面占比 25.0%，较回应前 -25.0 个百分点（下降）" in digest.text
    assert "较回应前 待定（回应后72小时未满，截至目前）" in digest.text and "负面帖（互动 80，11-22 16:00）" in digest.text
    assert '<table cellpadding="0" cellspacing="0"' in digest.html and 'class="effects"' in digest.html
    bare = re.sub(r' style="[^"]*"', "", digest.html)
    for cells in ROWS:
        assert "<td>" + "</td><td>".join(cells) + "</td></tr>" in bare
    tables = docx.Document(io.BytesIO(digest.docx)).tables
    [table] = [t for t in tables if [c.text for c in t.rows[0].cells] == ["工单", "时段", "新帖", "负面", "负面占比", "较回应前"]]
    assert [tuple(c.text for c in r.cells[1:]) for r in table.rows[1:]] == ROWS


def test_a_week_without_answers_says_so(sessions, settings, digest_now):
    digest = build_digest(sessions, settings, "2026-W47", digest_now)
    assert digest.figures.effects == [] and "本周没有新回应的工单。" in digest.text
    tables = docx.Document(io.BytesIO(digest.docx)).tables
    assert any(t.rows[1].cells[0].text == "本周没有新回应的工单。" for t in tables if t.rows[0].cells[1].text == "时段")
