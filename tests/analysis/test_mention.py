"""The mention filter finds the bureau by name, alias or region, never by another city's bureau."""

import pytest

from analysis.mention import MentionRules, find_mention


@pytest.fixture
def rules() -> MentionRules:
    return MentionRules.build(
        names=["榆川市民政局"], aliases=["榆川民政局", "榆川民政"], regions=["榆川市", "榆川", "榆东区"],
        generic_names=["民政局", "民政部门", "市民政局"], exclusions=["榆林市民政局", "民政部"],
        service_terms=["低保", "临时救助"],
    )


@pytest.mark.parametrize("text, label", [
    ("榆川市民政局回应了低保问题", "name:榆川市民政局"),
    ("@榆川民政 请看看这件事", "alias:榆川民政"),
    ("榆东区的民政局电话打不通", "region+generic:榆东区+民政局"),
    ("榆川低保三个月没批下来", "region+service:榆川+低保"),
    ("民政部发布新规，榆川市民政局转发", "name:榆川市民政局"),
])
def test_mentions_report_the_rule_that_matched(rules, text, label):
    assert find_mention(text, rules).label == label


@pytest.mark.parametrize("text", [
    "榆林市民政局发布通知",
    "北京市民政局发布通知",
    "今天榆川天气很好。北京的民政局很忙",
    "今天榆川天气很好。低保政策全国统一",
    "民政部召开会议",
])
def test_other_bureaus_and_loose_words_do_not_count(rules, text):
    assert find_mention(text, rules) is None


def test_generic_name_far_from_region_does_not_count(rules):
    assert find_mention("榆川的烧烤摊老板说隔壁城市民政局很好", rules) is None
