"""One masking function for everything that leaves: phone and ID numbers in every written form."""

import pytest

from responder.privacy import mask_personal


@pytest.mark.parametrize("text, masked", [
    ("电话13812345678找我", "电话138****5678找我"),
    ("手机 +86 139-1234-5678", "手机 +86 139****5678"),
    ("身份证110101199001011234", "身份证110************234"),
    ("身份证11010119900101123x号", "身份证110************23x号"),
    ("办公室0571-87654321", "办公室0571-****4321"),
    ("订单号20261118000123456789", "订单号20261118000123456789"),
    ("低保标准每月 850 元", "低保标准每月 850 元"),
    ("2026-11-17 13:05 共 12 条", "2026-11-17 13:05 共 12 条"),
])
def test_personal_numbers_are_masked(text, masked):
    assert mask_personal(text) == masked


@pytest.mark.parametrize("text, masked", [
    # Defect 3: numbers inside URLs (plain and percent-encoded separators) ...
    ("https://bbs.example.cn/t?tel=13812345678&id=110101199003071234",
     "https://bbs.example.cn/t?tel=138****5678&id=110************234"),
    ("https://x.cn/s?q=138%201234%205678", "https://x.cn/s?q=138****5678"),
    ("https://x.cn/s?q=%2013812345678", "https://x.cn/s?q=%20138****5678"),
    ("https://x.cn/s?q=138+1234+5678", "https://x.cn/s?q=138****5678"),
    # ... an ID right after Latin letters, IDs with spaces or hyphens, a phone written with dots
    ("ID110101199003071234", "ID110************234"),
    ("sfz11010119900307123X", "sfz110************23X"),
    ("身份证 110101 19900307 123X", "身份证 110************23X"),
    ("身份证110101-1990-0307-1234", "身份证110************234"),
    ("电话138.1234.5678", "电话138****5678"),
    ("电话 138 1234 5678", "电话 138****5678"),
    ("tel13812345678", "tel138****5678"),
    ("0086 13812345678", "0086 138****5678"),
    ("全角１３８１２３４５６７８", "全角１３８****５６７８"),
    ("旧身份证110101900307123", "旧身份证110**********23"),
])
def test_every_written_form_is_masked(text, masked):
    assert mask_personal(text) == masked


def test_masking_twice_changes_nothing_more():
    once = mask_personal("电话13812345678，身份证110101199003071234")
    assert mask_personal(once) == once
