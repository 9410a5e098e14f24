"""The demo's own profile folder: the defaults, pointed at the sample sites, mail sink and database."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from yuqing.core.config import default_config_dir
from yuqing.shell.demo.sites import DEMO_ACCOUNT


def _write_yaml(path: Path, data: dict[str, Any], header: str) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(f"# {header}\n{text}", encoding="utf-8")


def write_demo_profile(
    folder: Path, sources: list[dict[str, Any]], database_url: str, smtp_port: int
) -> Path:
    """Write `folder` as a complete profile for the demo and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in default_config_dir().glob("*.yaml"):
        shutil.copyfile(path, folder / path.name)
    base = folder.parent.resolve()
    app = yaml.safe_load((folder / "app.yaml").read_text(encoding="utf-8"))
    app.update(
        database_url=database_url,
        data_dir=str(base / "data"),
        log_dir=str(base / "logs"),
    )
    app["smtp"] = {**app.get("smtp", {}), "host": "127.0.0.1", "port": smtp_port, "security": "none"}
    _write_yaml(folder / "app.yaml", app, "由 yuqing demo 生成：演示数据库与本机邮件服务器")
    response = yaml.safe_load((folder / "response.yaml").read_text(encoding="utf-8"))
    response["quiet_hours"] = {"start": "00:00", "end": "00:00"}
    response["channels"]["wecom"]["enabled"] = True
    _write_yaml(folder / "response.yaml", response, "由 yuqing demo 生成：不设免打扰时段，启用企业微信群机器人（本机接收）")
    bureau = yaml.safe_load((folder / "bureau.yaml").read_text(encoding="utf-8"))
    bureau["accounts"] = [DEMO_ACCOUNT, *(name for name in bureau.get("accounts", []) if name != DEMO_ACCOUNT["name"])]
    _write_yaml(folder / "bureau.yaml", bureau, "由 yuqing demo 生成：本局微博账号指向本机示例站点")
    crawl = yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))
    crawl.update(sources=sources, download_delay_seconds=0, autothrottle=False)
    _write_yaml(folder / "sources.yaml", crawl, "由 yuqing demo 生成：指向本机示例站点")
    return folder
