"""Server-side desk sessions: started at sign-in, looked up on every request, revoked at sign-out
and when the password changes or the account is disabled (every browser of that person at once)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from yuqing.core.storage.models import User
from yuqing.core.storage.web_sessions import WebSession

SESSION_HOURS = 10


def _key(token: str) -> str:
    """The stored key of a session id: a database dump does not hand out live cookies."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user: User, now: datetime) -> str:
    """Record a new sign-in of the user and return the random id the cookie carries."""
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(WebSession(id=_key(token), user_id=user.id, created_at=now,
                           expires_at=now + timedelta(hours=SESSION_HOURS)))
    return token


def session_user(session: Session, token: object, now: datetime) -> User | None:
    """The active user a live session id belongs to, or None (unknown, revoked, expired or disabled)."""
    if not isinstance(token, str) or not token:
        return None
    row = session.get(WebSession, _key(token))
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def end_session(session: Session, token: object) -> None:
    """Revoke one session (sign-out): its cookie, wherever copied, no longer signs anyone in."""
    if isinstance(token, str) and token:
        session.execute(delete(WebSession).where(WebSession.id == _key(token)))


def revoke_sessions(session: Session, user: User) -> None:
    """Revoke every session of a user (password change, account disabled)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
