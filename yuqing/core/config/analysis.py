"""Analysis settings: sentiment model, labels, hotness, events, levels and topics."""

from pydantic import Field, model_validator

from yuqing.core.config.base import Section


class SentimentConfig(Section):
    """Which sentiment model decides and where the labels split."""

    model: str = Field(default="yuqing", description="Registered model name: yuqing (linear + GRU), linear or snownlp")
    model_path: str = Field(default="", description="Weights file retrained by train-sentiment; empty: shipped")
    negative_below: float = Field(default=0.4, ge=0, le=1)
    positive_above: float = Field(default=0.6, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> "SentimentConfig":
        if self.negative_below > self.positive_above:
            raise ValueError("negative_below 不能大于 positive_above")
        return self


class TopicConfig(Section):
    """A topic, the keywords that reveal it and the section that owns it."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    keywords: list[str] = Field(min_length=1)
    section: str
    owner: str = Field(description="Staff key of the owning commentator")


class HotnessConfig(Section):
    """Weights of the hotness signals; ``scale`` is the raw sum that maps to about 63 of 100."""

    reposts: float = Field(default=3.0, ge=0)
    comments: float = Field(default=2.0, ge=0)
    likes: float = Field(default=1.0, ge=0)
    velocity: float = Field(default=3.0, ge=0)
    followers: float = Field(default=1.0, ge=0)
    media_factor: float = Field(default=2.0, ge=0)
    government_factor: float = Field(default=1.5, ge=0)
    scale: float = Field(default=40.0, gt=0)


class EventsConfig(Section):
    """How posts join events and the baseline their burst is measured against."""

    min_shared_keywords: int = Field(default=2, ge=1)
    min_overlap: float = Field(default=0.25, gt=0, le=1)
    keywords_per_post: int = Field(default=8, ge=1)
    keywords_per_event: int = Field(default=12, ge=1)
    baseline_hours: int = Field(default=12, ge=1)


class LevelsConfig(Section):
    """Thresholds of levels Ⅲ (yellow), Ⅱ (orange) and Ⅰ (red); Ⅳ (blue) is the rest."""

    negative_share: float = Field(default=0.5, ge=0, le=1)
    yellow_posts: int = Field(default=5, ge=1)
    yellow_platforms: int = Field(default=2, ge=1)
    yellow_burst: float = Field(default=3.0, ge=0)
    yellow_hotness: float = Field(default=60.0, ge=0, le=100)
    orange_posts: int = Field(default=20, ge=1)
    orange_burst: float = Field(default=6.0, ge=0)
    orange_hotness: float = Field(default=85.0, ge=0, le=100)
    orange_media_tier: int = Field(default=2, ge=0, le=3)
    red_posts: int = Field(default=50, ge=1)
    red_media_tier: int = Field(default=1, ge=0, le=3)
    emergency_words: list[str] = Field(default_factory=list, description="Words that tie a post to an emergency")
    media_tiers: dict[int, list[str]] = Field(
        default_factory=dict, description="Tier (1 central/portal, 2 provincial, 3 city) to outlet names"
    )


class AnalysisConfig(Section):
    """Everything the analysis stage needs from config."""

    sentiment: SentimentConfig = SentimentConfig()
    sensitive_words: list[str] = Field(default_factory=list)
    event_window_hours: float = Field(default=72, gt=0)
    hotness: HotnessConfig = HotnessConfig()
    events: EventsConfig = EventsConfig()
    levels: LevelsConfig = LevelsConfig()


class DepartmentConfig(Section):
    """Another department and the words of its business (matters to transfer, 转办)."""

    name: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)


class TopicsConfig(Section):
    """The civil-affairs topics and the other departments: one vocabulary of whose business a post is."""

    topics: list[TopicConfig] = Field(default_factory=list)
    departments: list[DepartmentConfig] = Field(default_factory=list)
