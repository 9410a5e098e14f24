"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives, for tests."""

from __future__ import annotations

from contextlib import contextmanager
from email.message import Message as EmailMessage
from typing import Any, Iterator

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from yuqing.shell.demo.mailsink import free_port


class Inbox(Message):
    """Keeps every received message, parsed (aiosmtpd adds X-MailFrom and X-RcptTo headers)."""

    def __init__(self):
        super().__init__()
        self.messages: list[EmailMessage] = []

    def handle_message(self, message: EmailMessage) -> None:
        self.messages.append(message)


@contextmanager
def smtp_server(**controller_options: Any) -> Iterator[tuple[Inbox, int]]:
    """Run the server for the block (TLS options pass through to aiosmtpd); yields (inbox, port)."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **controller_options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
