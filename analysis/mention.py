"""Does a text mention the bureau, and by which rule?

Usage::

    rules = MentionRules.build(names=["榆川市民政局"], aliases=["榆川民政"], regions=["榆川", "榆东区"],
                               generic_names=["民政局"], exclusions=["榆林市民政局"], service_terms=["低保"])
    match = find_mention(text, rules)   # MentionMatch(rule="alias", term="榆川民政") or None
    match.label                          # "alias:榆川民政", stored on the post

Pure: takes plain values, imports nothing from yuqing/, crawler/ or responder/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_MASK = "\u0000"


@dataclass(frozen=True)
class MentionMatch:
    """Which rule matched and the words that triggered it."""

    rule: str
    term: str

    @property
    def label(self) -> str:
        """A short stored form such as ``alias:榆川民政`` or ``region+generic:榆东区+民政局``."""
        return f"{self.rule}:{self.term}"


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({w.strip() for w in words if w and w.strip()}, key=len, reverse=True))


@dataclass(frozen=True)
class MentionRules:
    """Word lists, longest first so that the most specific name wins."""

    names: tuple[str, ...]
    aliases: tuple[str, ...]
    regions: tuple[str, ...]
    generic_names: tuple[str, ...]
    service_terms: tuple[str, ...]
    exclusions: tuple[str, ...]

    @classmethod
    def build(cls, names: Iterable[str], aliases: Iterable[str] = (), regions: Iterable[str] = (),
              generic_names: Iterable[str] = (), exclusions: Iterable[str] = (),
              service_terms: Iterable[str] = ()) -> MentionRules:
        """Rules from plain lists: official names, aliases/accounts, the city, short region and
        district names, generic names (count only near a region), service terms (count only with a
        region in the same sentence) and names that never count (other cities' bureaus)."""
        return cls(_longest_first(names), _longest_first(aliases), _longest_first(regions),
                   _longest_first(generic_names), _longest_first(service_terms), _longest_first(exclusions))


def _mask_exclusions(text: str, exclusions: tuple[str, ...]) -> str:
    for word in exclusions:
        text = text.replace(word, _MASK * len(word))
    return text


def _first_of(text: str, words: tuple[str, ...]) -> str | None:
    return next((w for w in words if w in text), None)


def _generic_after_region(sentence: str, rules: MentionRules, window: int) -> tuple[str, str] | None:
    """A region name followed within `window` characters by a generic name (榆东区的民政局)."""
    for region in rules.regions:
        for found in re.finditer(re.escape(region), sentence):
            tail = sentence[found.end():found.end() + window + 8]
            for generic in rules.generic_names:
                if 0 <= tail.find(generic) <= window:
                    return region, generic
    return None


def _service_with_region(sentence: str, rules: MentionRules) -> tuple[str, str] | None:
    """A region name and a service term of the bureau in the same sentence (榆川低保办理慢)."""
    region, term = _first_of(sentence, rules.regions), _first_of(sentence, rules.service_terms)
    return (region, term) if region and term else None


def find_mention(text: str, rules: MentionRules, generic_window: int = 6) -> MentionMatch | None:
    """The first rule that finds the bureau in the text, or None; excluded names never count."""
    text = _mask_exclusions(text, rules.exclusions)
    for rule, words in (("name", rules.names), ("alias", rules.aliases)):
        if word := _first_of(text, words):
            return MentionMatch(rule, word)
    for sentence in _SENTENCE_END.split(text):
        if hit := _generic_after_region(sentence, rules, generic_window):
            return MentionMatch("region+generic", "+".join(hit))
    for sentence in _SENTENCE_END.split(text):
        if hit := _service_with_region(sentence, rules):
            return MentionMatch("region+service", "+".join(hit))
    return None
