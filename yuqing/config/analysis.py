"""Analysis settings: sentiment model, labels, hotness, levels and topics."""

from pydantic import Field

from yuqing.config.base import Section


class SentimentConfig(Section):
    """Which sentiment model decides and where the labels split."""

    model: str = "yuqing"
    negative_below: float = Field(default=0.4, ge=0, le=1)
    positive_above: float = Field(default=0.6, ge=0, le=1)


class TopicConfig(Section):
    """A topic, the keywords that reveal it and the section that owns it."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    keywords: list[str] = Field(min_length=1)
    section: str
    owner: str = Field(description="Staff key of the owning commentator")


class AnalysisConfig(Section):
    """Everything the analysis stage needs from config."""

    sentiment: SentimentConfig = SentimentConfig()
    sensitive_words: list[str] = Field(default_factory=list)
    event_window_hours: float = Field(default=72, gt=0)


class TopicsConfig(Section):
    """The topic list."""

    topics: list[TopicConfig] = Field(default_factory=list)
