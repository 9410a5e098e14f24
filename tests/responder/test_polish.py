"""The optional polishing endpoint, against a local fake OpenAI-compatible server."""

import dataclasses
import json

import pytest

from responder.polish import polish
from responder.suggest import suggest


@pytest.fixture
def polishing(settings):
    """Settings with polishing switched on."""
    replies = settings.replies.model_copy(update={"polish": settings.replies.polish.model_copy(
        update={"enabled": True, "model": "local-model"})})
    return dataclasses.replace(settings, replies=replies)


@pytest.fixture
def original(settings):
    """A grounded consultation suggestion: opening, a policy answer with a number, closing."""
    return suggest(settings, "consultation", "低保标准是多少？每月多少钱", topic="subsistence")[0]


def _answer(receiver, sentences):
    receiver.reply = {"choices": [{"message": {"role": "assistant",
                                               "content": json.dumps(sentences, ensure_ascii=False)}}]}


def test_rewording_is_kept_with_its_citations(polishing, original, receiver):
    texts = [s["text"] for s in original["sentences"]]
    _answer(receiver, ["您好，谢谢您关注榆川市民政局的工作。", *texts[1:]])
    result = polish(polishing, original, {"YUQING_POLISH_URL": receiver.url, "YUQING_POLISH_KEY": "k"})
    assert result["polished"] and result["text"].startswith("您好，谢谢您关注")
    assert [s["source"] for s in result["sentences"]] == [s["source"] for s in original["sentences"]]
    request = receiver.requests[0]
    assert request["path"] == "/hook/chat/completions" and request["headers"]["Authorization"] == "Bearer k"
    assert request["json"]["model"] == "local-model" and json.loads(request["json"]["messages"][1]["content"]) == texts


@pytest.mark.parametrize("change", ["number", "name", "count", "length"])
def test_a_polish_that_breaks_a_guard_keeps_the_original(polishing, original, receiver, change):
    texts = [s["text"] for s in original["sentences"]]
    policy = next(i for i, s in enumerate(original["sentences"]) if s["source"].startswith("policy:"))
    broken = list(texts)
    if change == "number":
        broken[policy] = broken[policy].replace("960", "1000")
    elif change == "name":
        broken[0] = broken[0].replace("榆川市民政局", "我局")
    elif change == "count":
        broken = broken + ["另外，我们还会上门走访。"]
    else:
        broken[-1] = broken[-1] + "欢迎随时来电咨询" * 20
    _answer(receiver, broken)
    assert polish(polishing, original, {"YUQING_POLISH_URL": receiver.url}) == original


def test_endpoint_down_or_switched_off_keeps_the_original(settings, polishing, original, receiver):
    url = receiver.url
    receiver.stop()
    assert polish(polishing, original, {"YUQING_POLISH_URL": url}) == original
    assert polish(settings, original, {"YUQING_POLISH_URL": url}) == original
