"""Read-only queries behind the pages and the API: queue filters, a case's posts, post search."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from responder.reply_queue import QueueFilter
from responder.states import SYSTEM
from yuqing.core.config import Settings
from yuqing.core.storage.models import Case, Post
from yuqing.shell.web import labels
from yuqing.shell.web.guards import ascii_number


def parse_filter(level: str = "", topic: str = "", state: str = "", platform: str = "", owner: str = "",
                 department: str = "") -> QueueFilter:
    """Queue filters from query parameters; unknown values are ignored rather than trusted."""
    parsed_level = ascii_number(level)
    return QueueFilter(states=(state,) if state in labels.STATES else (),
                       level=parsed_level if parsed_level in labels.LEVELS else None,
                       topic=topic[:64], platform=platform[:32], owner=owner[:64], department=department[:16])


def departments(session: Session) -> list[str]:
    """Departments that cases belong to (民政 and those suggested for transfer), for the filter list."""
    return sorted(d for d in session.scalars(select(Case.department).distinct()) if d)


def platforms(session: Session) -> list[str]:
    """Platforms that cases come from, for the filter list."""
    return sorted(p for p in session.scalars(select(Case.platform).distinct()) if p)


def case_posts(case: Case) -> list[Post]:
    """The posts on a case's timeline (attached posts, else the event's), oldest first."""
    posts = [link.post for link in case.posts] or (list(case.event.posts) if case.event else [])
    return sorted(posts, key=lambda p: p.when)


def spread(posts: list[Post]) -> dict[str, int]:
    """Totals a spokesperson reads first: posts, platforms, reposts, comments, likes."""
    return {"posts": len(posts), "platforms": len({p.platform for p in posts}),
            "reposts": sum(p.reposts for p in posts), "comments": sum(p.comments for p in posts),
            "likes": sum(p.likes for p in posts)}


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_posts(session: Session, term: str, platform: str, days: int, now: datetime, limit: int = 100) -> list[Post]:
    """Posts whose title or text contains the term, newest first."""
    query = (select(Post).options(selectinload(Post.assessment))
             .where(Post.fetched_at >= now - timedelta(days=days)).order_by(Post.fetched_at.desc()).limit(limit))
    if term:
        pattern = _like(term)
        query = query.where(or_(Post.clean_text.like(pattern, escape="\\"), Post.title.like(pattern, escape="\\")))
    if platform:
        query = query.where(Post.platform == platform)
    return list(session.scalars(query))


def highlight(text: str, term: str, width: int = 80) -> list[tuple[str, bool]]:
    """A snippet of text around the first match, as (segment, is_match) pairs for safe rendering."""
    at = text.find(term) if term else -1
    if at < 0:
        return [(text[: width * 2], False)]
    start = max(0, at - width)
    end = min(len(text), at + len(term) + width)
    return [(text[start:at], False), (term, True), (text[at + len(term): end], False)]


def topic_names(settings: Settings) -> dict[str, str]:
    """Topic keys to their Chinese names."""
    return {t.key: t.name for t in settings.topics.topics}


def staff_names(settings: Settings) -> dict[str, str]:
    """Staff keys to names (the automatic actor included)."""
    return {SYSTEM: "系统", **{m.key: m.name for m in settings.staff.members}}
