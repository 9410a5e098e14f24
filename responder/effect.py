"""Did the answer work: an event's posts and negative share after the response against the day before.

Pure: plain post records and times in, figures out (回应后负面占比变化); the database is read once,
in `responder.effect_query`, which every page and report shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

BEFORE = timedelta(hours=24)
AFTER = (timedelta(hours=24), timedelta(hours=72))
DRIVERS = 3


@dataclass(frozen=True)
class PostPoint:
    """One post of the event: when it appeared, its effective sentiment label and its engagement."""

    id: int
    at: datetime
    label: str
    engagement: int = 0
    title: str = ""
    url: str = ""
    platform: str = ""


@dataclass(frozen=True)
class Window:
    """Posts in [start, end): how many, how many negative, the negative share of the analysed ones.

    `complete` is False while `end` is still ahead of now (the counts are so far, the change is pending).
    """

    name: str
    start: datetime
    end: datetime
    posts: int
    negative: int
    analysed: int
    complete: bool

    @property
    def share(self) -> float | None:
        """Negative posts over analysed posts, None when none was analysed."""
        return self.negative / self.analysed if self.analysed else None


@dataclass(frozen=True)
class Effect:
    """The response's effect: the 24 h before, the 24 h and 72 h after, and the posts that drove it."""

    responded_at: datetime
    before: Window
    after: list[Window]
    drivers: list[PostPoint] = field(default_factory=list)

    def change(self, window: Window) -> float | None:
        """The change of the negative share (in share points, e.g. -0.25) from before to `window`;
        None while the window is not complete or either share is unknown."""
        if not window.complete or window.share is None or self.before.share is None:
            return None
        return window.share - self.before.share

    def verdict(self, window: Window) -> str:
        """A short Chinese reading of one after-window: 待满, 无前期数据, 下降, 上升 or 持平."""
        if not window.complete:
            return "待满"
        change = self.change(window)
        if change is None:
            return "无前期数据" if self.before.share is None else "无可比数据"
        return "下降" if change < 0 else "上升" if change > 0 else "持平"

    def lines(self) -> list[EffectLine]:
        """The before window and each after-window as printable lines (the before line has no change)."""
        first = EffectLine(self.before.name, self.before.posts, self.before.negative, share_text(self.before.share), "")
        return [first, *(EffectLine(w.name, w.posts, w.negative, share_text(w.share), self.change_text(w))
                         for w in self.after)]

    def change_text(self, window: Window) -> str:
        """The change against before as text, e.g. '-33.3 个百分点（下降）', or why there is none."""
        verdict = self.verdict(window)
        if verdict == "待满":
            return f"待定（{window.name}未满，截至目前）"
        points = percent_points(self.change(window))
        return f"{points}（{verdict}）" if points else verdict


@dataclass(frozen=True)
class EffectLine:
    """One window as every renderer prints it: name, post counts, share and its change as text."""

    name: str
    posts: int
    negative: int
    share: str
    change: str


def _window(name: str, start: datetime, end: datetime, posts: list[PostPoint], now: datetime) -> Window:
    inside = [p for p in posts if start <= p.at < end]
    analysed = [p for p in inside if p.label != "none"]
    negative = sum(1 for p in analysed if p.label == "negative")
    return Window(name, start, end, len(inside), negative, len(analysed), end <= now)


def drivers(posts: list[PostPoint], start: datetime, end: datetime, limit: int = DRIVERS) -> list[PostPoint]:
    """The most engaged negative posts in [start, end), most engaged first (ties: earliest id)."""
    chosen = [p for p in posts if p.label == "negative" and start <= p.at < end]
    return sorted(chosen, key=lambda p: (-p.engagement, p.id))[:limit]


def measure(responded_at: datetime, posts: list[PostPoint], now: datetime) -> Effect:
    """The effect of a response published at `responded_at`, as of `now` (posts after now are ignored)."""
    posts = [p for p in posts if p.at <= now]
    before = _window("回应前24小时", responded_at - BEFORE, responded_at, posts, now)
    after = [_window(f"回应后{int(span.total_seconds() // 3600)}小时", responded_at, responded_at + span, posts, now)
             for span in AFTER]
    return Effect(responded_at, before, after, drivers(posts, responded_at, responded_at + AFTER[-1]))


def percent_points(change: float | None) -> str:
    """A share change as text, e.g. '-25.0 个百分点', or '' when unknown."""
    return "" if change is None else f"{change * 100:+.1f} 个百分点"


def share_text(share: float | None) -> str:
    """A share as a percentage with one decimal, or '—' when unknown."""
    return "—" if share is None else f"{share * 100:.1f}%"
