"""A loopback SMTP server that keeps every message it receives as an .eml file."""

from __future__ import annotations

import email
import socket
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on the host right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class _SaveHandler:
    """aiosmtpd handler: write each accepted message to the folder, numbered in arrival order."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        path = self.folder / f"{self.count:04d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 OK"


class MailSink:
    """An SMTP server on 127.0.0.1 (a free port) saving messages under `folder`."""

    def __init__(self, folder: Path, host: str = "127.0.0.1"):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._handler = _SaveHandler(folder)
        self._controller = Controller(self._handler, hostname=host, port=free_port(host))

    def __enter__(self) -> MailSink:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return self._controller.hostname

    @property
    def port(self) -> int:
        """The port the server picked."""
        return self._controller.port

    def messages(self) -> list[tuple[Path, Message]]:
        """Every saved message, parsed, in arrival order."""
        return [
            (path, email.message_from_bytes(path.read_bytes(), policy=default_policy))
            for path in sorted(self.folder.glob("*.eml"))
        ]
