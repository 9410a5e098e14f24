"""Fixtures for the operations tests: a real SMTP server on loopback."""

from __future__ import annotations

import pytest

from tests.smtp import smtp_server


@pytest.fixture
def smtp_inbox():
    """An aiosmtpd server on 127.0.0.1 keeping every message; yields (messages, port)."""
    with smtp_server() as (inbox, port):
        yield inbox.messages, port
