"""Kinds, topics and routing to the owner; another city's bureau is never routed."""

from __future__ import annotations

import pytest

from analysis.assess import Judges, assess_texts
from analysis.department import BusinessVocabulary, judge_department
from analysis.kind import KindResult, classify_kind, is_actionable, settle_kind
from analysis.mention import MonitoringScheme
from analysis.sentiment import SentimentResult, get_sentiment_model
from analysis.topics import Topic

TOPICS = (
    Topic("subsistence", "最低生活保障", ("低保", "低保金"), "救助科", "relief-chief"),
    Topic("elderly-care", "养老服务", ("养老服务", "敬老院", "高龄津贴"), "养老科", "elderly-chief"),
    Topic("marriage", "婚姻登记", ("婚姻登记", "结婚证"), "事务科", "affairs-chief"),
)
SCHEME = MonitoringScheme.build(names=["江南市民政局"], aliases=["江南民政"], regions=["江南市", "江南", "北湖区"],
                                subjects=["民政局"], exclusions=["河口市民政局"])
VOCAB = BusinessVocabulary(TOPICS, (), ["民政局"])


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
    match = judge_department("敬老院的老人说高龄津贴停了", VOCAB).topic
    assert match.key == "elderly-care" and match.owner == "elderly-chief"
    assert "敬老院" in match.reasons[0] and "高龄津贴" in match.reasons[0]
    assert judge_department("今天天气不错", VOCAB).topic.key == ""


def test_requests_without_a_grievance_are_requests():
    assert classify_kind("建议在北湖区增设一个老年助餐点，谢谢", neutral()).kind == "request"
    assert classify_kind("希望尽快公布今年的高龄津贴标准", neutral()).kind == "request"
    negative = SentimentResult(0.1, "negative", ["拖"])
    assert classify_kind("低保拖了三个月没发，希望尽快解决", negative).kind == "complaint"


def test_sarcastic_praise_settles_as_a_complaint():
    praise = classify_kind("真是好效率[微笑]，三个月还没批", SentimentResult(0.8, "positive", []))
    assert settle_kind(praise, "真是好效率[微笑]，三个月还没批", "negative").kind == "complaint"


@pytest.mark.parametrize("text, expected", [
    ("建议把敬老院的探视时间延长到晚上八点，谢谢", "request"),
    ("请问补办结婚证要带户口本吗？谢谢", "consultation"),
    ("窗口的大姐讲得很清楚，谢谢", "other"),
])
def test_thanks_that_read_neutral_settle_as_what_they_ask(text, expected):
    thanks = KindResult("praise", ["表扬：含“谢谢”且情感不负面"])
    assert settle_kind(thanks, text, "neutral").kind == expected


QUEUE = "北湖区民政局门口排了一上午，冻得脚都麻了"
FIRE_NEWS = "【快讯】北湖区一家养老院昨夜失火，老人已全部转移"
OPENING_HOURS = "北湖区婚姻登记处中午休息吗"


@pytest.mark.parametrize("text, stance, about_us, expected", [
    (QUEUE, "negative", True, "complaint"),
    (QUEUE, "negative", False, "other"),
    (FIRE_NEWS, "negative", True, "other"),
    (QUEUE, "neutral", True, "other"),
    (QUEUE, "neutral", False, "other"),
    (FIRE_NEWS, "neutral", True, "other"),
    (OPENING_HOURS, "neutral", True, "consultation"),
    ("想问下北湖区殡仪馆喺边度？", "neutral", True, "consultation"),
    ("Where do I apply for 低保 in 北湖区? Thanks", "neutral", True, "consultation"),
    (OPENING_HOURS, "neutral", False, "other"),
    ("北湖区婚姻登记处门口的银杏叶黄了", "neutral", True, "other"),
])
def test_a_post_about_us_of_no_kind_settles_as_a_complaint_or_a_question_by_its_stance(text, stance, about_us, expected):
    """Negative and no news: a complaint; a question without a question mark, in dialect or in English: a consultation."""
    other = KindResult("other", ["其他：无投诉、咨询、传闻或表扬特征"])
    assert settle_kind(other, text, stance, about_us).kind == expected


@pytest.mark.parametrize("kind, board, expected", [
    ("complaint", False, True), ("request", False, True), ("consultation", False, True), ("rumour", False, True),
    ("praise", False, False), ("other", False, False), ("other", True, True), ("praise", True, False),
])
def test_what_needs_a_voice(kind, board, expected):
    assert is_actionable(kind, board)[0] is expected


def test_consultation_is_routed_to_its_owner_and_other_cities_never_are():
    texts = ["@江南民政 请问低保金每月几号发？", "请问河口市民政局的低保怎么申请？"]
    ours, theirs = assess_texts(texts, Judges(get_sentiment_model("linear"), VOCAB, SCHEME))
    assert ours.kind.kind == "consultation" and ours.topic.key == "subsistence"
    assert ours.owner == "relief-chief"
    assert theirs.kind.kind == "consultation" and theirs.owner == ""
    assert "未提及本局，不分派" in theirs.reasons
