"""The sign-in throttle's window and its bound on remembered keys (pure, on a given clock)."""

from __future__ import annotations

from datetime import timedelta

from yuqing.shell.web.security import LoginThrottle


def test_attempts_are_allowed_again_after_the_window(now):
    throttle = LoginThrottle(max_failures=2, window=timedelta(minutes=10))
    throttle.failed(["ip:1"], now)
    throttle.failed(["ip:1"], now + timedelta(minutes=1))
    assert throttle.blocked(["ip:1", "user:x"], now + timedelta(minutes=2))
    assert not throttle.blocked(["ip:1"], now + timedelta(minutes=12))


def test_a_good_sign_in_clears_the_count(now):
    throttle = LoginThrottle(max_failures=1)
    throttle.failed(["user:x"], now)
    throttle.succeeded(["user:x"])
    assert not throttle.blocked(["user:x"], now)


def test_stale_keys_are_forgotten_when_too_many_are_remembered(now):
    throttle = LoginThrottle(max_keys=3)
    for i in range(4):
        throttle.failed([f"ip:{i}"], now)
    throttle.failed(["ip:new"], now + timedelta(hours=1))
    assert len(throttle) == 1 and throttle.blocked(["ip:new"], now + timedelta(hours=1)) is False
