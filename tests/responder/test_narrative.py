"""The optional local model drafting an event's summary and the 专报's narrative, against a fake
OpenAI-compatible server on loopback that sometimes invents: an uncited sentence, a wrong number or an
unknown record is refused and the data-only text stands; a good draft is kept; a dead or slow endpoint
falls back with one line."""

import dataclasses
import json
import logging
import socket

import pytest
from click.testing import CliRunner

from responder.report import build_report
from responder.report.figures import ActionRow, KeyPost, PlatformRow, ReportFigures
from responder.report.narrative import event_summary, report_narrative
from responder.report.render import render_html
from tests.responder.conftest import Receiver

ENV = {"YUQING_LLM_URL": "", "YUQING_LLM_MODEL": "bureau-local"}


class FakeModel(Receiver):
    """A chat-completions endpoint: `answer` queues the content of its next replies."""

    def answer(self, *contents) -> None:
        """Queue one reply per content, each the assistant's message holding the content as JSON."""
        self.replies += [{"choices": [{"message": {"role": "assistant", "content": json.dumps(c, ensure_ascii=False)}}]}
                         for c in contents]


@pytest.fixture
def model():
    """A running fake model, stopped at the end."""
    fake = FakeModel()
    fake.start()
    yield fake
    fake.stop()


def _with_model(settings, **changes):
    config = settings.digest.narrative.model_copy(update={"enabled": True, "timeout_seconds": 30, **changes})
    return dataclasses.replace(settings, digest=settings.digest.model_copy(update={"narrative": config}))


@pytest.fixture
def on(settings):
    """Settings with the narrative model switched on."""
    return _with_model(settings)


@pytest.fixture
def figures() -> ReportFigures:
    """A small event's figures as the 专报 reads them from the database."""
    return ReportFigures(
        7, "殡仪馆涨价传闻", "榆川市民政局", "11-19 10:00", 2, "Ⅱ级（重大）", "11-18 08:00", "11-18 20:00", 12, 5, 96,
        81.5, [PlatformRow("微博", 9, 4, 80), PlatformRow("贴吧", 3, 1, 16)], [], "小时",
        [KeyPost(31, "11-18 09:00", "微博", "川北小李", "听说殡仪馆要涨价三倍", "负面", 40, "https://weibo.example/p/31")],
        ["涉及殡葬收费"], ["工单 #4「已回应」，负责人 赵敏；首次回应 11-18 12:00"],
        [ActionRow(4, "11-18 12:00", "赵敏", "登记已发布", "链接：https://weibo.example/r/9")])


def test_switched_off_nothing_is_asked_and_the_data_only_text_stands(settings, figures, model):
    summary = event_summary(settings, figures, {**ENV, "YUQING_LLM_URL": model.url})
    assert not summary.drafted and model.requests == []
    assert [line.cite for line in summary.lines] == ["record:overview", "post:31"]
    assert "共12条信息" in summary.text and "负面5条" in summary.text


def test_a_good_draft_is_kept_with_its_citations(on, figures, model):
    model.answer([{"text": "“殡仪馆涨价传闻”于11-18 08:00首发，至今共12条信息、负面5条。", "cite": "record:overview"},
                    {"text": "微博用户“川北小李”的帖子互动40次，传播最广。", "cite": "post:31"}])
    summary = event_summary(on, figures, {**ENV, "YUQING_LLM_URL": model.url})
    assert summary.drafted and summary.note == ""
    assert summary.text.startswith("“殡仪馆涨价传闻”于11-18 08:00首发")
    asked = model.requests[0]["json"]
    assert asked["model"] == "bureau-local"
    assert {r["id"] for r in json.loads(asked["messages"][1]["content"])["records"]} >= {"record:overview", "post:31"}
    html = render_html(figures, "", summary, report_narrative(on, figures, {}))
    assert 'data-drafted="model"' in html and '<span data-cite="post:31">' in html


@pytest.mark.parametrize("invented, reason", [
    ({"text": "据悉已有三人因造谣被拘留。", "cite": ""}, "未引用"),
    ({"text": "事件共13条信息，负面5条。", "cite": "record:overview"}, "13"),
    ({"text": "微博共9条信息。", "cite": "record:platform:9"}, "record:platform:9"),
    ({"text": "殡葬管理科已约谈殡仪馆负责人。", "cite": "record:case:1"}, "殡葬管理科"),
])
def test_an_invented_sentence_or_wrong_number_is_refused_and_the_data_only_text_used(
        on, figures, model, caplog, invented, reason):
    good = {"text": "事件共12条信息，负面5条。", "cite": "record:overview"}
    model.answer([good, invented])
    with caplog.at_level(logging.WARNING, logger="responder.report.narrative"):
        narrative = report_narrative(on, figures, {**ENV, "YUQING_LLM_URL": model.url})
    assert not narrative.drafted and reason in narrative.note
    assert narrative.lines == report_narrative(dataclasses.replace(on, digest=on.digest.model_copy(update={
        "narrative": on.digest.narrative.model_copy(update={"enabled": False})})), figures, {}).lines
    assert "共12条信息" in narrative.text and "工单 #4「已回应」" in narrative.text
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1 and "\n" not in refused[0]


def _dead_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/v1"


def test_a_dead_or_slow_endpoint_falls_back_with_one_line(settings, figures, model):
    dead = event_summary(_with_model(settings), figures, {**ENV, "YUQING_LLM_URL": _dead_url()})
    assert not dead.drafted and "ConnectionError" in dead.note and "\n" not in dead.note
    model.hang = True
    slow = event_summary(_with_model(settings, timeout_seconds=0.5), figures, {**ENV, "YUQING_LLM_URL": model.url})
    assert not slow.drafted and "Timeout" in slow.note and slow.lines == dead.lines
    unset = event_summary(_with_model(settings), figures, {})
    assert not unset.drafted and "YUQING_LLM_URL" in unset.note


def test_the_special_report_carries_the_accepted_draft_or_else_the_data_only_text(
        sessions, settings, now, factory, model):
    event = factory.event(title="低保金迟迟未到账", level=2)
    factory.post("低保金三个月没发了，电话13812345678也打不通", event_id=event)
    plain = build_report(sessions, settings, event, now, any_level=True, environ={})
    assert not plain.summary.drafted and 'data-drafted="data"' in plain.html and "13812345678" not in plain.html
    overview = plain.summary.lines[0].text
    model.answer([{"text": overview, "cite": "record:overview"}], [{"text": "已约谈相关责任人。", "cite": "record:overview"}])
    built = build_report(sessions, _with_model(settings), event, now, any_level=True,
                         environ={**ENV, "YUQING_LLM_URL": model.url})
    assert built.summary.drafted and not built.narrative.drafted and "内容大多不见于" in built.narrative.note
    assert built.narrative.lines == plain.narrative.lines and "语言模型起草" in built.html
    sent = json.dumps([r["json"] for r in model.requests], ensure_ascii=False)
    assert "13812345678" not in sent and "138****5678" in sent


def test_the_report_command_says_in_one_line_that_a_dead_model_was_not_used(
        profile_dir, database_url, engine, factory, tmp_path):
    from yuqing.shell.cli import cli

    digest = profile_dir / "digest.yaml"
    digest.write_text(digest.read_text(encoding="utf-8").replace("narrative:\n  enabled: false",
                                                                 "narrative:\n  enabled: true"), encoding="utf-8")
    event = factory.event(level=2)
    factory.post("低保金三个月没发了", event_id=event)
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", database_url, "report",
                                      str(event), "--out", str(tmp_path / "out")], env={"YUQING_LLM_URL": _dead_url()})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "模型草稿未采用" in line]
    assert [line.split(":")[0] for line in lines] == ["摘要", "综述"] and all("ConnectionError" in line for line in lines)
