"""The stance's negative thresholds: recall first for letters, accuracy for open-web posts."""

import numpy as np

from analysis.stance_training import negative_threshold

NEGATIVE = np.array([0.95, 0.85, 0.75, 0.55, 0.35, 0.25, 0.15, 0.12])
TRUTH = np.array([True, True, False, True, False, True, False, False])


def test_with_a_recall_target_the_highest_threshold_reaching_it():
    chosen, curve = negative_threshold(NEGATIVE, TRUTH, 0.75)
    assert chosen == 0.54 and curve["0.54"] == [0.75, 0.75]
    assert negative_threshold(NEGATIVE, TRUTH, 1.0)[0] == 0.24


def test_without_one_the_threshold_of_best_accuracy_the_higher_on_a_tie():
    chosen, _ = negative_threshold(NEGATIVE, TRUTH, None)
    assert chosen == 0.84
