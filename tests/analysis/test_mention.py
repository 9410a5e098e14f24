"""The monitoring scheme finds the bureau by name, by region and subject or event words, by its
units and evasive names, never by another city's bureau or a word used in another sense."""

import pytest

from analysis.department import Department, BusinessVocabulary, judge_department
from analysis.mention import MonitoringScheme, find_mention
from analysis.topics import Topic

TOPICS = (
    Topic("subsistence", "最低生活保障", ("低保", "低保金"), "救助科", "relief-chief"),
    Topic("funeral", "殡葬服务", ("殡葬", "殡仪馆", "火化"), "事务科", "affairs-chief"),
    Topic("marriage", "婚姻登记", ("婚姻登记", "结婚证", "离婚登记"), "事务科", "affairs-chief"),
)
DEPARTMENTS = (Department("人社", ("养老保险", "退休金", "社保")), Department("住建", ("小区", "物业")))


@pytest.fixture(scope="module")
def scheme() -> MonitoringScheme:
    return MonitoringScheme.build(
        names=["榆川市民政局"], aliases=["榆川民政局", "榆川民政"], regions=["榆川市", "榆川", "榆东区", "川口镇"],
        subjects=["民政局", "民政部门"], evasive=["民政菊", "mz局"], weak=["殡仪馆", "救助管理站", "敬老院", "民政"],
        vague=["有关部门"], exclusions=["榆林市民政局", "民政部"], exclusion_contexts=["民政路", "人民政府", "惠民政策"])


@pytest.fixture(scope="module")
def vocab() -> BusinessVocabulary:
    return BusinessVocabulary(TOPICS, DEPARTMENTS, ["民政局", "民政菊"])


def mention(text, scheme, vocab, **context):
    business = judge_department(text, vocab, government=context.get("local", False))
    return find_mention(text, scheme, business, **context)


@pytest.mark.parametrize("text, label", [
    ("榆川市民政局回应了低保问题", "name:榆川市民政局"),
    ("@榆川民政 请看看这件事", "alias:榆川民政"),
    ("榆东区的民政局电话打不通", "region+subject:榆东区+民政局"),
    ("榆川低保三个月没批下来", "region+event:榆川+低保"),
    ("民政部发布新规，榆川市民政局转发", "name:榆川市民政局"),
    ("民政菊又躺平了，榆川人都知道", "region+subject:榆川+民政菊"),
    ("川口镇那个殡仪馆收费太离谱", "region+subject:川口镇+殡仪馆"),
    ("在榆川办离婚登记要排多久", "region+event:榆川+离婚登记"),
    ("榆川这事有关部门管不管？", "region+vague:榆川+有关部门"),
])
def test_mentions_report_the_rule_that_matched(scheme, vocab, text, label):
    assert mention(text, scheme, vocab).label == label


@pytest.mark.parametrize("text", [
    "榆林市民政局发布通知",
    "北京市民政局发布通知",
    "今天榆川天气很好。北京的民政局很忙",
    "民政部召开会议",
    "榆川民政路新开了一家火锅店",
    "榆东区人民政府发布惠民政策",
    "榆川的烧烤摊老板说隔壁城市民政局很好",
    "我妈在榆川交了十五年养老保险，退休金怎么算",
    "榆川这小区物业有关部门管不管",
])
def test_other_bureaus_other_senses_and_other_departments_do_not_count(scheme, vocab, text):
    assert mention(text, scheme, vocab) is None


def test_a_comment_under_the_bureaus_post_counts_without_a_city(scheme, vocab):
    found = mention("什么时候才能批下来啊", scheme, vocab, own_thread="weibo:123")
    assert found.label == "thread:weibo:123"


def test_on_the_citys_own_board_the_region_is_given(scheme, vocab):
    assert mention("低保申请交了两个月没消息", scheme, vocab, local=True).label == "local+event:低保"
    assert mention("低保申请交了两个月没消息", scheme, vocab) is None


def test_another_citys_bureau_does_not_count_on_our_own_forum_either(scheme, vocab):
    assert mention("河口市民政局的电话打不通", scheme, vocab, local=True) is None
    assert mention("河口市的低保三个月没批", scheme, vocab, local=True) is None
    assert mention("河口市的低保三个月没批", scheme, vocab, local=True, addressed=True).label == "local+event:低保"


@pytest.mark.parametrize("text", ["想问一下市民政局，这个补贴什么时候发", "材料转县民政局了，一直没回音", "本市民政局的电话打不通",
                                  "希望市民政局早点公布低保名单", "建议市民政局把办事指南印大一点",
                                  "广大市民都在问，市民政局什么时候回应低保的事", "感谢县殡仪馆的师傅们"])
def test_a_bare_level_before_the_bureau_is_ours_on_our_own_forum(scheme, vocab, text):
    assert mention(text, scheme, vocab, local=True).rule == "local+subject"


def test_words_before_the_city_level_are_not_other_cities():
    from analysis.mention import other_places
    assert other_places("希望市政府重视，广大市民和农贸市场的商户都在等，建议市民政局回应", ("榆川",)) == []
    assert other_places("河口市和青岚县的民政局也这样", ("榆川",)) == ["河口市", "青岚县"]


def test_a_unit_named_in_passing_on_the_board_does_not_count(scheme, vocab):
    text = "小区旁边敬老院门口的物业停车乱收费"
    assert mention(text, scheme, vocab, local=True, addressed=True) is None
    assert mention(text, scheme, vocab, local=True, addressed=True, title_end=5).label == "local+subject:敬老院"


def test_a_unit_named_on_the_citys_forum_counts_beside_another_departments_words(scheme, vocab):
    text = "敬老院门口的物业停车乱收费，老人出门都难"
    assert mention(text, scheme, vocab, local=True).label == "local+subject:敬老院"


def test_every_kept_post_names_its_rule(scheme, vocab):
    found = mention("榆川低保三个月没批下来", scheme, vocab)
    assert "地域词+民政事项" in found.reason and "低保" in found.reason


def test_search_keywords_come_from_the_scheme(scheme):
    keywords = scheme.search_keywords(["低保"])
    assert keywords[0] == "榆川市民政局" and "榆川市 低保" in keywords
