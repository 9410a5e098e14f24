"""The blend of the recipe: fitted on out-of-fold log-odds with both classes weighing alike."""

from __future__ import annotations

import numpy as np

from analysis.sentiment.recipe import fit_blend


def test_the_blend_calls_both_classes_alike_and_trusts_the_sharper_model():
    rng = np.random.default_rng(3)
    labels = (rng.random(4000) > 0.3).astype(int)
    side = np.where(labels == 1, 1.0, -1.0)
    log_odds = np.c_[1.5 * side + rng.normal(size=labels.size), 0.5 * side + rng.normal(size=labels.size)]
    blend = fit_blend(log_odds, labels)
    positive = log_odds @ blend[:2] + blend[2] > 0
    negative_recall, positive_recall = np.mean(~positive[labels == 0]), np.mean(positive[labels == 1])
    assert abs(negative_recall - positive_recall) < 0.02
    assert blend[0] > blend[1] > 0
