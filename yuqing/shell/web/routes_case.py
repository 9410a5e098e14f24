"""The case page, its actions, and the approvals list."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session, selectinload
from starlette.datastructures import FormData
from starlette.responses import Response

from responder import reply_queue
from responder.effect_query import case_effect, rumour_spread
from responder.revisits import SATISFACTION_LABELS
from responder.rumour import VERDICT_LABELS
from yuqing.core.display import SENTIMENT_NAMES
from yuqing.core.storage.db import row_id_in_range
from yuqing.core.storage.models import Case, CasePost, Post, User, Verification
from yuqing.shell.web import casework, queries
from yuqing.shell.web.context import Desk, checked_form, current_user, db_session, get_desk, render, require_roles, root_path
from yuqing.shell.web.labels import time_left
from yuqing.shell.web.threads import case_threads

router = APIRouter(include_in_schema=False)
FORM_FIELDS = ("reason", "text", "url", "to", "unit", "label", "method", "satisfaction", "version", "source",
               "file_name", "verdict")


def load_case(session: Session, case_id: int) -> Case:
    """The case, or a 404 page (ids beyond the id column's range too)."""
    if not row_id_in_range(case_id):
        raise HTTPException(status_code=404, detail="没有这个编号的工单。")
    timeline = selectinload(Case.posts).selectinload(CasePost.post).selectinload(Post.assessment)
    rumour = [selectinload(Case.verifications).selectinload(Verification.evidence), selectinload(Case.transfers)]
    case = session.get(Case, case_id, options=[timeline, selectinload(Case.actions), selectinload(Case.drafts), *rumour])
    if case is None:
        raise HTTPException(status_code=404, detail=f"没有编号为 {case_id} 的工单。")
    return case


def _editor_text(case: Case, use: int | None) -> str:
    if use is not None and 0 <= use < len(case.suggestions):
        return str(case.suggestions[use].get("text", ""))
    return case.drafts[-1].text if case.drafts else ""


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, use: int | None = None, user: User = Depends(current_user),
              session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> Response:
    """Posts, the thread under the bureau's own post they comment on, analysis, spread, the response
    effect, suggestions, the reply editor, allowed actions and the audit trail."""
    case, settings = load_case(session, case_id), desk.app.settings
    posts = queries.case_posts(case)
    actions = casework.allowed(case, user.staff_key, settings)
    return render(request, "case.html", {
        "user": user, "case": case, "posts": posts, "spread": queries.spread(posts),
        "threads": case_threads(session, posts),
        "suggestions": [(s, casework.citations(settings, s)) for s in case.suggestions],
        "limit": casework.reply_limit(settings, case.platform), "editor_text": _editor_text(case, use),
        "text_actions": casework.text_actions(case, actions), "forms": casework.action_forms(actions),
        "staff": queries.staff_names(settings), "topics": queries.topic_names(settings),
        "sentiments": SENTIMENT_NAMES, "time_left": time_left(case.deadline_at, desk.clock()),
        "clocks": casework.clock_rows(case, desk.clock()), "draft_states": casework.DRAFT_STATES,
        "revisit_methods": settings.response.revisit.methods, "satisfactions": SATISFACTION_LABELS,
        "confirmation": casework.confirmation(case), "effect": case_effect(session, case.id, desk.clock()),
        "verdicts": VERDICT_LABELS, "rumour_templates": casework.rumour_templates(settings),
        "rumour_units": settings.response.rumour.units,
        "rumour_spread": rumour_spread(session, settings, case.id, desk.clock())})


@router.post("/cases/{case_id}/act")
def act(request: Request, case_id: int, form: FormData = Depends(checked_form), user: User = Depends(current_user),
        session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> Response:
    """Apply one action through the workflow; refusals become a clear 400/403/409 page."""
    case = load_case(session, case_id)
    action = str(form.get("action", ""))
    values = {name: str(form.get(name, "")) for name in FORM_FIELDS}
    values["templates"] = ",".join(str(key) for key in form.getlist("templates"))
    try:
        casework.perform(session, desk.app.settings, case, action, user.staff_key, desk.clock(), values)
    except casework.ActionRefused as refusal:
        return render(request, "error.html", {"user": user, "status": refusal.status, "message": refusal.message,
                                              "back": f"/cases/{case_id}"}, refusal.status)
    return RedirectResponse(f"{root_path(request)}/cases/{case_id}", status_code=303)


@router.get("/approvals")
def approvals(request: Request, user: User = Depends(require_roles("spokesperson")),
              session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> Response:
    """Replies waiting for approval, with the latest draft of each."""
    cases = reply_queue.list_queue(session, reply_queue.QueueFilter(states=("pending_approval",)))
    rows = [(case, case.drafts[-1] if case.drafts else None,
             casework.allowed(case, user.staff_key, desk.app.settings)) for case in cases]
    return render(request, "approvals.html", {"user": user, "rows": rows, "staff": queries.staff_names(desk.app.settings)})
