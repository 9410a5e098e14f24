"""Which configured topic a post is about, and so which section and person own it."""

from __future__ import annotations

from collections.abc import Sequence
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


def _matched(text: str, topic: Topic) -> tuple[str, ...]:
    """Keywords of the topic found in the text, a keyword inside a longer found one counted once."""
    found = sorted({word for word in topic.keywords if word and word in text}, key=len, reverse=True)
    kept: list[str] = []
    for word in found:
        if not any(word in longer for longer in kept):
            kept.append(word)
    return tuple(kept)


def match_topic(text: str, topics: Sequence[Topic]) -> TopicMatch:
    """The topic with the most (then longest) matched keywords; earlier topics win ties."""
    best: tuple[tuple[int, int], Topic, tuple[str, ...]] | None = None
    for topic in topics:
        words = _matched(text, topic)
        score = (len(words), sum(map(len, words)))
        if words and (best is None or score > best[0]):
            best = (score, topic, words)
    if best is None:
        return TopicMatch(reasons=["未命中任何主题关键词"])
    _, topic, words = best
    owner = f"，归口{topic.section}" if topic.section else ""
    reason = f"主题“{topic.name}”：命中关键词 {'、'.join(words)}{owner}"
    return TopicMatch(topic.key, topic.name, topic.section, topic.owner, words, [reason])
