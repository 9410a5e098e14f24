"""Training the linear model: naive Bayes log-count ratios scaled into a logistic regression
(NB-LR), folded into one weight per hashed feature so only numbers are shipped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from analysis.sentiment.features import CONTEXT_TOKEN, N_FEATURES, TokenSet, feature_matrix, token_matrix


def training_stamp(at: datetime | None = None) -> str:
    """The stamp a weights file records for when it was trained (UTC, to the minute)."""
    return (at or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%MZ")


@dataclass(frozen=True)
class TrainingOptions:
    """Knobs of one training run (chosen by cross-validation on the training data only)."""

    c: float = 1.0
    alpha: float = 1.0
    domain_weight: float = 3.0
    negative_weight: float = 1.0
    context_bias: float = 0.0
    n_features: int = N_FEATURES


@dataclass
class LinearWeights:
    """The shipped parameters: one weight per hashed feature, an intercept, the shift toward
    negative for texts in the civil-affairs context, and provenance."""

    weights: np.ndarray
    intercept: float
    info: dict = field(default_factory=dict)
    context_bias: float = 0.0

    def save(self, path: str | Path) -> Path:
        """Write the non-zero weights to a compressed ``.npz`` file."""
        nonzero = np.flatnonzero(self.weights).astype(np.int32)
        np.savez_compressed(
            path, indices=nonzero, values=self.weights[nonzero].astype(np.float32),
            intercept=np.float64(self.intercept), context_bias=np.float64(self.context_bias), n_features=np.int64(self.weights.size),
            info=np.array(json.dumps(self.info, ensure_ascii=False)),
        )
        return Path(path)

    def log_odds(self, token_sets: Sequence[TokenSet], shifted: bool = True) -> np.ndarray:
        """Log-odds of positive for texts given as their ``tokens``, with the context shift unless
        ``shifted`` is false."""
        scores = token_matrix(token_sets, self.weights.size) @ self.weights + self.intercept
        return scores - self.context_shift(token_sets) if shifted else scores

    def context_shift(self, token_sets: Sequence[AbstractSet[str]]) -> np.ndarray:
        """``context_bias`` for texts in the civil-affairs context, 0 for the others."""
        return self.context_bias * np.array([CONTEXT_TOKEN in found for found in token_sets], dtype=float)

    @classmethod
    def load(cls, path: str | Path) -> LinearWeights:
        """Read weights written by ``save``."""
        with np.load(path, allow_pickle=False) as data:
            weights = np.zeros(int(data["n_features"]), dtype=np.float32)
            weights[data["indices"]] = data["values"]
            bias = float(data["context_bias"]) if "context_bias" in data.files else 0.0
            return cls(weights, float(data["intercept"]), json.loads(str(data["info"])), bias)


def nb_ratios(matrix: sparse.csr_matrix, labels: np.ndarray, sample_weight: np.ndarray,
              alpha: float) -> np.ndarray:
    """Per-feature log ratio of smoothed positive to negative feature frequency."""
    positive = alpha + matrix.T @ (sample_weight * (labels == 1))
    negative = alpha + matrix.T @ (sample_weight * (labels == 0))
    return np.log(positive / positive.sum()) - np.log(negative / negative.sum())


def train_linear(texts: Sequence[str], labels: Sequence[int], domain: Sequence[bool] | None = None,
                 options: TrainingOptions = TrainingOptions(), info: dict | None = None) -> LinearWeights:
    """Fit NB-LR on labelled texts (1 = positive); ``domain`` rows weigh ``domain_weight`` times more."""
    y = np.asarray(labels, dtype=np.int64)
    is_domain = np.zeros(len(y), bool) if domain is None else np.asarray(domain, bool)
    sample_weight = np.where(is_domain, options.domain_weight, 1.0) * np.where(y == 0, options.negative_weight, 1.0)
    matrix = feature_matrix(texts, options.n_features)
    ratios = nb_ratios(matrix, y, sample_weight, options.alpha)
    scaled = matrix @ sparse.diags(ratios)
    model = LogisticRegression(C=options.c, max_iter=3000)
    model.fit(scaled, y, sample_weight=sample_weight)
    weights = np.asarray(model.coef_[0] * ratios, dtype=np.float32)
    weights[np.asarray(matrix.sum(axis=0)).ravel() == 0] = 0.0
    details = {"options": options.__dict__, "rows": int(len(y)), "domain_rows": int(is_domain.sum())}
    return LinearWeights(weights, float(model.intercept_[0]), {**details, **(info or {})}, options.context_bias)
