"""`yuqing report` on the demo's hottest event: HTML and Word written, every overview figure and
platform row as the database has them."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from yuqing.shell.cli import cli
from yuqing.core.storage.models import Assessment, Event, Post

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A finished demo run in a folder of its own."""
    folder = tmp_path_factory.mktemp("demo-report") / "yuqing-demo"
    result = CliRunner().invoke(cli, ["demo", "--dir", str(folder)], env={"YUQING_DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    return folder


def test_report_on_the_hottest_demo_event_matches_the_database(demo, tmp_path):
    engine = create_engine(f"sqlite:///{demo / 'yuqing.db'}")
    with Session(engine) as session:
        hottest = session.scalars(select(Event).order_by(Event.hotness.desc(), Event.id)).first()
        posts = session.scalar(select(func.count()).select_from(Post).where(
            Post.event_id == hottest.id, Post.duplicate_of_id.is_(None), Post.own.is_(False)))
        platforms = session.scalar(select(func.count(func.distinct(Post.platform))).where(
            Post.event_id == hottest.id, Post.duplicate_of_id.is_(None), Post.own.is_(False)))
        engagement = session.scalar(select(func.coalesce(func.sum(Post.reposts + Post.comments + Post.likes), 0))
                                    .where(Post.event_id == hottest.id, Post.duplicate_of_id.is_(None), Post.own.is_(False)))
        label = func.coalesce(func.nullif(Assessment.label_override, ""), Assessment.sentiment_label)
        negative = session.scalar(select(func.count()).select_from(Post).join(Assessment).where(
            Post.event_id == hottest.id, Post.duplicate_of_id.is_(None), Post.own.is_(False), label == "negative"))
        event_id, hotness = hottest.id, round(hottest.hotness, 1)
    engine.dispose()
    result = CliRunner().invoke(cli, ["--config", str(demo / "config"), "--database-url",
                                      f"sqlite:///{demo / 'yuqing.db'}", "report", str(event_id), "--any-level",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / f"专报-事件{event_id}.html").read_text(encoding="utf-8")
    figure = dict(re.findall(r'data-figure="(\w+)">([\d.]+)<', html))
    assert figure == {"posts": str(posts), "platforms": str(platforms), "engagement": str(engagement),
                      "hotness": str(hotness), "negative": str(negative)}
    assert (tmp_path / f"专报-事件{event_id}.docx").read_bytes()[:2] == b"PK"
