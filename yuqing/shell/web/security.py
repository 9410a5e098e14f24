"""Password hashing, the session secret, CSRF tokens, login throttling and security headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from zxcvbn import zxcvbn

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable", about 10^8 guesses and more
HSTS = "max-age=31536000; includeSubDomains"
SECRET_FILE = "web-secret"

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash in the form scrypt$n$r$p$salt$hash."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether the password matches a stored scrypt hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str:
    """A Chinese description of why a password is too weak, or "" when it is acceptable.

    At least 12 characters, not blank, and not guessable as zxcvbn rates it (common passwords, words,
    keyboard runs, dates, and the account's own names given as `user_inputs`).
    """
    if not password.strip():
        return "密码不能为空白"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"密码最多 {MAX_PASSWORD_LENGTH} 个字符"
    score = zxcvbn(password, user_inputs=[u for u in user_inputs if u])["score"]
    if score < MIN_PASSWORD_SCORE:
        return "密码太常见或太容易猜到，请换一个更长、不含常用词、姓名和规律的密码（可用 --generate 随机生成）"
    return ""


def generate_password() -> str:
    """A random password that is easy to read out (no look-alike characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(MIN_PASSWORD_LENGTH + 2))
        if not password_problem(candidate):
            return candidate


def load_secret(environ: dict[str, str], env_name: str, data_dir: Path) -> str:
    """The session signing secret: from the environment, else generated once and kept in the data dir."""
    value = environ.get(env_name, "").strip()
    if value:
        return value
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value)
    return value


def new_csrf_token() -> str:
    """A fresh random CSRF token for one session."""
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Whether a submitted CSRF token equals the session's (constant-time)."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


class LoginThrottle:
    """Counts failed sign-ins per client and per username within a sliding window (thread-safe, bounded)."""

    def __init__(self, max_failures: int = 5, window: timedelta = timedelta(minutes=10), max_keys: int = 10000):
        self.max_failures, self.window, self.max_keys = max_failures, window, max_keys
        self._failures: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        entries = self._failures[key]
        while entries and now - entries[0] > self.window:
            entries.popleft()
        return entries

    def blocked(self, keys: list[str], now: datetime) -> bool:
        """Whether any of the keys (client address, username) used up its attempts."""
        with self._lock:
            return any(len(self._recent(key, now)) >= self.max_failures for key in keys)

    def failed(self, keys: list[str], now: datetime) -> None:
        """Record a failed attempt for each key."""
        with self._lock:
            if len(self._failures) > self.max_keys:
                self._forget_stale(now)
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, keys: list[str]) -> None:
        """Forget the failures of keys after a good sign-in."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def __len__(self) -> int:
        """How many clients and usernames are remembered."""
        return len(self._failures)

    def _forget_stale(self, now: datetime) -> None:
        for key in [k for k in self._failures if not self._recent(k, now)]:
            del self._failures[key]


def security_headers(path: str, hsts: bool) -> dict[str, str]:
    """The headers every response carries; API answers are never cached, HSTS when served over HTTPS."""
    headers = dict(SECURITY_HEADERS)
    if path == "/api" or path.startswith("/api/"):
        headers["cache-control"] = "no-store"
    if hsts:
        headers["strict-transport-security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """Adds CSP, frame, sniffing and referrer headers to every response (HSTS too when `hsts`)."""

    def __init__(self, app: ASGIApp, hsts: bool = False):
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and decorate the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                path = scope["path"].removeprefix(scope.get("root_path", "").rstrip("/"))
                extra = [(k.encode(), v.encode()) for k, v in security_headers(path, self.hsts).items()
                         if k.encode() not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
