"""Crawler fixtures: one sample site with fault endpoints for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawler.crawlkit import FaultSite


@pytest.fixture(scope="session")
def site():
    """The sample site with fault endpoints, on 127.0.0.1 and a free port."""
    running = FaultSite().start()
    yield running
    running.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file for one test."""
    return f"sqlite:///{tmp_path / 'crawl.db'}"
