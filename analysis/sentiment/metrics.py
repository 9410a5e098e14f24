"""Binary classification figures as the benchmark reports them (0 = negative, 1 = positive)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    """Accuracy, macro-F1 and the negative class's precision, recall and F1."""

    accuracy: float
    macro_f1: float
    negative_precision: float
    negative_recall: float
    negative_f1: float
    count: int


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _class_f1(truth: Sequence[int], predicted: Sequence[int], cls: int) -> tuple[float, float, float]:
    hits = sum(1 for t, p in zip(truth, predicted) if t == p == cls)
    called = sum(1 for p in predicted if p == cls)
    actual = sum(1 for t in truth if t == cls)
    precision = hits / called if called else 0.0
    recall = hits / actual if actual else 0.0
    return precision, recall, _f1(precision, recall)


def score_binary(truth: Sequence[int], positives: Sequence[float], threshold: float = 0.5) -> Scores:
    """Figures for probabilities of positive against true labels, positive at ``threshold`` or above."""
    predicted = [int(p >= threshold) for p in positives]
    accuracy = sum(t == p for t, p in zip(truth, predicted)) / len(truth) if truth else 0.0
    neg_p, neg_r, neg_f1 = _class_f1(truth, predicted, 0)
    pos_f1 = _class_f1(truth, predicted, 1)[2]
    return Scores(accuracy, (neg_f1 + pos_f1) / 2, neg_p, neg_r, neg_f1, len(truth))
