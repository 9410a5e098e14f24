"""Fixtures for the operations tests: a real SMTP server on loopback."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture
def smtp_inbox():
    """An aiosmtpd server on 127.0.0.1 keeping every message; yields (messages, port)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox.messages, port
    controller.stop()
