"""Post hotness from counts, velocity between snapshots and the author's reach."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from analysis.hotness import Snapshot, post_hotness, velocity

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)


def test_velocity_between_the_last_two_snapshots():
    snaps = [Snapshot(NOW - timedelta(hours=2), 0, 0, 0), Snapshot(NOW - timedelta(minutes=30), 10, 0, 0),
             Snapshot(NOW, 40, 10, 10)]
    assert velocity(snaps) == 100.0
    assert velocity(snaps[:1]) == 0.0


def test_more_engagement_speed_and_reach_mean_hotter():
    quiet = post_hotness(Snapshot(NOW, 1, 0, 2))
    busy = post_hotness(Snapshot(NOW, 300, 120, 900), [Snapshot(NOW - timedelta(hours=1), 100, 20, 300)])
    media = post_hotness(Snapshot(NOW, 1, 0, 2), followers=2_000_000, verified_type=3)
    assert 0 <= quiet.score < media.score < busy.score <= 100
    assert "互动增速每小时 900" in busy.reasons
    assert any("认证媒体" in reason for reason in media.reasons)
