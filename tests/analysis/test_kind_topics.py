"""Kinds, topics and routing to the owner; another city's bureau is never routed."""

from __future__ import annotations

import pytest

from analysis.assess import assess_texts
from analysis.kind import classify_kind
from analysis.mention import MentionRules, find_mention
from analysis.sentiment import SentimentResult, get_sentiment_model
from analysis.topics import Topic, match_topic

TOPICS = (
    Topic("subsistence", "最低生活保障", ("低保", "低保金"), "救助科", "relief-chief"),
    Topic("elderly-care", "养老服务", ("养老", "敬老院", "高龄津贴", "老人"), "养老科", "elderly-chief"),
    Topic("marriage", "婚姻登记", ("婚姻登记", "结婚证"), "事务科", "affairs-chief"),
)
RULES = MentionRules.build(names=["江南市民政局"], aliases=["江南民政"], regions=["江南市", "江南", "北湖区"],
                           generic_names=["民政局"], exclusions=["河口市民政局"])


def neutral() -> SentimentResult:
    return SentimentResult(0.5, "neutral", [])


@pytest.mark.parametrize("text, kind", [
    ("请问低保怎么申请？", "consultation"),
    ("想了解一下高龄津贴从几岁开始领", "consultation"),
    ("结婚证补办需要带户口本吗？", "consultation"),
    ("家里有人上班但看病花得多，能申请临时救助不？", "consultation"),
    ("领证要带几张合照？", "consultation"),
    ("医疗救助是去区里报，还是医院直接报？", "consultation"),
])
def test_questions_are_consultations_even_when_neutral(text, kind):
    assert classify_kind(text, neutral()).kind == kind


def test_other_kinds():
    negative = SentimentResult(0.1, "negative", ["没人接"])
    positive = SentimentResult(0.9, "positive", ["感谢"])
    assert classify_kind("电话打了一周一直没人接", negative).kind == "complaint"
    assert classify_kind("网传民政局挪用了救灾款", negative).kind == "rumour"
    assert classify_kind("感谢工作人员耐心解答", positive).kind == "praise"
    assert classify_kind("本周六举办政策宣传活动", positive).kind == "other"
    assert classify_kind("你们上班是干嘛的？电话永远没人接", negative).kind == "complaint"
    assert classify_kind("申请交了一个多月没有任何答复，请领导过问一下。", negative).kind == "complaint"


def test_praise_words_beyond_thanks_count_when_not_negative():
    positive = SentimentResult(0.95, "positive", [])
    assert classify_kind("社区书记主动上门帮我们报了，这样的干部要表扬", positive).kind == "praise"
    assert classify_kind("长者食堂开业了，饭菜软烂适合老人[赞]", positive).kind == "praise"
    assert classify_kind("社区书记主动上门帮我们报了，这样的干部要表扬", neutral()).kind == "praise"


def test_news_reports_of_incidents_are_other_unless_told_first_hand():
    negative = SentimentResult(0.05, "negative", [])
    report = "晚报讯 昨夜一民办养老机构发生火情，两名老人被送医，民政部门已介入调查。"
    assert classify_kind(report, negative).kind == "other"
    assert "新闻" in classify_kind(report, negative).reasons[0]
    assert classify_kind("记者来过我们养老院，可我妈的事到现在没人管", negative).kind == "complaint"


def test_topic_reasons_name_the_keywords():
    match = match_topic("敬老院的老人说高龄津贴停了", TOPICS)
    assert match.key == "elderly-care" and match.owner == "elderly-chief"
    assert "敬老院" in match.reasons[0] and "高龄津贴" in match.reasons[0]
    assert match_topic("今天天气不错", TOPICS).key == ""


def test_consultation_is_routed_to_its_owner_and_other_cities_never_are():
    texts = ["@江南民政 请问低保金每月几号发？", "请问河口市民政局的低保怎么申请？"]
    mentioned = [find_mention(text, RULES) is not None for text in texts]
    ours, theirs = assess_texts(texts, get_sentiment_model("linear"), TOPICS, mentioned)
    assert ours.kind.kind == "consultation" and ours.topic.key == "subsistence"
    assert ours.owner == "relief-chief"
    assert theirs.kind.kind == "consultation" and theirs.owner == ""
    assert "未提及本局，不分派" in theirs.reasons
