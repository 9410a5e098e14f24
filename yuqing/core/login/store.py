"""Saved login sessions (Playwright storage state), one file per source and account under the data
directory, the state encrypted with Fernet under a key from the environment. Several accounts of a
source rotate: each crawl takes the valid one used least recently; an expired one is kept, marked."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from cryptography.fernet import Fernet, InvalidToken

from yuqing.core.app import YuqingError

KEY_ENV = "YUQING_SESSION_KEY"
SUFFIX = ".session"
SAFE_NAME = re.compile(r"[^0-9A-Za-z_.@-]")
KEY_HINT = (f"请设置环境变量 {KEY_ENV}（生成: python -c \"from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())\"），并妥善保存：换了密钥，已保存的登录会话就读不出来了")


@dataclass
class SessionInfo:
    """What is known of one saved session without decrypting it."""

    source: str
    account: str
    saved_at: str
    expires_at: str | None = None
    used_at: str | None = None
    expired_at: str | None = None
    expired_reason: str = ""

    def state_at(self, now: datetime) -> str:
        """valid, expired (marked by a crawl) or lapsed (its login cookie's expiry has passed)."""
        if self.expired_at:
            return "expired"
        if self.expires_at and datetime.fromisoformat(self.expires_at) <= now:
            return "lapsed"
        return "valid"


def cookie_expiry(state: Mapping[str, Any], cookie: str) -> datetime | None:
    """When the named cookie of a storage state expires (None for a browser-session cookie or none)."""
    stamps = [c.get("expires", -1) for c in state.get("cookies", []) if c.get("name") == cookie]
    stamps = [s for s in stamps if isinstance(s, (int, float)) and s > 0]
    return datetime.fromtimestamp(min(stamps), tz=timezone.utc) if stamps else None


class SessionStore:
    """The saved sessions under ``<data_dir>/sessions/<source>/<account>.session``."""

    def __init__(self, data_dir: str | Path, key: str | None = None):
        self.root = Path(data_dir) / "sessions"
        self.key = key if key is not None else os.environ.get(KEY_ENV, "")

    def _fernet(self) -> Fernet:
        if not self.key:
            raise YuqingError(f"未设置登录会话的加密密钥：{KEY_HINT}")
        try:
            return Fernet(self.key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise YuqingError(f"{KEY_ENV} 不是有效的 Fernet 密钥：{KEY_HINT}") from None

    def check_key(self) -> None:
        """Fail with instructions when the environment holds no valid key (before a login is attempted)."""
        self._fernet()

    def _path(self, source: str, account: str) -> Path:
        return self.root / source / (SAFE_NAME.sub("_", account) + SUFFIX)

    def _read(self, path: Path) -> dict[str, Any]:
        return json.loads(path.read_text(encoding="utf-8"))

    def _write(self, path: Path, record: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.chmod(partial, 0o600)
        partial.replace(path)

    def save(self, source: str, account: str, state: Mapping[str, Any], now: datetime, done_cookie: str) -> SessionInfo:
        """Encrypt and keep a storage state as the source's session for `account` (replacing an older one)."""
        token = self._fernet().encrypt(json.dumps(state, ensure_ascii=False).encode("utf-8")).decode("ascii")
        expiry = cookie_expiry(state, done_cookie)
        info = SessionInfo(source, account, now.isoformat(), expiry.isoformat() if expiry else None)
        self._write(self._path(source, account), {**asdict(info), "token": token})
        return info

    def refresh(self, source: str, account: str, state: Mapping[str, Any], done_cookie: str) -> None:
        """Keep the cookies a crawl's browser ended with (platforms renew them as they are used)."""
        path = self._path(source, account)
        if not path.exists():
            return
        record = self._read(path)
        record["token"] = self._fernet().encrypt(json.dumps(state, ensure_ascii=False).encode("utf-8")).decode("ascii")
        expiry = cookie_expiry(state, done_cookie)
        record["expires_at"] = expiry.isoformat() if expiry else record.get("expires_at")
        self._write(path, record)

    def sessions(self, source: str) -> list[SessionInfo]:
        """Every saved session of a source, valid or not, by account."""
        folder = self.root / source
        paths = sorted(folder.glob("*" + SUFFIX)) if folder.is_dir() else []
        names = SessionInfo.__dataclass_fields__
        return [SessionInfo(**{k: v for k, v in self._read(p).items() if k in names}) for p in paths]

    def take(self, source: str, now: datetime) -> tuple[SessionInfo, dict[str, Any]] | None:
        """The valid session used least recently, marked used now, with its decrypted storage state."""
        valid = [s for s in self.sessions(source) if s.state_at(now) == "valid"]
        if not valid:
            return None
        chosen = min(valid, key=lambda s: (s.used_at or "", s.account))
        path = self._path(source, chosen.account)
        record = self._read(path)
        try:
            state = json.loads(self._fernet().decrypt(record["token"].encode("ascii")))
        except InvalidToken:
            raise YuqingError(f"登录会话 {source}/{chosen.account} 无法用当前的 {KEY_ENV} 解密（密钥换过？）") from None
        chosen.used_at = record["used_at"] = now.isoformat()
        self._write(path, record)
        return chosen, state

    def mark_expired(self, source: str, account: str, now: datetime, reason: str) -> None:
        """Remember that a crawl found this session logged out; it is not taken again."""
        path = self._path(source, account)
        if path.exists():
            record = self._read(path)
            record.update(expired_at=now.isoformat(), expired_reason=reason)
            self._write(path, record)
