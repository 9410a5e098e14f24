"""A loopback receiver standing in for a group-robot webhook (WeCom, DingTalk, Feishu)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class RobotReceiver:
    """Accepts robot messages on 127.0.0.1 and saves each JSON body as a numbered file; ``on_message``,
    when given, is told each body as it arrives."""

    def __init__(self, folder: Path, on_message: Callable[[bytes], None] | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.on_message = on_message
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.save(body)
                reply = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._lock = threading.Lock()
        self.count = 0

    def save(self, body: bytes) -> None:
        """Keep one received message."""
        with self._lock:
            self.count += 1
            (self.folder / f"{self.count:04d}.json").write_bytes(body)
        if self.on_message is not None:
            self.on_message(body)

    @property
    def url(self) -> str:
        """The webhook address to configure."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/cgi-bin/webhook/send?key=demo"

    def start(self) -> RobotReceiver:
        """Start answering in a background thread."""
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop answering and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RobotReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
