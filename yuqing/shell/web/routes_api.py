"""The JSON API under /api, described by the OpenAPI schema at /api/openapi.json."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from responder import reply_queue
from responder.digest.kpis import Kpi
from yuqing.core.storage.models import Case, Post, User
from yuqing.shell.web import casework, queries
from yuqing.shell.web.context import Desk, csrf_token, current_user, db_session, get_desk
from yuqing.shell.web.dashboard import EFFECT_DAYS, SCORECARD_DAYS, build_dashboard, recent_effects, recent_scorecard
from yuqing.shell.web.guards import check_fields
from yuqing.shell.web.routes_case import load_case
from yuqing.shell.web.security import csrf_matches

router = APIRouter(prefix="/api", tags=["yuqing"])


class Me(BaseModel):
    """The signed-in account."""

    username: str
    display_name: str
    role: str
    staff_key: str
    csrf_token: str = Field(description="Send back as the X-CSRF-Token header on POST requests")


class CaseSummary(BaseModel):
    """A case as listed in the queue."""

    id: int
    title: str
    kind: str
    level: int
    topic: str
    department: str
    platform: str
    state: str
    owner: str
    deadline_at: datetime | None
    detected_at: datetime


class AuditEntry(BaseModel):
    """One row of a case's audit trail."""

    actor: str
    at: datetime
    action: str
    from_state: str
    to_state: str
    reason: str


class CaseDetail(CaseSummary):
    """A case with its suggestions, allowed actions and audit trail."""

    published_url: str
    suggestions: list[dict]
    allowed_actions: list[str]
    reply_limit: int
    audit: list[AuditEntry]
    post_ids: list[int]


class ActionRequest(BaseModel):
    """An action on a case, as the workflow takes it."""

    action: str
    reason: str = ""
    text: str = ""
    url: str = ""
    to: str = ""
    label: str = ""
    method: str = Field(default="", description="回访: how the citizen was reached (response.yaml revisit.methods)")
    satisfaction: str = Field(default="", description="回访: satisfied / basic / unsatisfied (or 满意 / 基本满意 / 不满意)")


class PostOut(BaseModel):
    """A collected post (text as collected: escape it when displaying)."""

    id: int
    platform: str
    url: str
    title: str
    clean_text: str
    author: str
    published_at: datetime | None
    reposts: int
    comments: int
    likes: int


class DayOut(BaseModel):
    """Mentions on one local day."""

    day: date
    mentions: int
    negative: int


class KpiOut(BaseModel):
    """One group's 回应率, 及时率 and 满意度 with the counts behind them (rates None when nothing counted)."""

    label: str
    due: int
    responded: int
    settled: int
    on_time: int
    revisited: int
    satisfied: int
    basic: int
    unsatisfied: int
    response_rate: float | None
    timely_rate: float | None
    satisfaction: float | None


class ScorecardOut(BaseModel):
    """The scorecard of the last 30 days: overall, per section, per commentator."""

    days: int
    total: KpiOut
    by_section: list[KpiOut]
    by_commentator: list[KpiOut]


class WindowOut(BaseModel):
    """One window around a response: posts, negative posts, analysed posts, the negative share and its change."""

    name: str
    posts: int
    negative: int
    analysed: int
    share: float | None
    complete: bool
    change: float | None = Field(None, description="Share points against the 24 h before; null while pending or without data before")


class EffectOut(BaseModel):
    """回应效果 of one answered case."""

    case_id: int
    responded_at: datetime
    windows: list[WindowOut]
    driver_post_ids: list[int]


class DashboardOut(BaseModel):
    """Dashboard figures."""

    cases_by_level_state: dict[int, dict[str, int]]
    overdue_case_ids: list[int]
    days: list[DayOut]
    scorecard: ScorecardOut
    effect_days: int = EFFECT_DAYS
    effects: list[EffectOut] = []


def _kpi(kpi: Kpi) -> KpiOut:
    return KpiOut(**asdict(kpi), **kpi.rates())  # type: ignore[arg-type]


def _summary(case: Case) -> dict:
    return {name: getattr(case, name) for name in CaseSummary.model_fields}


def _detail(case: Case, user: User, desk: Desk) -> CaseDetail:
    settings = desk.app.settings
    audit = [AuditEntry.model_validate(a, from_attributes=True) for a in case.actions]
    return CaseDetail(**_summary(case), published_url=case.published_url, suggestions=case.suggestions,
                      allowed_actions=casework.allowed(case, user.staff_key, settings),
                      reply_limit=casework.reply_limit(settings, case.platform), audit=audit,
                      post_ids=[p.id for p in queries.case_posts(case)])


@router.get("/me", response_model=Me)
def me(request: Request, user: User = Depends(current_user)) -> Me:
    """Who is signed in, and the CSRF token for POST requests."""
    return Me(username=user.username, display_name=user.display_name, role=user.role, staff_key=user.staff_key,
              csrf_token=csrf_token(request))


@router.get("/cases", response_model=list[CaseSummary])
def list_cases(level: str = "", topic: str = "", state: str = "", platform: str = "", owner: str = "",
               department: str = "", user: User = Depends(current_user),
               session: Session = Depends(db_session)) -> list[CaseSummary]:
    """Open cases (or cases in the given state), most urgent first."""
    filters = queries.parse_filter(level, topic, state, platform, owner, department)
    return [CaseSummary(**_summary(c)) for c in reply_queue.list_queue(session, filters)]


@router.get("/cases/{case_id}", response_model=CaseDetail)
def get_case(case_id: int, user: User = Depends(current_user), session: Session = Depends(db_session),
             desk: Desk = Depends(get_desk)) -> CaseDetail:
    """One case with what the signed-in person may do with it."""
    return _detail(load_case(session, case_id), user, desk)


@router.post("/cases/{case_id}/actions", response_model=CaseDetail)
def post_action(request: Request, case_id: int, body: ActionRequest, x_csrf_token: str = Header(default=""),
                user: User = Depends(current_user), session: Session = Depends(db_session),
                desk: Desk = Depends(get_desk)) -> CaseDetail:
    """Apply an action through the workflow (403 forbidden actor, 409 illegal transition, 400 bad input)."""
    if not csrf_matches(request.session.get("csrf"), x_csrf_token):
        raise HTTPException(status_code=403, detail="缺少或错误的 X-CSRF-Token 请求头。")
    check_fields(body.model_dump())
    case = load_case(session, case_id)
    try:
        case = casework.perform(session, desk.app.settings, case, body.action, user.staff_key, desk.clock(),
                                body.model_dump(exclude={"action"}))
    except casework.ActionRefused as refusal:
        raise HTTPException(status_code=refusal.status, detail=refusal.message) from None
    return _detail(load_case(session, case_id), user, desk)


@router.get("/dashboard", response_model=DashboardOut)
def dashboard(user: User = Depends(current_user), session: Session = Depends(db_session),
              desk: Desk = Depends(get_desk)) -> DashboardOut:
    """Cases by level and state, overdue case ids, daily mentions, the last 30 days' scorecard and the
    response effect of the last 7 days' answers."""
    figures = build_dashboard(session, desk.clock(), desk.app.tz)
    days = [DayOut(day=d.day, mentions=d.mentions, negative=d.negative) for d in figures.days]
    card = recent_scorecard(session, desk.app.settings, desk.clock())
    scores = ScorecardOut(days=SCORECARD_DAYS, total=_kpi(card.total), by_section=[_kpi(k) for k in card.by_section],
                          by_commentator=[_kpi(k) for k in card.by_commentator])
    effects = [EffectOut(case_id=case.id, responded_at=e.responded_at, driver_post_ids=[p.id for p in e.drivers],
                         windows=[WindowOut(name=w.name, posts=w.posts, negative=w.negative, analysed=w.analysed,
                                            share=w.share, complete=w.complete, change=e.change(w))
                                  for w in (e.before, *e.after)])
               for case, e in recent_effects(session, desk.clock())]
    return DashboardOut(cases_by_level_state=figures.by_level_state,
                        overdue_case_ids=[c.id for c in figures.overdue], days=days, scorecard=scores, effects=effects)


@router.get("/posts", response_model=list[PostOut])
def posts(q: str = "", platform: str = "", days: int = 30, user: User = Depends(current_user),
          session: Session = Depends(db_session), desk: Desk = Depends(get_desk)) -> list[PostOut]:
    """Posts containing a word, newest first (at most 100)."""
    found: list[Post] = queries.search_posts(session, q.strip()[:100], platform[:32], min(max(days, 1), 365), desk.clock())
    return [PostOut.model_validate(p, from_attributes=True) for p in found]
