"""The shipped topics know the short and slang forms citizens use for the bureau's services."""

import pytest

from analysis.department import BusinessVocabulary, judge_department, vocabulary_from
from yuqing.core.config import default_config_dir, load_settings
from yuqing.core.config.scheme import business_lists


@pytest.fixture(scope="module")
def vocab() -> BusinessVocabulary:
    return vocabulary_from(business_lists(load_settings(default_config_dir())))


@pytest.mark.parametrize("text, topic", [
    ("登记处拍照又收了四十五，外面拍的不让用", "marriage"),
    ("去年领的小红本丢了，补办要带什么", "marriage"),
    ("板房漏风，冬天快到了没人来看", "disaster-relief"),
    ("村里评低保全靠关系保", "subsistence"),
    ("我们协会的机构年检卡了两个月", "social-organizations"),
    ("小区旁边新开了养老驿站，能送餐吗", "elderly-care"),
])
def test_short_forms_find_their_topic(vocab, text, topic):
    match = judge_department(text, vocab)
    assert match.ours and match.topic.key == topic


def test_another_departments_registry_is_not_the_marriage_registry(vocab):
    assert judge_department("不动产登记处排队三小时", vocab).department == "自然资源"


@pytest.mark.parametrize("text, rule", [
    ("榆川mz的窗口中午也不休息了，给个赞", "region+subject"),
    ("榆东区那个民政菊又上热搜了", "region+subject"),
])
def test_shipped_evasive_names_count_with_the_city(vocab, text, rule):
    from analysis.mention import MonitoringScheme, find_mention
    from yuqing.core.config.scheme import scheme_lists

    scheme = MonitoringScheme.build(**scheme_lists(load_settings(default_config_dir())))
    found = find_mention(text, scheme, judge_department(text, vocab))
    assert found is not None and found.rule == rule


@pytest.mark.parametrize("text, department", [
    ("路口的红绿灯只给行人十秒，老人根本走不过去", "公安"),
    ("楼下新开的酒吧每晚噪音扰民到两点", "生态环境"),
    ("有人把杂物堆在消防通道里，火灾隐患很大", "其他"),
])
def test_shipped_departments_follow_the_guideline(vocab, text, department):
    assert judge_department(text, vocab).department == department
