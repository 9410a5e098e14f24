"""`yuqing login SOURCE`: open the platform's login page in headless Chromium, show its QR code,
wait (bounded) for the scan, and save the session (Playwright storage state) encrypted.

While the code waits to be scanned its PNG lies beside the sessions
(`<data_dir>/sessions/<source>/<account>.qr.png`), where the web desk's admin page shows it; it is
removed when the login ends either way."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from yuqing.core.app import YuqingError
from yuqing.core.config import Settings
from yuqing.core.config.sources import BrowserConfig, LoginProfile
from yuqing.core.login.qr import ShownQr, shown
from yuqing.core.login.store import SAFE_NAME, SessionInfo, SessionStore

POLL_SECONDS = 0.5
REFRESH_SECONDS = 2.0  # how often the QR code is looked at again while the scan is awaited


@dataclass
class LoginRequest:
    """One login: which source and account, its profile, where sessions go, and the browser to use."""

    source: str
    account: str
    profile: LoginProfile
    store: SessionStore
    browser: BrowserConfig


def login_request(settings: Settings, source_key: str, account: str) -> LoginRequest:
    """The login of `account` on the configured source `source_key`, which must have a login profile;
    the session key must be in the environment before the browser opens."""
    sources = {s.key: s for s in settings.sources.sources}
    if source_key not in sources:
        raise YuqingError(f"未知的数据源 {source_key}；可用: {', '.join(sources) or '（无）'}")
    profile = sources[source_key].login
    if profile is None:
        with_login = [key for key, s in sources.items() if s.login is not None]
        raise YuqingError(f"数据源 {source_key} 没有配置 login（扫码登录）；有 login 的数据源: {', '.join(with_login) or '（无）'}")
    store = SessionStore(settings.app.data_dir)
    store.check_key()
    return LoginRequest(source_key, account, profile, store, settings.sources.browser)


def qr_path(store: SessionStore, source: str, account: str) -> Path:
    """Where the QR code waiting to be scanned is kept for the admin page."""
    return store.root / source / (SAFE_NAME.sub("_", account) + ".qr.png")


async def _cookie(context: Any, name: str) -> str:
    return next((c["value"] for c in await context.cookies() if c["name"] == name), "")


async def _open(page: Any, request: LoginRequest) -> None:
    """Open the login page (clicking the opening selector when given) until the QR code shows."""
    profile, timeout = request.profile, request.browser.navigation_timeout_seconds * 1000
    await page.goto(profile.url, timeout=timeout)
    if profile.open_selector:
        await page.click(profile.open_selector, timeout=timeout)
    await page.locator(profile.qr_selector).first.wait_for(state="visible", timeout=timeout)


async def _capture(page: Any, request: LoginRequest, on_qr: Callable[[ShownQr], None],
                   last: ShownQr | None) -> ShownQr | None:
    """Screenshot the QR code and show it when it is new: the first, or one the page put in place of
    an expired code (platforms renew theirs every few minutes)."""
    code = page.locator(request.profile.qr_selector).first
    if not await code.is_visible():
        return last
    qr = shown(await code.screenshot(timeout=request.browser.navigation_timeout_seconds * 1000))
    if last is not None and ((qr.content or qr.png) == (last.content or last.png)):
        return last
    path = qr_path(request.store, request.source, request.account)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(qr.png)
    on_qr(qr)
    return qr


async def _wait_for_scan(page: Any, context: Any, request: LoginRequest, on_qr: Callable[[ShownQr], None],
                         shown_qr: ShownQr | None, before: str) -> None:
    """Until the done cookie appears or changes, showing a renewed QR code; a scan that does not
    come in time is an error."""
    from playwright.async_api import Error as PlaywrightError

    deadline = time.monotonic() + request.profile.wait_seconds
    next_look = time.monotonic() + REFRESH_SECONDS
    while time.monotonic() < deadline:
        value = await _cookie(context, request.profile.done_cookie)
        if value and value != before:
            return
        if time.monotonic() >= next_look:
            next_look = time.monotonic() + REFRESH_SECONDS
            try:
                shown_qr = await _capture(page, request, on_qr, shown_qr)
            except PlaywrightError:  # the page is moving on after the scan
                pass
        await asyncio.sleep(POLL_SECONDS)
    raise YuqingError(f"{request.profile.wait_seconds:.0f} 秒内没有扫码登录；请重新运行 yuqing login {request.source}")


async def run_login(request: LoginRequest, on_qr: Callable[[ShownQr], None], now: datetime | None = None) -> SessionInfo:
    """Log one account in by QR code and save its session; the QR file is removed in any case."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    config = request.browser
    try:
        async with async_playwright() as driver:
            browser = await driver.chromium.launch(executable_path=config.executable_path, args=list(config.args),
                                                   headless=True, timeout=config.navigation_timeout_seconds * 1000)
            try:
                context = await browser.new_context()
                page = await context.new_page()
                await _open(page, request)
                first = await _capture(page, request, on_qr, None)
                before = await _cookie(context, request.profile.done_cookie)
                await _wait_for_scan(page, context, request, on_qr, first, before)
                state = await context.storage_state()
            finally:
                await browser.close()
    except PlaywrightError as exc:
        raise YuqingError(f"浏览器登录失败：{str(exc).strip().splitlines()[0]}") from None
    finally:
        qr_path(request.store, request.source, request.account).unlink(missing_ok=True)
    saved_at = now or datetime.now(timezone.utc)
    return request.store.save(request.source, request.account, state, saved_at, request.profile.done_cookie)


def login(request: LoginRequest, on_qr: Callable[[ShownQr], None]) -> SessionInfo:
    """`run_login` for callers without an event loop (the CLI, the web desk's worker thread)."""
    return asyncio.run(run_login(request, on_qr))
