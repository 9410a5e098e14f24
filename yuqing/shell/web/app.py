"""Build the web desk: a FastAPI app with sessions, security headers, pages, the JSON API and error pages."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

from yuqing.core.app import App
from yuqing.shell.web import (
    routes_admin, routes_api, routes_auth, routes_case, routes_digest, routes_pages, routes_report,
)
from yuqing.shell.web.context import Desk, NotSignedIn, render, root_path
from yuqing.shell.web.guards import BodyLimitMiddleware, reject_nul_in_query
from yuqing.shell.web.security import SecurityHeadersMiddleware, load_secret, security_headers
from yuqing.shell.web.sessions import SESSION_HOURS

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
MESSAGES = {400: "请求不正确。", 401: "请先登录。", 403: "您的角色无权访问此页面或执行此操作。",
            404: "页面不存在。", 405: "不支持这种请求方式。", 409: "操作与工单当前状态冲突。",
            413: "提交的内容过大，未保存。"}


def _is_api(request: Request) -> bool:
    return request.url.path.removeprefix(root_path(request)).startswith("/api")


async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "请先登录。"}, status_code=401)
    target = request.url.path.removeprefix(root_path(request))
    return RedirectResponse(f"{root_path(request)}/login?next={target}", status_code=303)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 405 else MESSAGES.get(exc.status_code, "请求失败。")
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = MESSAGES[404]
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=exc.status_code)
    return render(request, "error.html", {"status": exc.status_code, "message": message, "back": "/queue",
                                          "user": getattr(request.state, "user", None)}, exc.status_code)


def _error_summary(exc: RequestValidationError) -> list[dict]:
    """Where and why the request was invalid, without echoing its input (raw bytes, possibly huge)."""
    return [{"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", "")),
             "type": str(error.get("type", ""))} for error in exc.errors()]


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "请求参数不正确。", "errors": _error_summary(exc)}, status_code=422)
    return render(request, "error.html", {"status": 400, "message": "请求参数不正确。", "back": "/queue"}, 400)


async def _server_error(request: Request, exc: Exception) -> Response:
    """The 500 page; Starlette answers it outside every middleware, so it adds the security headers itself."""
    log.exception("web desk request failed: %s %s", request.method, request.url.path, exc_info=exc)
    message = "服务器内部错误，操作未完成。请稍后重试；如仍失败请联系系统管理员。"
    if _is_api(request):
        response: Response = JSONResponse({"detail": message}, status_code=500)
    else:
        response = render(request, "error.html", {"status": 500, "message": message, "back": "/queue"}, 500)
    path = request.url.path.removeprefix(root_path(request))
    response.headers.update(security_headers(path, request.app.state.hsts))
    return response


def create_app(app: App, *, clock: Callable[[], datetime] | None = None, secret: str | None = None,
               https_only: bool = False, cookie_path: str = "/") -> FastAPI:
    """The web desk for this application; `clock` defaults to the wall clock, `secret` to YUQING_WEB_SECRET."""
    settings = app.settings
    secret = secret or load_secret(dict(os.environ), settings.app.web.secret_env, Path(settings.app.data_dir))
    web = FastAPI(title="yuqing 舆情工作台 API", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", dependencies=[Depends(reject_nul_in_query)])
    web.state.desk = Desk(app, clock or (lambda: datetime.now(timezone.utc)))
    web.state.hsts = https_only
    web.add_middleware(BodyLimitMiddleware)
    web.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="yuqing_session",
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=https_only, path=cookie_path)
    web.add_middleware(SecurityHeadersMiddleware, hsts=https_only)
    # Starlette types a handler as taking any Exception; each of these takes the one class it is registered for.
    web.add_exception_handler(NotSignedIn, _not_signed_in)  # type: ignore[arg-type]
    web.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    web.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    web.add_exception_handler(Exception, _server_error)
    web.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (routes_auth, routes_pages, routes_case, routes_digest, routes_report, routes_admin, routes_api):
        web.include_router(module.router)
    return web
