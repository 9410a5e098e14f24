"""The admin page 登录会话: each login source's accounts and session state, a QR login started from the
page whose QR code the page shows (served as a PNG) until the simulated scan, then the saved session."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

from tests.crawler.fake_signed_site import QR_CONTENT, SESSION_COOKIE, SignedSearchSite
from tests.shell.web.test_admin_api import admin_post
from yuqing.core.config import load_settings
from yuqing.core.login.qr import decode
from yuqing.core.login.store import KEY_ENV
from yuqing.shell.web.logins import JOBS

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def login_site():
    """The fake platform with its QR login page."""
    running = SignedSearchSite(session=True).start()
    yield running
    running.stop()


@pytest.fixture
def desk_settings(profile_dir: Path, database_url: str, tmp_path: Path, login_site, monkeypatch):
    """The default profile plus one browser source that logs in on the fake page; a session key set."""
    monkeypatch.setenv(KEY_ENV, Fernet.generate_key().decode())
    path = profile_dir / "sources.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sources"].append({
        "key": "notes", "kind": "browser", "name": "笔记搜索", "enabled": False, "obey_robots": False,
        "page_url": f"{login_site.url}/search?q=x", "capture": "/api/search", "items": "data.items",
        "fields": {"text": "desc"},
        "login": {"url": f"{login_site.url}/login", "qr_selector": "#qr", "done_cookie": SESSION_COOKIE,
                  "wait_seconds": 120}})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_settings(profile_dir, environ={},
                         overrides={"database_url": database_url, "data_dir": str(tmp_path / "data")})


def wait_for(condition, seconds: float = 120) -> None:
    """Until `condition()` holds (bounded)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_the_page_lists_login_sources_without_sessions_for_admins_only(as_role, seeded):
    page = as_role("admin").get("/admin/logins").text
    assert "笔记搜索（notes）" in page and "还没有登录会话" in page
    assert as_role("commentator").get("/admin/logins").status_code == 403


@pytest.mark.browser
def test_a_login_started_on_the_page_shows_its_qr_code_until_scanned(as_role, seeded, login_site, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    client = as_role("admin")
    started = admin_post(client, "/admin/logins", source="notes", account="a1")
    assert started.status_code == 200 and "已开始登录 notes 的账号 a1" in started.text
    picture = tmp_path / "data" / "sessions" / "notes" / "a1.qr.png"
    wait_for(picture.exists)
    page = client.get("/admin/logins").text
    assert "/admin/logins/notes/a1/qr.png" in page and 'http-equiv="refresh"' in page
    qr = client.get("/admin/logins/notes/a1/qr.png")
    assert qr.headers["content-type"] == "image/png" and decode(qr.content) == QR_CONTENT
    urllib.request.urlopen(f"{login_site.url}/scan", timeout=30).read()
    wait_for(lambda: JOBS.of("notes")["a1"].status != "running")
    assert JOBS.of("notes")["a1"].status == "done", JOBS.of("notes")["a1"].message
    page = client.get("/admin/logins").text
    assert "登录成功" in page and "<td>a1</td><td>有效</td>" in page
    assert client.get("/admin/logins/notes/a1/qr.png").status_code == 404


def test_a_bad_account_name_is_refused(as_role, seeded):
    response = admin_post(as_role("admin"), "/admin/logins", source="notes", account="../x")
    assert response.status_code == 400 and "账号名只能用" in response.text
