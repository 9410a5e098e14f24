"""How hot a post is: engagement, its velocity between snapshots and the author's reach."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

# Weibo's verified_type: 1 government, 3 media, 5 website; others are people or companies.
GOVERNMENT_TYPES = frozenset({1})
MEDIA_TYPES = frozenset({3, 5})


@dataclass(frozen=True)
class HotnessWeights:
    """Weights of each signal (config ``analysis.hotness``); ``scale`` sets where 63/100 lands."""

    reposts: float = 3.0
    comments: float = 2.0
    likes: float = 1.0
    velocity: float = 3.0
    followers: float = 1.0
    media_factor: float = 2.0
    government_factor: float = 1.5
    scale: float = 40.0


@dataclass(frozen=True)
class Snapshot:
    """Engagement counts at one moment."""

    taken_at: datetime
    reposts: int = 0
    comments: int = 0
    likes: int = 0

    @property
    def total(self) -> int:
        """Reposts, comments and likes together."""
        return self.reposts + self.comments + self.likes


@dataclass(frozen=True)
class Hotness:
    """A score from 0 to 100 with its parts explained."""

    score: float
    velocity_per_hour: float = 0.0
    reasons: list[str] = field(default_factory=list)


def velocity(snapshots: Sequence[Snapshot]) -> float:
    """New engagements per hour between the last two snapshots (0 with fewer than two)."""
    ordered = sorted(snapshots, key=lambda snap: snap.taken_at)
    if len(ordered) < 2:
        return 0.0
    before, after = ordered[-2], ordered[-1]
    hours = (after.taken_at - before.taken_at).total_seconds() / 3600
    return max(0.0, (after.total - before.total) / hours) if hours > 0 else 0.0


def author_factor(verified_type: int, weights: HotnessWeights) -> tuple[float, str]:
    """The multiplier for an author's reach and a word for why."""
    if verified_type in MEDIA_TYPES:
        return weights.media_factor, "认证媒体"
    if verified_type in GOVERNMENT_TYPES:
        return weights.government_factor, "政务账号"
    return 1.0, ""


def post_hotness(current: Snapshot, snapshots: Sequence[Snapshot] = (), followers: int = 0,
                 verified_type: int = -1, weights: HotnessWeights = HotnessWeights()) -> Hotness:
    """Hotness of one post from its counts now, earlier snapshots and its author."""
    speed = velocity([*snapshots, current])
    factor, account = author_factor(verified_type, weights)
    reach = weights.followers * factor * math.log10(1 + max(0, followers))
    raw = (weights.reposts * math.log1p(current.reposts) + weights.comments * math.log1p(current.comments)
           + weights.likes * math.log1p(current.likes) + weights.velocity * math.log1p(speed) + reach)
    score = round(100 * (1 - math.exp(-raw / weights.scale)), 1)
    reasons = [f"热度 {score:g}：转发 {current.reposts}、评论 {current.comments}、点赞 {current.likes}"]
    if speed > 0:
        reasons.append(f"互动增速每小时 {speed:.0f}")
    if followers or account:
        reasons.append(f"作者{account or ''}粉丝 {followers}")
    return Hotness(score, speed, reasons)
