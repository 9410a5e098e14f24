"""Structured logging for the daemon: one JSON object per line, in files that rotate."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "yuqing.log"
STANDARD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonLineFormatter(logging.Formatter):
    """Formats a record as one JSON line; fields passed with `extra=` become keys."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object on one line (non-ASCII kept readable)."""
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in STANDARD_FIELDS})
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(log_dir: str | Path, max_bytes: int = 10_000_000, backups: int = 10) -> Path:
    """Send INFO and above to a rotating JSON-lines file in log_dir; return the file's path.

    Handlers already there (the console) keep the verbosity chosen with -v. APScheduler's own
    per-run INFO lines are left out (the runner logs each job with its duration and result); its
    warnings and errors, with tracebacks, stay in."""
    directory = Path(log_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_FILE
    handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    for console in root.handlers:
        if console.level == logging.NOTSET:
            console.setLevel(root.level)
    root.addHandler(handler)
    root.setLevel(min(root.level, logging.INFO) if root.level else logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return path
