"""A source that needs a login session, against a local site that expires it mid-run: the pages read
before are kept, the source ends `blocked: 登录失效` in that same run, the account's session is marked
expired and the next run takes the other account, the admin's alert with the command to run arrives
by email, and `yuqing status` shows each account's session state."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import select

from responder.outbox import deliver_due
from tests.crawler.crawlkit import make_profile, read_posts, read_sources, report_of, run_crawl_process
from tests.crawler.fake_signed_site import NOTES, RENEWED_COOKIE, SESSION_COOKIE, SESSION_VALUE, SignedSearchSite
from tests.crawler.test_crawl_browser import CHROMIUM, browser_source
from tests.smtp import smtp_server
from yuqing.shell.cli import cli
from yuqing.core.app import App
from yuqing.core.config import load_settings
from yuqing.core.login.store import KEY_ENV, SessionStore
from yuqing.core.storage.db import make_engine, session_factory
from yuqing.core.storage.models import Notification
from yuqing.stages.crawl import run_crawl

pytestmark = [pytest.mark.browser, pytest.mark.slow]
KEY = "notes-login"


def need_chromium() -> None:
    """Skip where Debian's Chromium is not installed (CI installs it)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")


def login_source(base: str) -> dict:
    """The browser source with the site's QR login and how its answers say the session expired."""
    return browser_source(base, key=KEY, login={
        "url": f"{base}/login", "qr_selector": "#qr", "done_cookie": SESSION_COOKIE,
        "expired": "contains([`40100`, `40101`], code)", "expired_url": "/login"})


def saved_state(value: str) -> dict:
    """A storage state holding the site's login cookie, as `yuqing login` saves it."""
    cookie = {"name": SESSION_COOKIE, "value": value, "domain": "127.0.0.1", "path": "/", "expires": -1,
              "httpOnly": False, "secure": False, "sameSite": "Lax"}
    return {"cookies": [cookie], "origins": []}


@pytest.fixture(scope="module")
def expiring(tmp_path_factory):
    """Two crawls of the source with two saved accounts; the site expires the session on page 2."""
    need_chromium()
    site = SignedSearchSite(session=True).start()
    folder = tmp_path_factory.mktemp("session")
    key, data_dir, url = Fernet.generate_key().decode(), folder / "data", f"sqlite:///{folder / 'crawl.db'}"
    store = SessionStore(data_dir, key)
    saved = datetime.now(timezone.utc) - timedelta(hours=1)
    for account in ("a1", "a2"):
        store.save(KEY, account, saved_state(SESSION_VALUE), saved, SESSION_COOKIE)
    profile = make_profile(folder / "config", [login_source(site.url)])
    env = {KEY_ENV: key, "YUQING_DATA_DIR": str(data_dir)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        first = stage_report(profile, url)
        after_first = {s.account: s.state_at(datetime.now(timezone.utc)) for s in store.sessions(KEY)}
        second = stage_report(profile, url)
    site.stop()
    yield {"first": first, "second": second, "after_first": after_first, "store": store, "url": url,
           "profile": profile, "env": env, "posts": read_posts(url), "sources": read_sources(url)}


def stage_report(profile: Path, url: str) -> dict[str, dict]:
    """Crawl through the crawl stage (as the CLI and the scheduler do, alerts included); rows by source key."""
    report = run_crawl(App.load(profile, {"database_url": url}))
    return {row.key: asdict(row) for row in report.sources}


def test_the_source_is_blocked_as_login_expired_in_the_same_run(expiring):
    row = expiring["first"][KEY]
    assert row["status"] == "blocked"
    assert row["reason"].startswith("登录失效") and f"yuqing login {KEY}" in row["reason"]
    assert expiring["sources"][KEY].last_error.startswith("登录失效")


def test_pages_read_before_the_expiry_are_kept(expiring):
    assert len([p for p in expiring["posts"].values() if p.platform == f"{KEY}-test"]) == 2


def test_the_expired_account_is_marked_and_the_next_run_takes_the_other(expiring):
    assert expiring["after_first"] == {"a1": "expired", "a2": "valid"}
    assert expiring["second"][KEY]["status"] == "blocked"
    assert {s.account: s.state_at(datetime.now(timezone.utc)) for s in expiring["store"].sessions(KEY)} == {
        "a1": "expired", "a2": "expired"}


def test_the_admins_alert_says_the_command_to_run_and_arrives(expiring):
    engine = make_engine(expiring["url"])
    sessions = session_factory(engine)
    with sessions() as session:
        alerts = [n for n in session.scalars(select(Notification)) if n.payload.get("source") == KEY]
    assert len(alerts) == 2  # one per run, each to the admin's email
    assert all("登录失效" in n.subject and f"yuqing login {KEY}" in n.body_text for n in alerts)
    with smtp_server() as (inbox, port):
        settings = load_settings(expiring["profile"], environ={"YUQING_SMTP_PORT": str(port),
                                                               "YUQING_DATABASE_URL": expiring["url"]})
        deliver_due(sessions, settings, datetime.now(timezone.utc) + timedelta(minutes=1))
    engine.dispose()
    received = [m for m in inbox.messages if "登录失效" in str(make_header(decode_header(m["Subject"])))]
    assert len(received) == 2 and all(m["X-RcptTo"] == "sunwei@mzj.yuchuan.example.gov.cn" for m in received)


def test_status_shows_each_accounts_session_state(expiring):
    base = ["--config", str(expiring["profile"]), "--database-url", expiring["url"]]
    result = CliRunner().invoke(cli, [*base, "status"], env=expiring["env"])
    assert result.exit_code == 0, result.output
    assert "登录会话: a1 已失效，有效期未知；a2 已失效，有效期未知" in result.output


def test_a_clean_run_keeps_the_cookies_the_platform_renewed(tmp_path, monkeypatch):
    need_chromium()
    site = SignedSearchSite(session=True, expires_on_page=0).start()
    try:
        key, url = Fernet.generate_key().decode(), f"sqlite:///{tmp_path / 'crawl.db'}"
        store = SessionStore(tmp_path / "data", key)
        store.save(KEY, "a1", saved_state(SESSION_VALUE), datetime.now(timezone.utc), SESSION_COOKIE)
        monkeypatch.setenv(KEY_ENV, key)
        monkeypatch.setenv("YUQING_DATA_DIR", str(tmp_path / "data"))
        report = report_of(run_crawl_process(make_profile(tmp_path / "config", [login_source(site.url)]), url)[1])
    finally:
        site.stop()
    assert report[KEY]["status"] == "ok" and report[KEY]["new_posts"] == len(NOTES)
    info, state = store.take(KEY, datetime.now(timezone.utc))
    cookies = {c["name"]: c["value"] for c in state["cookies"]}
    assert cookies[SESSION_COOKIE] == SESSION_VALUE and cookies[RENEWED_COOKIE] == "page3"
