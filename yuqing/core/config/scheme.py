"""The monitoring scheme and the business vocabulary as plain lists, read from the profile.

One place turns ``bureau.yaml`` and ``topics.yaml`` into the values that the pure analysis takes,
so the crawl's mention filter, ``yuqing analyze`` and ``yuqing score`` judge alike."""

from __future__ import annotations

from typing import Any

from yuqing.core.config.loader import Settings


def scheme_lists(settings: Settings) -> dict[str, list[str]]:
    """Keyword arguments of ``analysis.mention.MonitoringScheme.build``."""
    b = settings.bureau
    return {"names": [b.name], "aliases": [*b.aliases, *b.account_names],
            "regions": [b.city, *b.region_names, *b.districts, *b.towns],
            "subjects": [b.short_name, *(w for w in b.generic_names if w not in weak_words(settings))],
            "weak": weak_words(settings), "evasive": list(b.evasive_names), "vague": list(b.vague_names),
            "exclusions": list(b.exclusions), "exclusion_contexts": list(b.exclusion_contexts)}


def subject_words(settings: Settings) -> list[str]:
    """The bureau's subject words: generic names, its short name, its units and evasive names."""
    b = settings.bureau
    return [*b.generic_names, b.short_name, *b.units, *b.evasive_names]


def weak_words(settings: Settings) -> list[str]:
    """Subject words that may be named in passing: the bureau's units and two-character generic names (民政)."""
    b = settings.bureau
    return [*b.units, *(name for name in b.generic_names if len(name) <= 2)]


def business_lists(settings: Settings) -> dict[str, Any]:
    """Plain topics, other departments and subject words for ``analysis.department.BusinessVocabulary``."""
    topics = [{"key": t.key, "name": t.name, "keywords": list(t.keywords), "section": t.section, "owner": t.owner}
              for t in settings.topics.topics]
    departments = [{"name": d.name, "keywords": list(d.keywords)} for d in settings.topics.departments]
    return {"topics": topics, "departments": departments, "subjects": subject_words(settings)}
