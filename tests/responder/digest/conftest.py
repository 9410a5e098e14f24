"""Fixtures for the digest: the W47 world, the moment it is sent, a loopback SMTP server."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller

from tests.responder.digest.world import World, build_world, local
from yuqing.shell.demo.mailsink import free_port
from yuqing.core.config import load_settings


@pytest.fixture
def digest_now() -> datetime:
    """Monday 23 November 2026, 09:30 in Shanghai: when the W47 digest goes out."""
    return local(23, 9, 30).astimezone(timezone.utc)


@pytest.fixture
def world(sessions, settings) -> World:
    """The W47 week in the database (sources, runs, posts, events, cases)."""
    return build_world(sessions, settings)


class _Inbox:
    """aiosmtpd handler keeping every accepted message's bytes and envelope recipients."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; yields (port, inbox)."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def mail_settings(profile_dir, tmp_path):
    """The default profile sending to a given SMTP port, archiving under tmp_path."""
    def make(port: int):
        overrides = {"smtp": {"host": "127.0.0.1", "port": port}, "data_dir": str(tmp_path / "data")}
        return load_settings(profile_dir, environ={}, overrides=overrides)
    return make
