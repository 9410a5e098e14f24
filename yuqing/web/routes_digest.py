"""A preview of this week's digest, built by the responder's digest module."""

from __future__ import annotations

import importlib

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from yuqing.storage.models import User
from yuqing.web.context import Desk, current_user, db_session, get_desk, render

router = APIRouter(include_in_schema=False)


def digest_builder():
    """responder.digest.build_digest, or None while that module does not provide it."""
    try:
        module = importlib.import_module("responder.digest")
    except ImportError:
        return None
    return getattr(module, "build_digest", None)


@router.get("/digest")
def digest_preview(request: Request, user: User = Depends(current_user), session: Session = Depends(db_session),
                   desk: Desk = Depends(get_desk)) -> Response:
    """This week's digest as it stands now (nothing is stored or sent)."""
    build = digest_builder()
    if build is None:
        return render(request, "digest.html", {"user": user, "digest": None})
    digest = build(session, desk.app.settings, desk.clock())
    return render(request, "digest.html", {"user": user, "digest": digest})
