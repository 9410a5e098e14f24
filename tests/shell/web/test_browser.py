"""The whole reply flow in headless Chromium: claim, pick a suggestion, hit the limit, submit, approve, publish."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
import uvicorn

from tests.shell.web.conftest import ACCOUNTS, HOSTILE, PASSWORD, sqlite_url

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Browser tests run on one SQLite file shared by the test and the server thread."""
    return sqlite_url(tmp_path)


@pytest.fixture
def live_url(web, seeded):
    """The desk served by uvicorn on 127.0.0.1, on a port the OS picked."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(uvicorn.Config(web, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def page():
    """A fresh Chromium page; any JavaScript dialog (an injected alert) fails the test."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        tab = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab.set_default_timeout(15000)
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield tab
        browser.close()
    assert not dialogs, f"a script from crawled text ran: {dialogs}"


def sign_in(page, base: str, role: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", ACCOUNTS[role])
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{base}/queue")


def sign_out(page) -> None:
    """Sign out from the header."""
    page.click("form.signout button")
    page.wait_for_url("**/login")


def _claim_and_overflow(page, base: str, case_id: int) -> str:
    page.goto(f"{base}/queue/team")
    page.click(f"a[href='/cases/{case_id}']")
    page.click("#btn-claim")
    page.click("a.use[data-use='0']")
    suggestion = page.input_value("#reply-text")
    assert page.text_content("#reply-count") == str(len(suggestion))
    page.fill("#reply-text", suggestion + "补充说明" * 40)
    assert int(page.text_content("#reply-count")) > 140
    assert page.is_visible("#reply-over") and page.is_disabled("#btn-submit")
    page.evaluate("document.querySelector('form.editor').requestSubmit()")
    assert page.text_content("#case-state").strip() == "已分办"
    return suggestion


def test_reply_flow_in_a_real_browser(page, live_url, seeded):
    base, case_id = live_url, seeded.case_id
    sign_in(page, base, "commentator")
    suggestion = _claim_and_overflow(page, base, case_id)
    assert page.get_by_text(HOSTILE[:30]).first.is_visible()
    page.fill("#reply-text", suggestion)
    assert not page.is_visible("#reply-over") and page.is_enabled("#btn-submit")
    page.click("#btn-submit")
    assert page.text_content("#case-state").strip() == "待审核"
    sign_out(page)

    sign_in(page, base, "spokesperson")
    page.goto(f"{base}/approvals")
    page.click(f"#approval-{case_id} button:has-text('审核通过')")
    assert page.text_content("#case-state").strip() == "已审核"
    sign_out(page)

    sign_in(page, base, "commentator")
    page.goto(f"{base}/cases/{case_id}")
    page.fill("form.action-record_published input[name=url]", "https://weibo.example/reply/88")
    page.click("#btn-record_published")
    assert page.text_content("#case-state").strip() == "已回应"
    audit = page.text_content("#audit")
    for step in ("认领", "提交审核", "审核通过", "登记已发布", "刘芳", "王静", "https://weibo.example/reply/88"):
        assert step in audit
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "case-page.png"), full_page=True)


def test_digest_preview_frame_and_dashboard_chart_load_under_the_policy(page, live_url, seeded):
    sign_in(page, live_url, "spokesperson")
    page.goto(f"{live_url}/digest")
    frame = page.frame_locator("iframe.digest")
    assert "网络舆情周报" in frame.locator("body").inner_text(timeout=30000)
    page.goto(f"{live_url}/dashboard")
    assert page.locator("svg.chart rect.bar").count() == 14 and page.is_visible("svg.chart polyline.share")
