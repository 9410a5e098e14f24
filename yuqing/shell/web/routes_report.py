"""The special report (专报) of an event: one action on the desk, as HTML or as a Word download."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from responder.report import ReportError, SpecialReport, build_report
from yuqing.core.storage.db import row_id_in_range
from yuqing.core.storage.models import User
from yuqing.shell.web.context import Desk, get_desk, require_roles
from yuqing.shell.web.routes_digest import PREVIEW_HEADERS

router = APIRouter(include_in_schema=False)
MANAGERS = ("spokesperson", "leader", "director")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _build(event_id: int, desk: Desk) -> SpecialReport:
    if not row_id_in_range(event_id):
        raise HTTPException(status_code=404, detail="没有这个编号的事件。")
    try:
        return build_report(desk.app.sessions, desk.app.settings, event_id, desk.clock())
    except ReportError as exc:
        raise HTTPException(status_code=404 if "不存在" in str(exc) else 409, detail=str(exc)) from None


@router.get("/events/{event_id}/report")
def report_html(event_id: int, user: User = Depends(require_roles(*MANAGERS)),
                desk: Desk = Depends(get_desk)) -> Response:
    """The 专报 of a level Ⅱ/Ⅰ event as a page (built now from the database; nothing is stored)."""
    return HTMLResponse(_build(event_id, desk).html, headers=PREVIEW_HEADERS)


@router.get("/events/{event_id}/report.docx")
def report_docx(event_id: int, user: User = Depends(require_roles(*MANAGERS)),
                desk: Desk = Depends(get_desk)) -> Response:
    """The same 专报 as a Word document to download."""
    built = _build(event_id, desk)
    disposition = f"attachment; filename=report-{event_id}.docx; filename*=UTF-8''{quote(built.stem)}.docx"
    return Response(built.docx, media_type=DOCX, headers={"content-disposition": disposition,
                                                          "cache-control": "no-store"})
