"""The bureau's topics as config gives them, and the topic a post matched (chosen in
``analysis.department``), with the section and person that own it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Topic:
    """A topic as config gives it: key, name, keywords and the owning section and staff key."""

    key: str
    name: str
    keywords: tuple[str, ...]
    section: str = ""
    owner: str = ""


@dataclass(frozen=True)
class TopicMatch:
    """The chosen topic (empty key when none matched), its owner and the matched keywords."""

    key: str = ""
    name: str = ""
    section: str = ""
    owner: str = ""
    matched: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)
