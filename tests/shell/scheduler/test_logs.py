"""The daemon's log: JSON lines with the fields passed along, rotated by size."""

from __future__ import annotations

import json
import logging

import pytest

from yuqing.shell.scheduler.logs import JsonLineFormatter, configure_logging


@pytest.fixture
def root_logger():
    root, scheduler_logger = logging.getLogger(), logging.getLogger("apscheduler")
    handlers, level, scheduler_level = list(root.handlers), root.level, scheduler_logger.level
    yield root
    for handler in root.handlers[len(handlers):]:
        handler.close()
    root.handlers[:], root.level = handlers, level
    scheduler_logger.setLevel(scheduler_level)


def test_records_are_json_lines_with_extra_fields(root_logger, tmp_path):
    path = configure_logging(tmp_path / "logs")
    logging.getLogger("yuqing.shell.scheduler").info("job finished", extra={"job": "crawl:weibo", "seconds": 1.5})
    logging.getLogger("apscheduler.executors.default").info("Running job")
    try:
        raise ValueError("页面结构异常")
    except ValueError:
        logging.getLogger("yuqing.shell.scheduler").exception("job failed", extra={"job": "analyze"})
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["message"] == "job finished" and lines[0]["job"] == "crawl:weibo" and lines[0]["seconds"] == 1.5
    assert lines[1]["level"] == "ERROR" and "页面结构异常" in lines[1]["traceback"]


def test_the_console_keeps_its_verbosity(root_logger, tmp_path):
    console = logging.StreamHandler()
    root_logger.addHandler(console)
    root_logger.setLevel(logging.WARNING)
    path = configure_logging(tmp_path)
    logging.getLogger("yuqing").info("only in the file")
    assert console.level == logging.WARNING
    assert "only in the file" in path.read_text(encoding="utf-8")


def test_the_log_rotates_by_size(root_logger, tmp_path):
    path = configure_logging(tmp_path, max_bytes=2000, backups=2)
    for i in range(100):
        logging.getLogger("yuqing").info("line %d", i)
    assert path.with_name(path.name + ".1").exists() and path.with_name(path.name + ".2").exists()
    assert not path.with_name(path.name + ".3").exists()
    assert path.stat().st_size <= 2000


def test_unserialisable_extras_do_not_break_logging():
    record = logging.LogRecord("x", logging.INFO, "f", 1, "m", None, None)
    record.when = object()
    assert json.loads(JsonLineFormatter().format(record))["message"] == "m"
