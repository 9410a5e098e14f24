"""Sign-in and sign-out, with throttled attempts and a fresh session on success."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from yuqing.core.app import YuqingError
from yuqing.core.storage.models import User
from yuqing.shell.web.context import Desk, checked_form, current_user, db_session, get_desk, render, root_path
from yuqing.shell.web.security import DUMMY_HASH, new_csrf_token, verify_password
from yuqing.shell.web.sessions import end_session, start_session
from yuqing.shell.web.users import find_user, set_password

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything else falls back to the queue."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"


def _throttle_keys(request: Request, username: str) -> list[str]:
    client = request.client.host if request.client else "unknown"
    return [f"ip:{client}", f"user:{username.lower()}"]


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": safe_next(next), "error": ""})


@router.post("/login")
def login(request: Request, form: FormData = Depends(checked_form), session: Session = Depends(db_session),
          desk: Desk = Depends(get_desk)) -> Response:
    """Check the credentials; on success start a new session, on failure count the attempt."""
    username, password = str(form.get("username", "")).strip().lower(), str(form.get("password", ""))
    target, now, keys = safe_next(str(form.get("next", ""))), desk.clock(), _throttle_keys(request, username)
    if desk.throttle.blocked(keys, now):
        return render(request, "login.html", {"next": target, "error": "登录失败次数过多，请 10 分钟后再试。"}, 429)
    user = find_user(session, username)
    good = verify_password(password, user.password_hash if user else DUMMY_HASH)
    if not (good and user and user.active):
        desk.throttle.failed(keys, now)
        return render(request, "login.html", {"next": target, "error": "用户名或密码不正确。"}, 401)
    desk.throttle.succeeded(keys)
    token = start_session(session, user, now)
    session.commit()
    request.session.clear()
    request.session.update(sid=token, csrf=new_csrf_token())
    return RedirectResponse(root_path(request) + target, status_code=303)


@router.post("/logout")
def logout(request: Request, form: FormData = Depends(checked_form), session: Session = Depends(db_session)) -> Response:
    """End the session on the server (a copy of the cookie stops working too) and in the browser."""
    end_session(session, request.session.get("sid"))
    session.commit()
    request.session.clear()
    return RedirectResponse(root_path(request) + "/login", status_code=303)


@router.get("/account/password")
def password_page(request: Request, user: User = Depends(current_user)) -> Response:
    """The signed-in person's own password change form."""
    return _password_page(request, user)


def _password_page(request: Request, user: User, error: str = "", notice: str = "", status: int = 200) -> Response:
    return render(request, "password.html", {"user": user, "error": error, "notice": notice}, status)


@router.post("/account/password")
def change_password(request: Request, form: FormData = Depends(checked_form), user: User = Depends(current_user),
                    session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> Response:
    """Change one's own password under the password rule; every session ends, this browser gets a new one.
    Wrong current passwords count towards the sign-in throttle."""
    keys, now = _throttle_keys(request, user.username), desk.clock()
    if desk.throttle.blocked(keys, now):
        return _password_page(request, user, "失败次数过多，请 10 分钟后再试。", status=429)
    if not verify_password(str(form.get("password", "")), user.password_hash):
        desk.throttle.failed(keys, now)
        return _password_page(request, user, "当前密码不正确。", status=400)
    if str(form.get("new_password", "")) != str(form.get("confirm", "")):
        return _password_page(request, user, "两次输入的新密码不一致。", status=400)
    try:
        set_password(session, user.username, str(form.get("new_password", "")))
    except YuqingError as exc:
        session.rollback()
        return _password_page(request, user, str(exc), status=400)
    token = start_session(session, user, now)
    session.commit()
    request.session.update(sid=token, csrf=new_csrf_token())
    return _password_page(request, user, notice="密码已修改；其他地方的登录均已失效。")
