"""A whole post assessed from plain data: reasons from every part, level from its own signals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from analysis.assess import AnalysisRules, Judges, PostFacts, SourceContext, assess_post, assess_texts
from analysis.department import BusinessVocabulary, Department
from analysis.hotness import Snapshot
from analysis.mention import MonitoringScheme
from analysis.sentiment import get_sentiment_model
from analysis.topics import Topic

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)
TOPICS = (Topic("elderly-care", "养老服务", ("敬老院", "养老服务"), "养老科", "elderly-chief"),
          Topic("subsistence", "最低生活保障", ("低保", "低保金"), "救助科", "relief-chief"))
RULES = AnalysisRules(sensitive_words=("殴打",), emergency_words=("火灾",), media_tiers={1: ("人民日报",)})
JUDGES = Judges(get_sentiment_model("yuqing"),
                BusinessVocabulary(TOPICS, [Department("人社", ("养老保险", "退休金"))], ["民政局"]),
                MonitoringScheme.build(names=["江南市民政局"], regions=["江南市", "江南"], subjects=["民政局"]))


def test_a_media_report_of_abuse_is_orange_with_reasons():
    text = "江南市一家敬老院护工殴打老人，家属投诉无门"
    facts = PostFacts(text, author="人民日报", reposts=800, comments=300, likes=2000, followers=10_000_000,
                      verified_type=3, snapshots=(Snapshot(NOW - timedelta(hours=1), 100, 50, 400),))
    [assessed_text] = assess_texts([text], JUDGES)
    result = assess_post(facts, assessed_text, RULES, NOW)
    assert result.level.level == 2 and result.media_tier == 1 and result.sensitive_words == ("殴打",)
    assert result.hotness.score > 80
    reasons = "\n".join(result.reasons)
    assert "立场负面" in reasons and "养老服务" in reasons and "主流媒体介入" in reasons


def test_a_quiet_question_stays_blue():
    text = "请问敬老院可以短期托养老人吗？"
    [assessed_text] = assess_texts([text], JUDGES, [SourceContext(local=True)])
    result = assess_post(PostFacts(text, likes=1), assessed_text, RULES, NOW)
    assert result.level.level == 4 and assessed_text.kind.kind == "consultation"
    assert assessed_text.owner == "elderly-chief"


def assessed(text: str, **context) -> object:
    return assess_texts([text], JUDGES, [SourceContext(**context)])[0]


def test_a_polite_request_ending_in_thanks_is_not_praise():
    result = assessed("建议在江南市北湖区增设一个社区养老服务点，方便老人就近吃饭，谢谢！")
    assert result.kind.kind == "request" and result.actionable
    assert result.label != "positive"


def test_a_rhetorical_question_reads_negative():
    result = assessed("江南市民政局，低保审核拖三个月，这就是你们说的为人民服务？")
    assert result.label == "negative" and result.negative >= 0.5 and result.actionable


def test_a_consultation_is_actionable_and_neutral():
    result = assessed("请问江南市民政局，低保金每月几号发放？")
    assert result.kind.kind == "consultation" and result.actionable and result.label == "neutral"


def test_another_departments_matter_naming_the_bureau_is_kept_for_transfer():
    result = assessed("江南市民政局说我妈的养老保险归人社管，退休金到底找谁？")
    assert result.mentioned and result.department_name == "人社" and result.owner == ""
    assert any("建议转办人社" in reason for reason in result.reasons)


@pytest.fixture(scope="module")
def guessing_judges(department_model_from) -> Judges:
    """JUDGES with a department model that learned estate complaints (words the vocabulary lacks) and chatter."""
    from dataclasses import replace

    posts = [(f"{place}{text}", department) for place in ("东苑", "西苑", "南苑", "北苑")
             for text, department in (("小区物业又乱收停车费", "住建"), ("今天的晚霞真好看", ""))]
    return replace(JUDGES, departments=department_model_from(posts, JUDGES.business, open_web=True))


def test_a_post_with_no_departments_words_is_guessed_only_when_not_about_the_bureau(guessing_judges):
    text = "江南中苑小区物业又乱收停车费"
    elsewhere, under_our_post = assess_texts([text, text], guessing_judges,
                                             [SourceContext(), SourceContext(own_thread="weibo:1")])
    assert not elsewhere.mentioned and elsewhere.department_name == "住建"
    assert under_our_post.mentioned and under_our_post.department_name == ""


def test_a_comment_under_the_bureaus_post_is_a_mention_without_a_city():
    result = assessed("我家的申请交了两个月了还没动静", own_thread="weibo:1")
    assert result.mentioned and result.mention.rule == "thread"


def test_praise_stays_positive():
    result = assessed("江南市民政局的工作人员上门帮我爸办好了低保，太感谢了，点赞！")
    assert result.label == "positive" and result.kind.kind == "praise" and not result.actionable
