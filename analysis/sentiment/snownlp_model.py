"""SnowNLP's naive Bayes sentiment: the stock model (shopping reviews) or one retrained here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from snownlp import sentiment as snownlp_sentiment

from analysis.sentiment.base import SentimentModel, SentimentResult


def train_snownlp(texts: Sequence[str], labels: Sequence[int], path: str | Path) -> Path:
    """Retrain SnowNLP on labelled texts (1 = positive) and save it; returns the path to load."""
    classifier = snownlp_sentiment.Sentiment()
    negatives = [text for text, label in zip(texts, labels) if label == 0]
    positives = [text for text, label in zip(texts, labels) if label == 1]
    classifier.train(negatives, positives)
    classifier.save(str(path))
    return Path(path)


class SnowNLPSentiment(SentimentModel):
    """SnowNLP's classifier; ``model_path`` names a retrained model, else the stock one loads."""

    name = "snownlp"

    def __init__(self, model_path: str | Path | None = None, **thresholds: float) -> None:
        super().__init__(**thresholds)
        self._classifier = snownlp_sentiment.Sentiment()
        if model_path is None:
            self._classifier.load()
        else:
            self._classifier.load(str(model_path))
        self._retrained = model_path is not None

    def predict(self, texts: Sequence[str]) -> list[SentimentResult]:
        """Score each text with SnowNLP's naive Bayes (it gives no cue words)."""
        results = []
        for text in texts:
            positive = float(self._classifier.classify(text)) if text.strip() else 0.5
            results.append(SentimentResult(positive, self._label(positive), []))
        return results

    @property
    def version(self) -> str:
        """``snownlp`` for the stock model, ``snownlp-retrained`` otherwise."""
        return "snownlp-retrained" if self._retrained else "snownlp"
