"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from email.message import Message as EmailMessage
from typing import Iterator


@contextmanager
def smtp_server() -> Iterator[tuple[list[EmailMessage], int]]:
    """Run the server for the duration of the block; yields (messages, port)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages: list[EmailMessage] = []

        def handle_message(self, message):
            self.messages.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox.messages, port
    finally:
        controller.stop()
