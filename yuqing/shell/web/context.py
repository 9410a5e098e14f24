"""What every request needs: the desk (app, clock, templates), a DB session, the signed-in user, CSRF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from responder.links import safe_url
from yuqing.core.app import App
from yuqing.core.display import kind_name, local_time, sentiment_name
from yuqing.core.storage.models import User
from yuqing.shell.web import labels
from yuqing.shell.web.guards import check_fields
from yuqing.shell.web.security import LoginThrottle, csrf_matches, new_csrf_token
from yuqing.shell.web.sessions import session_user

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def reason_text(reason: Any) -> str:
    """A readable line from an analysis reason, whether stored as text or as a mapping."""
    if isinstance(reason, dict):
        return str(reason.get("text") or reason.get("reason") or "；".join(f"{k}: {v}" for k, v in reason.items()))
    return str(reason)


class NotSignedIn(Exception):
    """Raised when a page needs a signed-in user and there is none."""


@dataclass
class Desk:
    """The web desk's shared state: the application, a clock, the login throttle, templates."""

    app: App
    clock: Callable[[], datetime]
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
        env.globals.update(labels=labels)
        platforms = self.app.settings.digest.platform_labels
        env.filters.update(local=lambda value: local_time(value, self.app.tz), safe_url=safe_url,
                           reason_text=reason_text, platform=lambda key: platforms.get(key, key or "—"),
                           kind=kind_name, sentiment=sentiment_name)
        self.templates = Jinja2Templates(env=env)


def forbidden(message: str = "您的角色无权访问此页面或执行此操作。") -> HTTPException:
    """A 403 refusal with a Chinese explanation."""
    return HTTPException(status_code=403, detail=message)


def get_desk(request: Request) -> Desk:
    """The desk this application was built with."""
    return request.app.state.desk


def db_session(desk: Desk = Depends(get_desk)) -> Iterator[Session]:
    """A database session for one request; handlers commit what they change."""
    with desk.app.sessions() as session:
        yield session


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf_token()
    return token


def current_user(request: Request, session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> User:
    """The active user of this browser's live server-side session (not signed out, revoked or expired)."""
    user = session_user(session, request.session.get("sid"), desk.clock())
    if user is None:
        request.session.pop("sid", None)
        raise NotSignedIn()
    request.state.user = user
    return user


def require_roles(*roles: str) -> Callable[..., User]:
    """A dependency admitting only users holding one of the roles (others get a 403 page)."""

    def dependency(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise forbidden()
        return user

    return dependency


async def checked_form(request: Request) -> FormData:
    """The submitted form, refused with 403 unless it carries this session's CSRF token, and with 400
    when a field is too long or holds a NUL byte (see guards.check_fields)."""
    form = await request.form()
    if not csrf_matches(request.session.get("csrf"), form.get("csrf_token")):  # type: ignore[arg-type]  # a file is refused
        raise forbidden("表单安全令牌缺失或已失效，请刷新页面后重试。")
    check_fields({name: str(value) for name, value in form.multi_items()})
    return form


def root_path(request: Request) -> str:
    """The URL prefix the app is mounted under behind a reverse proxy ("" when none)."""
    return request.scope.get("root_path", "").rstrip("/")


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render a page with the common context: user, CSRF token, root path and now."""
    desk = get_desk(request)
    base = {"user": context.pop("user", None), "csrf_token": csrf_token(request), "root": root_path(request),
            "now": desk.clock(), "bureau": desk.app.settings.bureau}
    response = desk.templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)
    response.headers["cache-control"] = "no-store"
    return response
