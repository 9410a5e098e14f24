"""Saved login sessions: encrypted at rest, rotated least recently used first, expired ones skipped,
a lapsed login cookie noticed, and a missing or wrong key explained."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet

from yuqing.core.app import YuqingError
from yuqing.core.login.store import KEY_ENV, SessionStore, cookie_expiry

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)


def state(value: str, expires: float = -1) -> dict:
    """A storage state with one login cookie."""
    return {"cookies": [{"name": "sid", "value": value, "domain": ".example.cn", "path": "/", "expires": expires}],
            "origins": []}


@pytest.fixture
def store(tmp_path) -> SessionStore:
    return SessionStore(tmp_path, Fernet.generate_key().decode())


def test_the_state_is_encrypted_and_only_metadata_is_readable(store, tmp_path):
    store.save("xhs", "a1", state("secret-cookie-value"), NOW, "sid")
    raw = (tmp_path / "sessions" / "xhs" / "a1.session").read_text(encoding="utf-8")
    assert "secret-cookie-value" not in raw
    assert [s.account for s in SessionStore(tmp_path, key="").sessions("xhs")] == ["a1"]


def test_accounts_rotate_least_recently_used_first_and_expired_ones_are_skipped(store):
    for account in ("a1", "a2", "a3"):
        store.save("xhs", account, state(account), NOW, "sid")
    taken = [store.take("xhs", NOW + timedelta(minutes=n))[0].account for n in range(4)]
    assert taken == ["a1", "a2", "a3", "a1"]
    store.mark_expired("xhs", "a2", NOW, "登录失效")
    taken = [store.take("xhs", NOW + timedelta(hours=1, minutes=n))[1]["cookies"][0]["value"] for n in range(3)]
    assert taken == ["a3", "a1", "a3"]


def test_a_lapsed_login_cookie_is_noticed_and_not_taken(store):
    expiry = (NOW + timedelta(days=1)).timestamp()
    info = store.save("xhs", "a1", state("v", expires=expiry), NOW, "sid")
    assert info.expires_at == datetime.fromtimestamp(expiry, tz=timezone.utc).isoformat()
    assert info.state_at(NOW) == "valid" and info.state_at(NOW + timedelta(days=2)) == "lapsed"
    assert store.take("xhs", NOW + timedelta(days=2)) is None


def test_cookie_expiry_ignores_browser_session_cookies():
    assert cookie_expiry(state("v"), "sid") is None
    assert cookie_expiry(state("v"), "other") is None


def test_a_missing_or_wrong_key_is_explained(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(YuqingError, match=KEY_ENV):
        SessionStore(tmp_path).check_key()
    with pytest.raises(YuqingError, match="不是有效的 Fernet 密钥"):
        SessionStore(tmp_path, "not-a-key").check_key()
    SessionStore(tmp_path, Fernet.generate_key().decode()).save("xhs", "a1", state("v"), NOW, "sid")
    with pytest.raises(YuqingError, match="无法用当前的"):
        SessionStore(tmp_path, Fernet.generate_key().decode()).take("xhs", NOW)
