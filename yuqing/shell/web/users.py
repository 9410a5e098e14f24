"""Web desk accounts: one per staff member, with a role derived from the staff config."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.core.app import YuqingError
from yuqing.core.config import Settings
from yuqing.core.storage.models import User
from yuqing.shell.web.security import generate_password, hash_password, password_problem
from yuqing.shell.web.sessions import revoke_sessions

STAFF_TO_WEB_ROLE = {
    "spokesperson": "spokesperson",
    "leader": "spokesperson",
    "director": "spokesperson",
    "commentator": "commentator",
    "admin": "admin",
}
ROLE_NAMES = {"commentator": "网络评论员", "spokesperson": "审核人（发言人/领导）", "admin": "系统管理员"}
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")


@dataclass
class NewAccount:
    """An account just created, with the password to hand over once."""

    username: str
    display_name: str
    role: str
    password: str


def web_role(settings: Settings, staff_key: str) -> str:
    """The desk role for a staff member (leaders and the director approve like the spokesperson)."""
    try:
        member = settings.member(staff_key)
    except KeyError:
        raise YuqingError(f"人员配置中没有 {staff_key}（见 staff.yaml）") from None
    return STAFF_TO_WEB_ROLE[member.role]


def find_user(session: Session, username: str) -> User | None:
    """The account with this username, or None (a NUL byte, which PostgreSQL cannot compare, matches none)."""
    if "\x00" in username:
        return None
    return session.scalar(select(User).where(User.username == username))


def add_user(session: Session, settings: Settings, staff_key: str, now: datetime, *,
             username: str = "", password: str = "") -> NewAccount:
    """Create the account of one staff member; a random password is generated when none is given."""
    username = (username or staff_key).strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise YuqingError(f"用户名 {username!r} 不合法：只能用小写字母、数字和 . _ -，2 到 64 个字符")
    role = web_role(settings, staff_key)
    if find_user(session, username) is not None:
        raise YuqingError(f"用户 {username} 已存在")
    if session.scalar(select(User).where(User.staff_key == staff_key)) is not None:
        raise YuqingError(f"人员 {staff_key} 已有账号")
    member = settings.member(staff_key)
    password = password or generate_password()
    if problem := password_problem(password, (username, staff_key, member.name)):
        raise YuqingError(problem)
    session.add(User(username=username, staff_key=staff_key, display_name=member.name, role=role,
                     password_hash=hash_password(password), active=True, created_at=now))
    session.flush()
    return NewAccount(username, member.name, role, password)


def add_missing_users(session: Session, settings: Settings, now: datetime) -> list[NewAccount]:
    """Create accounts for every staff member who has none yet."""
    have = set(session.scalars(select(User.staff_key)))
    return [add_user(session, settings, m.key, now) for m in settings.staff.members if m.key not in have]


def set_password(session: Session, username: str, password: str) -> None:
    """Replace a user's password and revoke all of their sessions."""
    user = find_user(session, username)
    if user is None:
        raise YuqingError(f"没有用户 {username}")
    if problem := password_problem(password, (user.username, user.staff_key, user.display_name)):
        raise YuqingError(problem)
    user.password_hash = hash_password(password)
    revoke_sessions(session, user)


def set_active(session: Session, username: str, active: bool) -> None:
    """Enable or disable an account."""
    user = find_user(session, username)
    if user is None:
        raise YuqingError(f"没有用户 {username}")
    user.active = active
    if not active:
        revoke_sessions(session, user)


def list_users(session: Session) -> list[User]:
    """All accounts, by username."""
    return list(session.scalars(select(User).order_by(User.username)))
