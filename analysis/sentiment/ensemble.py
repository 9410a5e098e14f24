"""The deciding sentiment model: the linear n-gram model and the recurrent reader, blended
on log-odds with weights fitted on cross-validated predictions, then moved toward negative by
the linear model's ``context_bias`` for texts about the bureau's services (the blend is fitted
on Weibo rows, which almost never are); the cues come from the linear model."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from analysis.sentiment.base import SentimentModel, SentimentResult
from analysis.sentiment.features import tokens
from analysis.sentiment.linear import LinearSentiment
from analysis.sentiment.recurrent import RecurrentScorer, RecurrentWeights, text_words

DEFAULT_RECURRENT = Path(__file__).parent / "model" / "recurrent.npz"


class EnsembleSentiment(SentimentModel):
    """Linear NB-LR plus a bidirectional GRU over word vectors; ``model_path`` names the
    linear part (as ``yuqing train-sentiment`` writes it), ``recurrent_path`` the GRU."""

    name = "yuqing"

    def __init__(self, model_path: str | Path | None = None, recurrent_path: str | Path | None = None,
                 **thresholds: float) -> None:
        super().__init__(**thresholds)
        self.linear = LinearSentiment(model_path, **thresholds)
        self._weights = RecurrentWeights.load(recurrent_path or DEFAULT_RECURRENT)
        self.recurrent = RecurrentScorer(self._weights)

    def predict(self, texts: Sequence[str]) -> list[SentimentResult]:
        """Probability of positive for each text, with the linear model's cues."""
        texts = list(texts)
        if not texts:
            return []
        word_lists = [text_words(text) for text in texts]
        token_sets = [tokens(text) for text in texts]
        linear, recurrent, intercept = self._weights.blend
        params = self.linear.params
        blended = (linear * params.log_odds(token_sets, shifted=False) + recurrent * self.recurrent.logits(word_lists)
                   + intercept - params.context_shift(token_sets))
        return self.linear.results(token_sets, blended)

    @cached_property
    def version(self) -> str:
        """``yuqing`` plus the training stamps of both parts."""
        return f"yuqing:{self.linear.version.split(':', 1)[1]}+{self._weights.info.get('trained', 'unknown')}"
