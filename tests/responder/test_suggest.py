"""Suggestions: grounded in templates and policy answers only, cited, within the platform limit."""

import dataclasses

import pytest

from responder.people import section_of
from responder.retrieval import PolicyIndex
from responder.suggest import suggest

CASES = [
    ("consultation", "请问低保怎么申请，要带什么材料？", "subsistence"),
    ("rumour", "听说救灾物资被截留了，根本没发到户", "disaster-relief"),
    ("complaint", "我家老人80岁了高龄补贴一直领不到", "elderly-care"),
    ("praise", "民政局的同志帮我们办好了手续，点赞", ""),
]


def _approved_texts(settings):
    bureau = settings.bureau
    texts = {f"policy:{p.key}": p.answer for p in settings.replies.policies}
    for t in settings.replies.templates:
        texts[f"template:{t.key}"] = t.text
    return texts, bureau


@pytest.mark.parametrize("kind,text,topic", CASES)
@pytest.mark.parametrize("platform", ["weibo", "board", "unknown"])
def test_every_sentence_is_traceable_and_the_whole_fits(settings, kind, text, topic, platform):
    texts, bureau = _approved_texts(settings)
    result = suggest(settings, kind, text, topic=topic, owner="relief-chief", platform=platform)
    assert 2 <= len(result) <= 3
    limit = settings.response.platform_limits.get(platform, 150)
    for item in result:
        assert item["limit"] == limit and len(item["text"]) <= limit
        assert item["text"] == "".join(s["text"] for s in item["sentences"])
        for sentence in item["sentences"]:
            source = texts[sentence["source"]]
            if sentence["source"].startswith("policy:"):
                assert sentence["text"] in source
            else:
                filled = source.format(bureau=bureau.name, hotline=bureau.hotline, section=section_of(settings, topic, "relief-chief"))
                assert sentence["text"] == filled


def test_the_most_relevant_policy_is_cited(settings):
    result = suggest(settings, "consultation", "请问低保怎么申请，要带什么材料？", topic="subsistence")
    assert result[0]["sentences"][1]["source"] == "policy:dibao-apply"
    assert "榆川市民政局" in result[0]["text"] and settings.bureau.hotline in result[0]["text"]


def test_no_relevant_policy_says_what_is_missing_instead_of_inventing(settings):
    result = suggest(settings, "consultation", "公园的公厕什么时候修好？", owner="elderly-chief")
    assert result and all(item["missing"].startswith("缺少与") and "养老服务科" in item["missing"] for item in result)
    assert all(s["source"].startswith("template:") for item in result for s in item["sentences"])


def test_a_tight_limit_drops_templates_then_long_answers(settings):
    tight = dataclasses.replace(settings, response=settings.response.model_copy(
        update={"platform_limits": {"default": 40}}))
    for kind, text, topic in CASES:
        for item in suggest(tight, kind, text, topic=topic):
            assert len(item["text"]) <= 40
    tighter = dataclasses.replace(settings, response=settings.response.model_copy(
        update={"platform_limits": {"default": 30}}))
    answers = suggest(tighter, "consultation", "请问低保怎么申请，要带什么材料？", topic="subsistence")
    assert answers and all("超过本平台 30 字上限" in item["missing"] and "dibao-apply" in item["missing"]
                           for item in answers)


def test_bm25_ranks_the_matching_answer_first(settings):
    index = PolicyIndex(list(settings.replies.policies))
    assert index.search("高龄津贴到哪里领")[0].policy.key == "elderly-allowance"
    assert index.search("今天天气不错") == []
