"""Risk level Ⅳ/Ⅲ/Ⅱ/Ⅰ (4 blue 一般, 3 yellow 较大, 2 orange 重大, 1 red 特别重大) from
configurable rules over sentiment, hotness, event size and growth, sensitive words, media
tier and an emergency tie, each level with the reasons that raised it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

LEVEL_NAMES = {4: "Ⅳ级（一般）", 3: "Ⅲ级（较大）", 2: "Ⅱ级（重大）", 1: "Ⅰ级（特别重大）"}
LEVEL_COLOURS = {4: "blue", 3: "yellow", 2: "orange", 1: "red"}
TIER_NAMES = {1: "中央媒体/大型门户", 2: "省级媒体", 3: "市级媒体"}


@dataclass(frozen=True)
class LevelRules:
    """Thresholds of each level (config ``analysis.levels``)."""

    negative_share: float = 0.5
    yellow_posts: int = 5
    yellow_platforms: int = 2
    yellow_burst: float = 3.0
    yellow_hotness: float = 60.0
    orange_posts: int = 20
    orange_burst: float = 6.0
    orange_hotness: float = 85.0
    orange_media_tier: int = 2
    red_posts: int = 50
    red_media_tier: int = 1


@dataclass(frozen=True)
class Signals:
    """What the level is decided from: one post's or one event's figures."""

    posts: int = 1
    platforms: int = 1
    negative_share: float = 0.0
    hotness: float = 0.0
    burst_score: float = 0.0
    media_tier: int = 0
    sensitive_words: tuple[str, ...] = ()
    emergency_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Level:
    """A level (1 highest … 4 lowest), its colour and the reasons for it."""

    level: int
    reasons: list[str] = field(default_factory=list)

    @property
    def colour(self) -> str:
        """blue, yellow, orange or red."""
        return LEVEL_COLOURS[self.level]

    @property
    def name(self) -> str:
        """The level's Chinese name, e.g. Ⅲ级（较大）."""
        return LEVEL_NAMES[self.level]


def words_in(text: str, words: Iterable[str]) -> tuple[str, ...]:
    """The listed words that occur in the text, in list order."""
    return tuple(word for word in dict.fromkeys(words) if word and word in text)


def media_tier(author: str, tiers: Mapping[int, Sequence[str]]) -> int:
    """The best (lowest) tier whose outlet names occur in the author name; 0 when none."""
    for tier in sorted(tiers):
        if any(name and name in author for name in tiers[tier]):
            return tier
    return 0


def _yellow(s: Signals, rules: LevelRules) -> list[str]:
    negative = s.negative_share >= rules.negative_share
    found = []
    if negative and s.posts >= rules.yellow_posts:
        found.append(f"负面声音增多：{s.posts} 条，负面占 {s.negative_share:.0%}")
    if negative and s.platforms >= rules.yellow_platforms:
        found.append(f"负面声音见于 {s.platforms} 个平台")
    if negative and s.burst_score >= rules.yellow_burst:
        found.append(f"负面帖量突增（突发度 {s.burst_score:.1f}）")
    if s.hotness >= rules.yellow_hotness:
        found.append(f"热度 {s.hotness:g} 达到 {rules.yellow_hotness:g}")
    if negative and s.sensitive_words:
        found.append(f"负面且涉及敏感词：{'、'.join(s.sensitive_words)}")
    return found


def _orange(s: Signals, rules: LevelRules) -> list[str]:
    negative = s.negative_share >= rules.negative_share
    found = []
    if negative and s.posts >= rules.orange_posts:
        found.append(f"负面帖量大：{s.posts} 条")
    if negative and s.burst_score >= rules.orange_burst:
        found.append(f"快速扩散（突发度 {s.burst_score:.1f}）")
    if s.hotness >= rules.orange_hotness:
        found.append(f"热度 {s.hotness:g} 达到 {rules.orange_hotness:g}")
    if 0 < s.media_tier <= rules.orange_media_tier:
        found.append(f"主流媒体介入：{TIER_NAMES.get(s.media_tier, f'{s.media_tier} 级媒体')}")
    if negative and s.sensitive_words and (s.posts >= rules.yellow_posts or s.burst_score >= rules.yellow_burst):
        found.append("敏感内容正在扩散")
    if negative and s.emergency_words:
        found.append(f"负面且关联突发事件：{'、'.join(s.emergency_words)}")
    return found


def _red(s: Signals, rules: LevelRules) -> list[str]:
    if not s.emergency_words or s.negative_share < rules.negative_share:
        return []
    found = []
    if s.sensitive_words:
        found.append(f"突发事件且涉及 {'、'.join(s.sensitive_words)}")
    if s.posts >= rules.red_posts:
        found.append(f"突发事件帖量达 {s.posts} 条")
    if 0 < s.media_tier <= rules.red_media_tier:
        found.append("突发事件且中央媒体/大型门户介入")
    return found


def assess_level(signals: Signals, rules: LevelRules = LevelRules()) -> Level:
    """The highest level whose rules hold, with every reason that holds at that level."""
    for level, check in ((1, _red), (2, _orange), (3, _yellow)):
        reasons = check(signals, rules)
        if reasons:
            return Level(level, reasons)
    return Level(4, [f"{signals.posts} 条分散信息，未达较大级别条件"])
