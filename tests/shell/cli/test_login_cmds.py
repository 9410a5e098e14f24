"""`yuqing login SOURCE` against a fake QR login page in Debian's headless Chromium: the QR code is
printed as text with its content, the simulated scan logs in, the session is saved encrypted and
`yuqing status` shows it; a missing key and a source without a login profile are one-line errors."""

from __future__ import annotations

import json
from datetime import datetime, timezone
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from cryptography.fernet import Fernet

from tests.crawler.fake_signed_site import (QR_CONTENT, RENEWED_QR_CONTENT, SESSION_COOKIE, SESSION_VALUE,
                                            SignedSearchSite)
from yuqing.shell.cli import cli
from yuqing.core.login.qr import decode
from yuqing.core.login.store import KEY_ENV, SessionStore

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def login_site():
    """The fake platform with its QR login page."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    running = SignedSearchSite(session=True).start()
    yield running
    running.stop()


@pytest.fixture
def login_profile(profile_dir: Path, login_site) -> Path:
    """The default profile with one browser source that logs in on the fake page."""
    path = profile_dir / "sources.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sources"] = [{
        "key": "notes", "kind": "browser", "name": "笔记搜索", "obey_robots": False,
        "page_url": f"{login_site.url}/search?q=x", "capture": "/api/search", "items": "data.items",
        "fields": {"text": "desc"},
        "login": {"url": f"{login_site.url}/login", "qr_selector": "#qr", "done_cookie": SESSION_COOKIE,
                  "wait_seconds": 120},
    }]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return profile_dir


def scan_when_shown(site: SignedSearchSite, picture: Path, content: str | None = None) -> threading.Thread:
    """The phone: scans once the QR code is waiting (its picture exists for the admin page), or once
    the picture shows `content`."""
    def ready() -> bool:
        return picture.exists() and (content is None or decode(picture.read_bytes()) == content)

    def scan() -> None:
        deadline = time.monotonic() + 120
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        urllib.request.urlopen(f"{site.url}/scan", timeout=30).read()

    thread = threading.Thread(target=scan, daemon=True)
    thread.start()
    return thread


@pytest.mark.browser
def test_login_prints_the_qr_waits_for_the_scan_and_saves_the_session_encrypted(login_site, login_profile, tmp_path):
    key, data_dir = Fernet.generate_key().decode(), tmp_path / "data"
    env = {KEY_ENV: key, "YUQING_DATA_DIR": str(data_dir)}
    base = ["--config", str(login_profile), "--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]
    scanner = scan_when_shown(login_site, data_dir / "sessions" / "notes" / "a1.qr.png")
    result = CliRunner().invoke(cli, [*base, "login", "notes", "--account", "a1"], env=env)
    scanner.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert f"二维码内容：{QR_CONTENT}" in result.output
    assert "▀" in result.output or "▄" in result.output
    assert "登录成功" in result.output
    saved = (data_dir / "sessions" / "notes" / "a1.session").read_text(encoding="utf-8")
    assert SESSION_VALUE not in saved
    assert not (data_dir / "sessions" / "notes" / "a1.qr.png").exists()
    info, state = SessionStore(data_dir, key).take("notes", datetime.now(timezone.utc))
    assert info.account == "a1" and info.expires_at
    assert {c["name"]: c["value"] for c in state["cookies"]}[SESSION_COOKIE] == SESSION_VALUE
    assert CliRunner().invoke(cli, [*base, "db", "upgrade"], env=env).exit_code == 0
    status = CliRunner().invoke(cli, [*base, "status"], env=env)
    assert "登录会话: a1 有效，Cookie 有效期至" in status.output
    sessions = json.loads(CliRunner().invoke(cli, [*base, "status", "--json"], env=env).output)["sources"][0]["sessions"]
    assert sessions[0]["account"] == "a1" and sessions[0]["state"] == "valid"


@pytest.mark.browser
def test_a_renewed_qr_code_is_shown_again(login_site, login_profile, tmp_path):
    login_site.qr_renewed_after = 2
    data_dir = tmp_path / "data"
    env = {KEY_ENV: Fernet.generate_key().decode(), "YUQING_DATA_DIR": str(data_dir)}
    scanner = scan_when_shown(login_site, data_dir / "sessions" / "notes" / "default.qr.png", RENEWED_QR_CONTENT)
    result = CliRunner().invoke(cli, ["--config", str(login_profile), "login", "notes"], env=env)
    scanner.join(timeout=60)
    assert result.exit_code == 0, result.output
    first, renewed = result.output.index(f"二维码内容：{QR_CONTENT}"), result.output.index(f"二维码内容：{RENEWED_QR_CONTENT}")
    assert first < renewed and "登录成功" in result.output


def test_login_without_a_key_says_how_to_make_one(login_profile, tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(login_profile), "login", "notes"],
                                env={KEY_ENV: "", "YUQING_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1
    assert KEY_ENV in result.output and "Fernet.generate_key" in result.output


def test_login_of_a_source_without_a_login_profile_names_those_with_one(profile_dir: Path, tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "login", "weibo-search"],
                                env={"YUQING_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1
    assert "没有配置 login" in result.output
