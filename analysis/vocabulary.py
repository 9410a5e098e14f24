"""Word matching at word boundaries, shared by the monitoring scheme and the department judgement.

A term counts only where it starts on a boundary of jieba's cut (with every term of the vocabulary
added to a private dictionary), so 民政 is not found inside 人民政府 or 惠民政策, while 低保 still
counts at the head of 低保户. Where terms overlap, the longest wins and covers the shorter ones
(养老保险 hides 养老).

Pure: plain strings in, plain values out; jieba is a private instance, the global one is untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba

_USER_WORD_FREQ = 20_000

jieba.setLogLevel(60)


@dataclass(frozen=True)
class Hit:
    """One term found at ``start`` (a character offset)."""

    term: str
    start: int

    @property
    def end(self) -> int:
        """The offset just past the term."""
        return self.start + len(self.term)


@lru_cache(maxsize=8)
def _tokenizer(words: tuple[str, ...]) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in words:
        if len(word) > 1:
            tokenizer.add_word(word.lower(), _USER_WORD_FREQ)
    return tokenizer


class Vocabulary:
    """A set of terms found at word boundaries, longest first, without overlaps."""

    def __init__(self, terms: Iterable[str]):
        self.terms = tuple(sorted({t.strip().lower() for t in terms if t and t.strip()}, key=len, reverse=True))
        self._pattern = re.compile("|".join(map(re.escape, self.terms))) if self.terms else None

    def prepare(self) -> None:
        """Load the word cutter now: jieba's dictionary takes seconds, better spent before a crawl starts
        than on its first post."""
        _tokenizer(self.terms)

    def word_starts(self, text: str, offsets: Iterable[int]) -> frozenset[int]:
        """Those of the offsets where jieba's cut of the (lower-case) text starts a word. jieba cuts
        each run of Chinese characters, letters and digits on its own and every other character
        alone, so only the runs that hold an offset are cut."""
        wanted = set(offsets)
        starts = set(wanted)
        for run in jieba.re_han_default.finditer(text):
            inside = {offset for offset in wanted if run.start() <= offset < run.end()}
            if not inside:
                continue
            cuts = _tokenizer(self.terms).tokenize(run.group(), HMM=False)
            starts -= inside - {run.start() + start for _, start, _ in cuts}
        return frozenset(starts)

    def find(self, text: str) -> list[Hit]:
        """Every term in the text starting at a word boundary, the longest where several start at
        one place and none inside an earlier one, in text order; the text is cut only when a term occurs."""
        if self._pattern is None or not text:
            return []
        lowered = text.lower()
        found = [Hit(m.group(0), m.start()) for m in self._pattern.finditer(lowered)]
        if not found:
            return []
        starts = self.word_starts(lowered, (hit.start for hit in found))
        return [hit for hit in found if hit.start in starts]


def mask(text: str, spans: Iterable[tuple[int, int]], fill: str = "\u3000") -> str:
    """The text with each (start, end) span blanked out, offsets unchanged."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = fill * (end - start)
    return "".join(chars)
