"""`Case.data` keys are declared once (yuqing.core.storage.case_data) and every module goes through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yuqing.core.storage.case_data import CaseData, case_data, update_case_data
from yuqing.core.storage.models import Case

ROOT = Path(__file__).resolve().parents[3]
RAW_ACCESS = re.compile(r"\bcase\.data\b")


def test_an_update_keeps_the_other_keys_and_makes_a_new_dict():
    case = Case(data=CaseData(offered=["a"]))
    before = case.data
    update_case_data(case, assigned_at="2026-01-01T00:00:00+00:00")
    assert case.data is not before
    assert case_data(case) == {"offered": ["a"], "assigned_at": "2026-01-01T00:00:00+00:00"}


def test_an_undeclared_key_is_refused():
    case = Case(data={})
    with pytest.raises(KeyError, match="offred"):
        update_case_data(case, offred=["a"])  # type: ignore[call-arg]
    assert case.data == {}


def test_no_module_reads_or_writes_case_data_directly():
    found = [f"{path.relative_to(ROOT)}:{number}"
             for package in ("responder", "yuqing", "crawler")
             for path in sorted((ROOT / package).rglob("*.py")) if path.name != "case_data.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if RAW_ACCESS.search(line)]
    assert found == []
