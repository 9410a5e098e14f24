"""A preview of a week's digest (this week so far by default), built by the responder's digest module."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from responder.digest import WeekError, build_digest
from responder.digest.period import Week, resolve_week
from yuqing.core.storage.models import User
from yuqing.shell.web.context import Desk, current_user, get_desk, render

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


def out_of_calendar(label: str) -> HTTPException:
    """The 400 refusal of a week at the calendar's ends (0001-W01, 9999-W52), whose days or neighbours overflow."""
    return HTTPException(status_code=400, detail=f"周次 {label} 超出可处理的日期范围，请选择 0001 年到 9999 年之间的周次（如 2026-W47）。")


def _inside_calendar(week: Week) -> bool:
    """Whether the week, and the week before it that the digest compares with, have representable bounds."""
    try:
        return week.shifted(-1).start < week.end
    except OverflowError:
        return False


def _week(label: str, desk: Desk) -> str:
    """The checked week label: well formed and inside the calendar."""
    label = label.strip() or week_label(desk.clock(), desk.app.tz)
    try:
        week = resolve_week(label, desk.clock(), desk.app.tz)
    except WeekError as exc:
        raise HTTPException(status_code=400, detail=f"周次格式不正确：{exc}（应为 2026-W47 这样的形式）") from None
    if not _inside_calendar(week):
        raise out_of_calendar(label)
    return week.label


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
    label = _week(week, desk)
    try:
        digest = build_digest(desk.app.sessions, desk.app.settings, label, desk.clock())
    except OverflowError:
        raise out_of_calendar(label) from None
    return HTMLResponse(digest.preview_html(), headers=PREVIEW_HEADERS)
