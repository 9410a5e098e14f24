"""The 专报 of a serious event: every figure checked against the database, personal data masked,
HTML and Word written, and a clear refusal for a minor event."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from docx import Document
from sqlalchemy import func, select

from responder.intake import open_cases
from responder.report import ReportError, build_report
from responder.workflow import apply
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Assessment, CaseAction, Post

PHONE = "13912345678"


@pytest.fixture
def event_id(sessions, settings, now, factory) -> int:
    """A level Ⅱ event on two platforms over two hours, with a case answered and published."""
    event = factory.event(level=2, title="安置点物资发放不到位")
    texts = [("安置点的棉被一直没发，电话" + PHONE + "没人接", "weibo", 0.05), ("物资发放排队三小时", "weibo", 0.1),
             ("听说物资被截留了", "tieba", 0.2), ("志愿者说明天补发", "news", 0.9)]
    for minutes, (text, platform, sentiment) in zip((0, 30, 70, 110), texts):
        factory.post(text, event_id=event, platform=platform, sentiment=sentiment, level=2, minutes=minutes,
                     topic="disaster-relief")
    with transaction(sessions) as session:
        for index, post in enumerate(session.scalars(select(Post).where(Post.event_id == event).order_by(Post.id))):
            post.reposts, post.comments, post.likes = 10 * index, 3, index
            if post.assessment.sentiment > 0.5:
                post.assessment.sentiment_label = "positive"
    case_id = open_cases(sessions, settings, now).created[0]
    steps = [("claim", "relief-chief", {}), ("submit", "relief-chief", {"text": "您好，物资今日已补发到位。"}),
             ("approve", "spokesperson", {}), ("approve", "deputy-li", {}),
             ("record_published", "relief-chief", {"url": "https://weibo.example/r/9"})]
    for hours, (action, actor, extra) in enumerate(steps, 1):
        with transaction(sessions) as session:
            apply(session, case_id, action, actor, now + timedelta(hours=hours), settings=settings, **extra)
    return event


def _cells(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_every_figure_in_the_report_comes_from_the_database(sessions, settings, now, event_id):
    built = build_report(sessions, settings, event_id, now + timedelta(hours=8))
    html = built.html
    figure = {k: v for k, v in re.findall(r'data-figure="(\w+)">([\d.]+)<', html)}
    with sessions() as session:
        posts = session.scalar(select(func.count()).select_from(Post).where(Post.event_id == event_id))
        negative = session.scalar(select(func.count()).select_from(Post).join(Assessment).where(
            Post.event_id == event_id, Assessment.sentiment_label == "negative"))
        engagement = session.scalar(select(func.sum(Post.reposts + Post.comments + Post.likes))
                                    .where(Post.event_id == event_id))
        per_platform = dict(session.execute(select(Post.platform, func.count()).where(Post.event_id == event_id)
                                            .group_by(Post.platform)).all())
        engaged = dict(session.execute(select(Post.id, Post.reposts + Post.comments + Post.likes)
                                       .where(Post.event_id == event_id)).all())
        actions = session.scalar(select(func.count()).select_from(CaseAction).where(CaseAction.action != "remind"))
    assert figure == {"posts": str(posts), "platforms": str(len(per_platform)), "negative": str(negative),
                      "engagement": str(engagement), "hotness": "0.0"}
    labels = settings.digest.platform_labels
    assert {row[0]: int(row[1]) for row in _cells(html, "platforms")} == {labels.get(k, k): v
                                                                          for k, v in per_platform.items()}
    assert sum(int(row[1]) for row in _cells(html, "spread")) == posts
    assert sum(int(row[2]) for row in _cells(html, "spread")) == negative
    shown = {int(i): int(e) for i, e in re.findall(r'<tr data-post="(\d+)">.*?<td class="num">(\d+)</td></tr>', html, re.S)}
    assert shown == engaged
    assert len(_cells(html, "actions")) == actions and "登记已发布" in html
    assert "工单 #1 的回复尚未在发布链接上确认" in html and "报请分管领导阅示" in html


def test_personal_data_is_masked_in_html_and_word(sessions, settings, now, event_id):
    built = build_report(sessions, settings, event_id, now + timedelta(hours=8))
    words = "\n".join(c.text for t in Document(io.BytesIO(built.docx)).tables for r in t.rows for c in r.cells)
    assert PHONE not in built.html and PHONE not in words
    assert "139****5678" in built.html and "139****5678" in words


def test_a_minor_event_is_refused_and_an_unknown_one_named(sessions, settings, now, factory):
    minor = factory.event(level=3)
    with pytest.raises(ReportError, match="Ⅲ级"):
        build_report(sessions, settings, minor, now)
    assert build_report(sessions, settings, minor, now, any_level=True).figures.next_steps[0].startswith("该事件尚未立案")
    with pytest.raises(ReportError, match="不存在"):
        build_report(sessions, settings, 999, now)


def test_the_command_writes_html_and_docx(profile_dir, database_url, engine, event_id, tmp_path):
    from yuqing.shell.cli import cli

    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", database_url, "report",
                                      str(event_id), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "已生成专报" in result.output
    assert (tmp_path / "out" / f"专报-事件{event_id}.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert (tmp_path / "out" / f"专报-事件{event_id}.docx").read_bytes()[:2] == b"PK"
    refused = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", database_url, "report", "77"])
    assert refused.exit_code == 1 and refused.output.strip() == "错误: 事件 #77 不存在"
