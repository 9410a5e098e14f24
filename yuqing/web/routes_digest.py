"""A preview of a week's digest (this week so far by default), built by the responder's digest module."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from responder.digest import WeekError, build_digest
from responder.digest.period import resolve_week
from yuqing.storage.models import User
from yuqing.web.context import Desk, current_user, get_desk, render

router = APIRouter(include_in_schema=False)
PREVIEW_HEADERS = {
    "content-security-policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
    "x-frame-options": "SAMEORIGIN",
    "cache-control": "no-store",
}


def week_label(now: datetime, tz: ZoneInfo) -> str:
    """The ISO week label of the local date, e.g. 2026-W47."""
    year, week, _ = now.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def _week(label: str, desk: Desk) -> str:
    label = label.strip() or week_label(desk.clock(), desk.app.tz)
    try:
        return resolve_week(label, desk.clock(), desk.app.tz).label
    except WeekError as exc:
        raise HTTPException(status_code=400, detail=f"周次格式不正确：{exc}（应为 2026-W47 这样的形式）") from None


@router.get("/digest")
def digest_page(request: Request, week: str = "", user: User = Depends(current_user),
                desk: Desk = Depends(get_desk)) -> Response:
    """The digest preview page: pick a week, read the digest as it would be sent."""
    label = _week(week, desk)
    previous = resolve_week(label, desk.clock(), desk.app.tz).shifted(-1).label
    return render(request, "digest.html", {"user": user, "week": label, "previous": previous,
                                           "current": week_label(desk.clock(), desk.app.tz)})


@router.get("/digest/preview")
def digest_preview(week: str = "", user: User = Depends(current_user), desk: Desk = Depends(get_desk)) -> Response:
    """The digest HTML itself (nothing is stored or sent), framed by the preview page; no scripts allowed."""
    digest = build_digest(desk.app.sessions, desk.app.settings, _week(week, desk), desk.clock())
    return HTMLResponse(digest.preview_html(), headers=PREVIEW_HEADERS)
