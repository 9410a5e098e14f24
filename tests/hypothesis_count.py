"""A pytest plugin that counts the examples Hypothesis ran and prints the total in the summary.

Registered by tests/conftest.py; the count comes from the statistics Hypothesis keeps for every
property test (the same figures ``--hypothesis-show-statistics`` prints test by test). Under
pytest-xdist each worker hands its count to the controller, which prints the sum.
"""

from __future__ import annotations

import re

import pytest

_PASSING = re.compile(r"(\d+) passing examples")
_totals = {"tests": 0, "examples": 0}


def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Add up the passing examples of each property test once it has run."""
    statistics = getattr(item, "hypothesis_statistics", None)
    if statistics:
        _totals["tests"] += 1
        _totals["examples"] += sum(int(n) for n in _PASSING.findall(statistics))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand the count to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["hypothesis_totals"] = dict(_totals)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """On the xdist controller, add up a finished worker's count."""
    for key, value in getattr(node, "workeroutput", {}).get("hypothesis_totals", {}).items():
        _totals[key] += value


def pytest_terminal_summary(terminalreporter) -> None:
    """One line after the run, e.g. 'hypothesis: 612 generated cases in 9 property tests'."""
    if _totals["tests"]:
        terminalreporter.write_line(
            f"hypothesis: {_totals['examples']} generated cases in {_totals['tests']} property tests")
