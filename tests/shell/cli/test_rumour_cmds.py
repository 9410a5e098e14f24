"""`yuqing queue` for a rumour on a frozen clock: 核实 with evidence, the rebuttal, publication, a referral
with its answer, and the spread of the rumour against the rebuttal."""

import json
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner
from freezegun import freeze_time

from yuqing.shell.cli import cli
from yuqing.core.storage.db import make_engine, session_factory, transaction, upgrade
from yuqing.core.storage.models import Assessment, Event, Post

START = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)


def _post(sessions, n: int, text: str, at: datetime, kind: str = "rumour", event: bool = True) -> None:
    with transaction(sessions) as session:
        post = Post(dedup_key=f"weibo:{n}", platform="weibo", clean_text=text, fetched_at=at, updated_at=at,
                    url=f"https://weibo.example/{n}", event_id=1 if event else None)
        session.add(post)
        session.flush()
        session.add(Assessment(post_id=post.id, sentiment=0.1, sentiment_label="negative", kind=kind,
                               topic="funeral", level=3, assessed_at=at))


def test_a_rumour_from_the_terminal(profile_dir, tmp_path):
    url = f"sqlite:///{tmp_path / 'rumour.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        session.add(Event(title="网传殡仪馆涨价", topic="funeral", level=3, first_seen_at=START, last_seen_at=START,
                          updated_at=START))

    def run(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", url, "queue", *args])
        assert result.exit_code == code, result.output
        return result.output

    with freeze_time(START) as clock:
        _post(sessions, 1, "网传殡仪馆下月起涨价三倍", START)
        run("intake")
        refused = run("rebut", "1", "--as", "affairs-chief", code=1)
        assert refused.startswith("错误: 该传闻尚未核实") and refused.count("\n") == 1
        assert "核实中" in run("verify-open", "1", "--as", "affairs-chief")
        run("evidence", "1", "--as", "affairs-chief", "--source", "市殡仪馆收费公示", "--note", "现场核对",
            "--file", "公示.jpg")
        run("verify", "1", "--as", "affairs-chief", "--verdict", "不实", "--finding", "殡葬服务收费标准未作调整")
        assert "不是核准模板" in run("rebut", "1", "--as", "affairs-chief", "--template", "made-up", code=1)
        run("rebut", "1", "--as", "affairs-chief", "--template", "rumour-open", "--template", "rumour-close")
        run("reply", "1", "--as", "affairs-chief")
        run("approve", "1", "--as", "spokesperson")
        clock.tick(timedelta(hours=1))
        run("publish", "1", "--as", "affairs-chief", "--url", "https://weibo.example/r/1")
        run("refer", "1", "--as", "spokesperson", "--to", "公安", "--reason", "造谣者可查")
        clock.tick(timedelta(hours=5))
        run("transfer-answer", "1", "--as", "spokesperson", "--answer", "已依法处理")
        detail = json.loads(run("show", "1", "--json"))
        [check] = detail["verifications"]
        assert (check["verdict_label"], check["evidence"][0]["file_name"]) == ("不实", "公示.jpg")
        assert detail["transfers"][0]["answer"] == "已依法处理" and detail["drafts"][0]["text"].count("经核实") == 1
        assert "证据" in run("show", "1") and "答复：已依法处理" in run("show", "1")
        rebuttal = detail["drafts"][0]["text"]
        _post(sessions, 2, f"转：{rebuttal}", START + timedelta(hours=6), kind="other", event=False)
        _post(sessions, 3, "殡仪馆真要涨价了吗", START + timedelta(hours=7))
        clock.tick(timedelta(hours=20))
        rows = {r["name"]: r for r in json.loads(run("spread", "1", "--json"))}
        assert (rows["发布前24小时"]["rumour"], rows["发布后24小时"]["rumour"], rows["发布后24小时"]["rebuttal"]) == (1, 1, 1)
        assert rows["发布后24小时"]["complete"] and not rows["发布后72小时"]["complete"]
        assert "转述辟谣" in run("spread", "1")
    engine.dispose()
