"""Admin pages: accounts, sources and the sources' login sessions (admins only)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import FileResponse, Response

from yuqing.core.app import YuqingError
from yuqing.core.storage.models import Source, User
from yuqing.shell.web import users as accounts
from yuqing.shell.web.context import Desk, checked_form, db_session, get_desk, render, require_roles
from yuqing.shell.web.security import generate_password

router = APIRouter(prefix="/admin", include_in_schema=False)
admin_only = require_roles("admin")


def _users_page(request: Request, user: User, session: Session, desk: Desk, notice: str = "", password: str = "",
                status: int = 200) -> Response:
    have = {u.staff_key for u in accounts.list_users(session)}
    missing = [m for m in desk.app.settings.staff.members if m.key not in have]
    return render(request, "admin_users.html", {"user": user, "accounts": accounts.list_users(session),
                                                "missing": missing, "notice": notice, "password": password,
                                                "role_names": accounts.ROLE_NAMES}, status)


@router.get("/users")
def users_page(request: Request, user: User = Depends(admin_only), session: Session = Depends(db_session),
               desk: Desk = Depends(get_desk)) -> Response:
    """Accounts and staff members who have none yet."""
    return _users_page(request, user, session, desk)


def _change_account(session: Session, desk: Desk, me: User, op: str, target: str) -> tuple[str, str]:
    """Carry out one account operation; returns the notice and a password to show once ("" if none)."""
    if op == "add":
        created = accounts.add_user(session, desk.app.settings, target, desk.clock())
        return f"已为 {created.display_name} 创建账号 {created.username}。", created.password
    if op == "reset":
        password = generate_password()
        accounts.set_password(session, target, password)
        return f"已重置 {target} 的密码。", password
    if op in ("enable", "disable"):
        if target == me.username:
            raise YuqingError("不能停用自己的账号。")
        accounts.set_active(session, target, op == "enable")
        return f"已{'启用' if op == 'enable' else '停用'}账号 {target}。", ""
    raise HTTPException(status_code=400, detail="未知的操作。")


@router.post("/users")
def users_change(request: Request, form: FormData = Depends(checked_form), user: User = Depends(admin_only),
                 session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> Response:
    """Create an account, reset a password (shown once) or enable/disable an account."""
    try:
        notice, password = _change_account(session, desk, user, str(form.get("op", "")), str(form.get("target", "")))
    except YuqingError as exc:
        session.rollback()
        return _users_page(request, user, session, desk, notice=str(exc), status=400)
    session.commit()
    return _users_page(request, user, session, desk, notice=notice, password=password)


@router.get("/sources")
def sources_page(request: Request, user: User = Depends(admin_only), session: Session = Depends(db_session),
                 desk: Desk = Depends(get_desk)) -> Response:
    """Every configured source with its crawl settings and its health as recorded by the crawler."""
    health = {s.key: s for s in session.scalars(select(Source))}
    rows = [(config, health.get(config.key)) for config in desk.app.settings.sources.sources]
    return render(request, "admin_sources.html", {"user": user, "rows": rows,
                                                  "sources_file": desk.app.settings.config_dir / "sources.yaml"})


SESSION_STATES = {"valid": "有效", "expired": "已失效", "lapsed": "已过期"}
ACCOUNT_NAME = re.compile(r"^[0-9A-Za-z_.@-]{1,40}$")


def _logins_page(request: Request, user: User, desk: Desk, notice: str = "", status: int = 200) -> Response:
    from yuqing.core.login.store import SessionStore
    from yuqing.shell.web.logins import JOBS

    store = SessionStore(desk.app.settings.app.data_dir)
    rows = []
    for config in (s for s in desk.app.settings.sources.sources if s.login is not None):
        folder = store.root / config.key
        pending = sorted(p.name[:-len(".qr.png")] for p in folder.glob("*.qr.png")) if folder.is_dir() else []
        rows.append((config, store.sessions(config.key), pending, JOBS.of(config.key)))
    waiting = any(pending or any(j.status == "running" for j in jobs.values()) for _, _, pending, jobs in rows)
    return render(request, "admin_logins.html", {"user": user, "rows": rows, "notice": notice, "waiting": waiting,
                                                 "states": SESSION_STATES, "sessions_dir": store.root}, status)


@router.get("/logins")
def logins_page(request: Request, user: User = Depends(admin_only), desk: Desk = Depends(get_desk)) -> Response:
    """The sources that need a login: each account's session, and the QR codes waiting to be scanned."""
    return _logins_page(request, user, desk)


@router.post("/logins")
def logins_start(request: Request, form: FormData = Depends(checked_form), user: User = Depends(admin_only),
                 desk: Desk = Depends(get_desk)) -> Response:
    """Start a QR login of one account; its QR code appears on the page while it waits for the scan."""
    from yuqing.core.login.flow import login_request
    from yuqing.shell.web.logins import JOBS

    source, account = str(form.get("source", "")), str(form.get("account", "")).strip() or "default"
    if not ACCOUNT_NAME.match(account):
        return _logins_page(request, user, desk, notice="账号名只能用字母、数字和 _ . @ -。", status=400)
    try:
        JOBS.start(login_request(desk.app.settings, source, account))
    except YuqingError as exc:
        return _logins_page(request, user, desk, notice=str(exc), status=400)
    return _logins_page(request, user, desk, notice=f"已开始登录 {source} 的账号 {account}，二维码出现后请扫码。")


@router.get("/logins/{source}/{account}/qr.png")
def login_qr(source: str, account: str, user: User = Depends(admin_only), desk: Desk = Depends(get_desk)) -> Response:
    """The QR code of a login waiting to be scanned."""
    from yuqing.core.login.flow import qr_path
    from yuqing.core.login.store import SessionStore

    known = {s.key for s in desk.app.settings.sources.sources if s.login is not None}
    path = qr_path(SessionStore(desk.app.settings.app.data_dir), source, account)
    if source not in known or not ACCOUNT_NAME.match(account) or not path.is_file():
        raise HTTPException(status_code=404, detail="没有等待扫码的二维码。")
    return FileResponse(path, media_type="image/png", headers={"cache-control": "no-store"})
