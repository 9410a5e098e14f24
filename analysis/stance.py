"""Stance in three classes (负面 / 中性 / 正面) and the probability that a post is negative.

A multinomial logistic regression over the same hashed words and n-grams as sentiment, plus
the binary sentiment model's verdict (in tenths of its probability of positive), the kind rules'
verdict and whether the post sits on the city's own board. It is trained on real citizens'
text labelled by hand (message-board letters, Weibo posts), an emotion-labelled Weibo set
mapped to three classes, and the project's domain set (``analysis/stance_training.py``).

A question, request, notice or news report is neutral unless it carries a grievance or praise;
sarcasm and rhetorical questions read as negative, because that is what the labels say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

from analysis.kind_model import KindWeights
from analysis.sentiment.base import SentimentResult
from analysis.sentiment.features import tokens, with_tokens

DEFAULT_STANCE_MODEL = Path(__file__).parent / "model" / "stance.npz"
STANCE_FEATURES = 2**18
SENTIMENT_BINS = 10
STANCES = ("negative", "neutral", "positive")
STANCE_NAMES = {"negative": "负面", "neutral": "中性", "positive": "正面"}


@dataclass(frozen=True)
class StanceResult:
    """One post's stance, its probability of being negative, and why."""

    stance: str
    negative: float
    positive: float
    reasons: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The stance's Chinese name."""
        return STANCE_NAMES[self.stance]


def stance_extras(sentiment: SentimentResult, rule_kind: str, board: bool) -> set[str]:
    """The stance model's tokens besides the text's own: its sentiment in tenths, the kind rules'
    verdict and whether it sits on a board."""
    tenth = min(int(sentiment.positive * SENTIMENT_BINS), SENTIMENT_BINS - 1)
    extra = {f"sent:{tenth}", f"rule:{rule_kind}"}
    if board:
        extra |= {"src:board", f"src:board:{rule_kind}"}
    return extra


def stance_tokens(text: str, sentiment: SentimentResult, rule_kind: str, board: bool) -> frozenset[str]:
    """The stance model's feature tokens for a cleaned text: its context-free words and n-grams and
    ``stance_extras``."""
    return tokens(text).plain | stance_extras(sentiment, rule_kind, board)


class StanceModel:
    """Three-class stance from the trained weights; ``negative_at`` is the probability of
    negative at or above which a post is called negative, ``negative_at_board`` the same for a
    letter on a government board (both chosen by cross-validation)."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        self.model_path = Path(model_path) if model_path else DEFAULT_STANCE_MODEL
        self._params = KindWeights.load(self.model_path)
        self.negative_at = float(self._params.info.get("negative_at", 0.5))
        self.negative_at_board = float(self._params.info.get("negative_at_board", self.negative_at))
        self._order = [self._params.kinds.index(stance) for stance in STANCES]

    def probabilities(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """Rows of (negative, neutral, positive) probabilities for rows of hashed features."""
        scores = np.asarray(matrix @ self._params.weights.T) + self._params.intercepts
        scores = scores[:, self._order]
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str], sentiments: Sequence[SentimentResult], rule_kinds: Sequence[str],
                boards: Sequence[bool], plain: sparse.csr_matrix | None = None) -> list[StanceResult]:
        """The stance of each cleaned text, given its sentiment, the kind rules' verdict and its source
        (``plain``: the texts' ``plain_matrix``, when the caller has it already)."""
        if not texts:
            return []
        matrix = with_tokens(texts, [stance_extras(*row) for row in zip(sentiments, rule_kinds, boards)],
                             self._params.weights.shape[1], plain)
        return [self._result(row, sentiment, board)
                for row, sentiment, board in zip(self.probabilities(matrix), sentiments, boards)]

    def _result(self, row: np.ndarray, sentiment: SentimentResult, board: bool) -> StanceResult:
        negative, neutral, positive = (float(p) for p in row)
        if negative >= (self.negative_at_board if board else self.negative_at):
            stance = "negative"
        else:
            stance = "positive" if positive > neutral else "neutral"
        cues = f"，线索：{'、'.join(sentiment.cues[:3])}" if sentiment.cues and stance != "neutral" else ""
        reason = f"立场{STANCE_NAMES[stance]}（负面概率 {negative:.2f}，正面概率 {positive:.2f}{cues}）"
        return StanceResult(stance, negative, positive, (reason,))

    @property
    def version(self) -> str:
        """``stance`` plus the training stamp recorded in the weights file."""
        return f"stance:{self._params.info.get('trained', 'unknown')}"


@cache
def shipped_stance_model() -> StanceModel:
    """The stance model that ships with the package, loaded once."""
    return StanceModel()
