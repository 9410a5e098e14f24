"""The contract every sentiment model keeps: texts in, probability of positive and cues out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Label = Literal["negative", "neutral", "positive"]


@dataclass(frozen=True)
class SentimentResult:
    """One text's sentiment.

    ``positive`` is the probability that the text is positive, as SnowNLP defines it
    (0 = surely negative, 1 = surely positive); ``cues`` are the words that moved it most.
    """

    positive: float
    label: Label
    cues: list[str] = field(default_factory=list)


def label_for(positive: float, negative_below: float = 0.5, positive_above: float = 0.5) -> Label:
    """The label of a probability: negative below one threshold, positive at or above the other."""
    if positive < negative_below:
        return "negative"
    if positive >= positive_above:
        return "positive"
    return "neutral"


class SentimentModel(ABC):
    """Scores texts; implementations are named technology-then-role (``SnowNLPSentiment``).

    ``negative_below``/``positive_above`` split the probability into the three labels; the
    defaults (both 0.5) give a two-way split, as benchmarks use.
    """

    name: str = ""

    def __init__(self, negative_below: float = 0.5, positive_above: float = 0.5) -> None:
        if negative_below > positive_above:
            raise ValueError("negative_below must not exceed positive_above")
        self.negative_below = negative_below
        self.positive_above = positive_above

    @abstractmethod
    def predict(self, texts: Sequence[str]) -> list[SentimentResult]:
        """Score each text, in order."""

    def predict_one(self, text: str) -> SentimentResult:
        """Score a single text."""
        return self.predict([text])[0]

    def _label(self, positive: float) -> Label:
        return label_for(positive, self.negative_below, self.positive_above)

    @property
    def version(self) -> str:
        """A short identifier of the model and its parameters, recorded with each assessment."""
        return self.name
