"""Approved reply templates and the bureau's policy answers (FAQ)."""

from pydantic import Field

from yuqing.config.base import Section


class ReplyTemplate(Section):
    """An approved sentence pattern; placeholders like {bureau} {hotline} {section} are filled in."""

    key: str
    kind: str = Field(description="consultation, rumour, complaint, praise or other")
    text: str


class PolicyAnswer(Section):
    """A fact the bureau has approved for public replies, with its source document."""

    key: str
    topic: str
    question: str
    answer: str
    source: str = Field(default="", description="Policy document or notice the answer comes from")
    keywords: list[str] = Field(default_factory=list)


class RepliesConfig(Section):
    """Templates and policy answers."""

    templates: list[ReplyTemplate] = Field(default_factory=list)
    policies: list[PolicyAnswer] = Field(default_factory=list)
