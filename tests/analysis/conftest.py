"""Fixtures shared by the analysis tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def department_model_from(tmp_path_factory):
    """Train and load a small department model from ``(text, department)`` posts (an empty department:
    no government business); ``titles`` default to none, ``open_web`` posts address no government body."""
    from analysis.department_model import DepartmentModel, train_department

    def build(posts, vocab, titles=None, open_web=False):
        weights = train_department([text for text, _ in posts], titles or [""] * len(posts),
                                   [department for _, department in posts], vocab, governments=[not open_web] * len(posts))
        return DepartmentModel(weights.save(tmp_path_factory.mktemp("department") / "d.npz"))

    return build
