"""The queue, dashboard, 回访 and post search pages."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from responder import reply_queue

from yuqing.core.storage.models import Revisit, User
from yuqing.shell.web import labels, queries
from yuqing.shell.web.charts import trend_chart
from yuqing.shell.web.context import Desk, current_user, db_session, get_desk, render, root_path
from yuqing.shell.web.dashboard import (
    EFFECT_DAYS, SCORECARD_DAYS, build_dashboard, recent_effects, recent_scorecard, state_totals,
)

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    """Send visitors to their queue."""
    return RedirectResponse(root_path(request) + "/queue", status_code=303)


def _queue_page(request: Request, user: User, session: Session, desk: Desk, mine: bool,
                filters: reply_queue.QueueFilter) -> Response:
    if mine:
        filters = replace(filters, owner=user.staff_key)
    now, settings = desk.clock(), desk.app.settings
    rows = [(case, *labels.time_left(case.deadline_at, now)) for case in reply_queue.list_queue(session, filters)]
    return render(request, "queue.html", {
        "user": user, "mine": mine, "rows": rows, "filters": filters, "platforms": queries.platforms(session),
        "departments": queries.departments(session),
        "topics": queries.topic_names(settings), "staff": queries.staff_names(settings)})


@router.get("/queue")
def my_queue(request: Request, level: str = "", topic: str = "", state: str = "", platform: str = "",
             department: str = "", user: User = Depends(current_user), session: Session = Depends(db_session),
             desk: Desk = Depends(get_desk)) -> Response:
    """The signed-in person's own open cases, most urgent first."""
    filters = queries.parse_filter(level, topic, state, platform, department=department)
    return _queue_page(request, user, session, desk, True, filters)


@router.get("/queue/team")
def team_queue(request: Request, level: str = "", topic: str = "", state: str = "", platform: str = "",
               owner: str = "", department: str = "", user: User = Depends(current_user),
               session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> Response:
    """Every open case of the team, most urgent first."""
    filters = queries.parse_filter(level, topic, state, platform, owner, department)
    return _queue_page(request, user, session, desk, False, filters)


@router.get("/dashboard")
def dashboard(request: Request, user: User = Depends(current_user), session: Session = Depends(db_session),
              desk: Desk = Depends(get_desk)) -> Response:
    """Cases by level and state, overdue cases, the last 30 days' 回应率/及时率/满意度, the response effect
    of the last week's answers, the mention trend and source health."""
    now = desk.clock()
    figures = build_dashboard(session, now, desk.app.tz)
    card = recent_scorecard(session, desk.app.settings, now)
    return render(request, "dashboard.html", {
        "user": user, "figures": figures, "totals": state_totals(figures.by_level_state), "scorecard": card,
        "scorecard_days": SCORECARD_DAYS, "chart": trend_chart(figures.days),
        "effects": recent_effects(session, now), "effect_days": EFFECT_DAYS,
        "staff": queries.staff_names(desk.app.settings)})


@router.get("/revisits")
def revisits_page(request: Request, everyone: bool = False, user: User = Depends(current_user),
                  session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> Response:
    """回访 still to do: the signed-in person's (or everyone's), soonest due first."""
    query = select(Revisit).where(Revisit.done_at.is_(None)).order_by(Revisit.due_at, Revisit.id)
    if not everyone:
        query = query.where(Revisit.owner == user.staff_key)
    return render(request, "revisits.html", {"user": user, "tasks": list(session.scalars(query)),
                                             "everyone": everyone, "staff": queries.staff_names(desk.app.settings)})


@router.get("/search")
def search(request: Request, q: str = "", platform: str = "", days: int = 30, user: User = Depends(current_user),
           session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> Response:
    """Posts containing a word, newest first, with the match highlighted."""
    term, days = q.strip()[:100], min(max(days, 1), 365)
    posts = queries.search_posts(session, term, platform[:32], days, desk.clock()) if term or platform else []
    results = [(post, queries.highlight(post.clean_text, term)) for post in posts]
    return render(request, "search.html", {"user": user, "q": term, "platform": platform, "days": days,
                                           "results": results, "searched": bool(term or platform),
                                           "platform_labels": desk.app.settings.digest.platform_labels})
