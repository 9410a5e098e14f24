"""Cleaning turns scraped markup into plain simplified Chinese."""

import pytest

from analysis.normalize import (
    clean_text, html_to_text, strip_pinyin_annotations, tidy_whitespace, to_half_width, to_simplified,
)


def test_weibo_html_keeps_topics_mentions_and_emoji_alt_text():
    raw = ('<a href=/n/网友甲>@网友甲</a> 反映<span class="surl-text">#低保#</span>办理慢'
           '<span class="url-icon"><img alt=[怒] src="x.png"></span>')
    assert clean_text(raw) == "@网友甲 反映#低保#办理慢[怒]"


def test_block_tags_become_lines_and_scripts_vanish():
    assert html_to_text("<p>第一段</p><script>var x=1</script><p>第二段<br>第三行</p>").split() == [
        "第一段", "第二段", "第三行"]


def test_traditional_is_converted_and_simplified_is_untouched():
    assert to_simplified("榆川市民政局辦理臨時救助") == "榆川市民政局办理临时救助"
    text = "榆川市民政局办理临时救助"
    assert to_simplified(text) is text


def test_simplified_text_using_shared_characters_is_left_alone():
    text = "著名演员在乾隆年间的故事里演过榆川市民政局的工作人员，大家都说演得很好很真实"
    assert to_simplified(text) == text


@pytest.mark.parametrize("raw, expected", [
    ("總結(jié)一下", "總結一下"),
    ("災(zāi)后重建", "災后重建"),
    ("救助（jiù）金", "救助金"),
    ("重建(zhong4 jian4)", "重建"),
    ("民政局(mzj)热线", "民政局(mzj)热线"),
    ("电话(0999)", "电话(0999)"),
])
def test_pinyin_annotations_are_removed_but_other_brackets_stay(raw, expected):
    assert strip_pinyin_annotations(raw) == expected


def test_full_width_letters_and_digits_narrow_but_chinese_punctuation_stays():
    assert to_half_width("ＡＢＣ１２３，你好！　好") == "ABC123，你好！ 好"


def test_whitespace_and_zero_width_characters_are_tidied():
    assert tidy_whitespace("  a\u200b b \n\n\t c  ") == "a b\nc"


def test_full_chain_on_traditional_page_with_pinyin():
    assert clean_text("<div>總結(zǒng jié)：災(zāi)後救助&nbsp;已發放</div>") == "总结：灾后救助 已发放"
