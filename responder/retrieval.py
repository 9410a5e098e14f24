"""BM25 over jieba tokens: the bureau's policy answers most relevant to a post."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass

import jieba

from yuqing.core.config.replies import PolicyAnswer

jieba.setLogLevel(logging.WARNING)
WORD = re.compile(r"[\w\u4e00-\u9fff]")
STOPWORDS = frozenset({
    "的", "了", "是", "我", "你", "他", "她", "我们", "你们", "什么", "怎么", "吗", "呢", "吧", "啊",
    "和", "与", "在", "有", "也", "就", "都", "还", "又", "被", "把", "这", "那", "个", "请问", "一下",
})
K1, B = 1.5, 0.75


def tokens(text: str) -> list[str]:
    """Search tokens of a Chinese text: jieba's fine-grained words minus punctuation and stop words."""
    return [t for t in jieba.lcut_for_search(text.lower()) if WORD.search(t) and t not in STOPWORDS and t.strip()]


def _document(policy: PolicyAnswer) -> list[str]:
    return tokens(f"{policy.question} {policy.answer}") + [t for k in policy.keywords for t in tokens(k)] * 2


@dataclass(frozen=True)
class Match:
    """A policy answer and how relevant it is to the query."""

    policy: PolicyAnswer
    score: float


class PolicyIndex:
    """An Okapi BM25 index of the policy answers (question, answer and twice-weighted keywords)."""

    def __init__(self, policies: list[PolicyAnswer]):
        self.policies = policies
        self.docs = [Counter(_document(p)) for p in policies]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.average = sum(self.lengths) / len(self.lengths) if self.lengths else 0.0
        frequency = Counter(term for doc in self.docs for term in doc)
        n = len(self.docs)
        self.idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}

    def score(self, query: list[str], index: int) -> float:
        """BM25 score of one policy for the query tokens."""
        doc, total = self.docs[index], 0.0
        norm = K1 * (1 - B + B * self.lengths[index] / (self.average or 1))
        for term in set(query):
            tf = doc.get(term, 0)
            if tf:
                total += self.idf[term] * tf * (K1 + 1) / (tf + norm)
        return total

    def search(self, text: str, *, limit: int = 3, min_score: float = 1.0, topic: str = "") -> list[Match]:
        """Answers scoring at least min_score and half the best, best first; the case's topic breaks near-ties."""
        query = tokens(text)
        matches = [Match(p, self.score(query, i) * (1.2 if topic and p.topic == topic else 1.0))
                   for i, p in enumerate(self.policies)]
        best = max((m.score for m in matches), default=0.0)
        good = [m for m in matches if m.score >= max(min_score, best / 2)]
        return sorted(good, key=lambda m: -m.score)[:limit]


def key_terms(text: str, count: int = 3) -> list[str]:
    """The most frequent meaningful words of a text, to say what a missing answer is about."""
    return [t for t, _ in Counter(t for t in tokens(text) if len(t) > 1).most_common(count)]
