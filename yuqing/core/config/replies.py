"""Approved reply templates and the bureau's policy answers (FAQ)."""

from typing import Literal

from pydantic import Field

from yuqing.core.config.base import Section


class ReplyTemplate(Section):
    """An approved sentence pattern; placeholders like {bureau} {hotline} {section} are filled in."""

    key: str
    kind: str = Field(description="consultation, request, rumour, complaint, praise or other")
    part: Literal["opening", "closing"] = Field(default="opening", description="Before or after the policy facts")
    text: str


class PolicyAnswer(Section):
    """A fact the bureau has approved for public replies, with its source document."""

    key: str
    topic: str
    question: str
    answer: str
    source: str = Field(default="", description="Policy document or notice the answer comes from")
    keywords: list[str] = Field(default_factory=list)


class Endpoint(Section):
    """An optional OpenAI-compatible chat-completions endpoint the bureau runs itself (off by default);
    its address, key and model name come from the environment."""

    enabled: bool = False
    url_env: str = Field(default="YUQING_POLISH_URL", description="Variable holding the base URL, e.g. http://host:8000/v1")
    api_key_env: str = Field(default="YUQING_POLISH_KEY", description="Variable holding the API key (may be unset)")
    model_env: str = Field(default="", description="Variable holding the model name (wins over `model` when set)")
    model: str = ""
    timeout_seconds: float = Field(default=20, gt=0)


class PolishConfig(Endpoint):
    """The local model used only to smooth the wording of suggested replies."""


class NarrativeConfig(Endpoint):
    """The local model that may draft an event's summary and the 专报's narrative from the database's records."""

    url_env: str = Field(default="YUQING_LLM_URL", description="Variable holding the base URL, e.g. http://host:8000/v1")
    api_key_env: str = Field(default="YUQING_LLM_KEY", description="Variable holding the API key (may be unset)")
    model_env: str = Field(default="YUQING_LLM_MODEL", description="Variable holding the model name")


class RepliesConfig(Section):
    """Templates and policy answers."""

    templates: list[ReplyTemplate] = Field(default_factory=list)
    policies: list[PolicyAnswer] = Field(default_factory=list)
    min_score: float = Field(default=1.0, ge=0, description="BM25 score below which a policy answer is not relevant")
    polish: PolishConfig = PolishConfig()
