"""One post's assessment from plain data: sentiment, kind, topic and owner, hotness and level,
each with reasons. The pipeline and ``yuqing score`` both call ``assess_texts``/``assess_post``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from analysis.hotness import Hotness, HotnessWeights, Snapshot, post_hotness
from analysis.kind import KindResult
from analysis.kind_model import KindModel, shipped_kind_model
from analysis.levels import Level, LevelRules, Signals, assess_level, media_tier, words_in
from analysis.sentiment.base import SentimentModel, SentimentResult
from analysis.topics import Topic, TopicMatch, match_topic

SENTIMENT_NAMES = {"negative": "负面", "neutral": "中性", "positive": "正面"}


@dataclass(frozen=True)
class AnalysisRules:
    """Everything configurable the analysis needs, as plain values."""

    topics: tuple[Topic, ...] = ()
    sensitive_words: tuple[str, ...] = ()
    emergency_words: tuple[str, ...] = ()
    media_tiers: dict[int, tuple[str, ...]] = field(default_factory=dict)
    hotness: HotnessWeights = HotnessWeights()
    levels: LevelRules = LevelRules()


@dataclass(frozen=True)
class TextAssessment:
    """What the text alone says: sentiment, kind and topic."""

    sentiment: SentimentResult
    kind: KindResult
    topic: TopicMatch
    mentioned: bool = True

    @property
    def owner(self) -> str:
        """The staff key the post goes to: the topic's owner, and only for posts about this bureau."""
        return self.topic.owner if self.mentioned else ""

    @property
    def reasons(self) -> list[str]:
        """Readable reasons, sentiment first."""
        label = SENTIMENT_NAMES[self.sentiment.label]
        cues = f"，线索：{'、'.join(self.sentiment.cues)}" if self.sentiment.cues else ""
        first = f"情感{label}（正面概率 {self.sentiment.positive:.2f}{cues}）"
        routing = [] if self.mentioned else ["未提及本局，不分派"]
        return [first, *self.kind.reasons, *self.topic.reasons, *routing]


@dataclass(frozen=True)
class PostFacts:
    """A post as the analysis sees it (no database objects)."""

    text: str
    author: str = ""
    reposts: int = 0
    comments: int = 0
    likes: int = 0
    followers: int = 0
    verified_type: int = -1
    snapshots: tuple[Snapshot, ...] = ()


@dataclass(frozen=True)
class PostAssessment:
    """The full assessment of one post."""

    text: TextAssessment
    hotness: Hotness
    level: Level
    media_tier: int = 0
    sensitive_words: tuple[str, ...] = ()
    emergency_words: tuple[str, ...] = ()

    @property
    def reasons(self) -> list[str]:
        """All reasons: text, hotness, then level."""
        return [*self.text.reasons, *self.hotness.reasons, f"{self.level.name}：{'；'.join(self.level.reasons)}"]


def assess_texts(texts: Sequence[str], model: SentimentModel, topics: Sequence[Topic],
                 mentioned: Sequence[bool] | None = None, kinds: KindModel | None = None) -> list[TextAssessment]:
    """Sentiment, kind and topic of each (already cleaned) text; unmentioned ones get no owner.
    Kinds come from ``kinds``, by default the shipped kind model."""
    results = model.predict(texts)
    flags = [True] * len(texts) if mentioned is None else list(mentioned)
    kinds = kinds or shipped_kind_model()
    return [TextAssessment(result, kinds.classify(text, result), match_topic(text, topics), flag)
            for text, result, flag in zip(texts, results, flags)]


def assess_post(post: PostFacts, text: TextAssessment, rules: AnalysisRules, now: datetime) -> PostAssessment:
    """A post's hotness and level on its own at ``now``, given its text assessment."""
    current = Snapshot(now, post.reposts, post.comments, post.likes)
    hot = post_hotness(current, post.snapshots, post.followers, post.verified_type, rules.hotness)
    tier = media_tier(post.author, rules.media_tiers)
    sensitive = words_in(post.text, rules.sensitive_words)
    emergency = words_in(post.text, rules.emergency_words)
    negative = 1.0 if text.sentiment.label == "negative" else 0.0
    signals = Signals(1, 1, negative, hot.score, 0.0, tier, sensitive, emergency)
    return PostAssessment(text, hot, assess_level(signals, rules.levels), tier, sensitive, emergency)
