"""Our model: hashed n-gram, emoticon and grievance-cue features scored by shipped linear weights."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cached_property
from pathlib import Path

import numpy as np

from analysis.sentiment.base import SentimentModel, SentimentResult
from analysis.sentiment.features import readable_columns, tokens
from analysis.sentiment.training import LinearWeights

DEFAULT_MODEL = Path(__file__).parent / "model" / "linear.npz"
CUES_SHOWN = 4


class LinearSentiment(SentimentModel):
    """NB-LR over hashed features; fast (no SnowNLP at run time) and domain-trained."""

    name = "linear"

    def __init__(self, model_path: str | Path | None = None, **thresholds: float) -> None:
        super().__init__(**thresholds)
        self.model_path = Path(model_path) if model_path else DEFAULT_MODEL
        self._params = LinearWeights.load(self.model_path)

    def predict(self, texts: Sequence[str]) -> list[SentimentResult]:
        """Probability of positive for each text, with the cues that pushed it that way."""
        texts = list(texts)
        if not texts:
            return []
        token_sets = [tokens(text) for text in texts]
        return self.results(token_sets, self._params.log_odds(token_sets))

    @property
    def params(self) -> LinearWeights:
        """The loaded weights."""
        return self._params

    def results(self, token_sets: Sequence[AbstractSet[str]], log_odds: np.ndarray) -> list[SentimentResult]:
        """Results for final log-odds, with this model's cues as reasons."""
        positives = 1.0 / (1.0 + np.exp(-log_odds))
        return [
            SentimentResult(float(p), self._label(float(p)), self._cues(found, float(p)))
            for p, found in zip(positives, token_sets)
        ]

    def _cues(self, found: AbstractSet[str], positive: float) -> list[str]:
        """The readable tokens whose weights pushed most toward the side the text landed on, none
        repeating part of another."""
        sign = 1.0 if positive >= 0.5 else -1.0
        weights = self._params.weights
        weighted = [(sign * weights[column], text) for column, text in readable_columns(found, weights.size)]
        ranked = sorted((w, text) for w, text in weighted if w > 0)
        shown: list[str] = []
        for _, text in reversed(ranked):
            if not any(text in other or other in text for other in shown):
                shown.append(text)
            if len(shown) == CUES_SHOWN:
                break
        return shown

    @cached_property
    def version(self) -> str:
        """``linear`` plus the training stamp recorded in the weights file."""
        return f"linear:{self._params.info.get('trained', 'unknown')}"
