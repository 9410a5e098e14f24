"""The learned choice among other departments: which one a matter goes to when it is not ours.

The vocabulary in ``analysis.department`` decides whether a post is the bureau's business (it
tells civil affairs apart well, and its words are the reasons). Among the other departments it
is weaker, because real letters name a housing estate, a road and a shop in one breath; here a
linear support-vector classifier (one against the rest) over the vocabulary's scores and the
title's and opening's words and character n-grams, trained on the hand-labelled real board letters and Weibo posts (``train`` split), picks the
department to suggest for transfer (转办). Train with ``yuqing train-department`` (the profile gives
the vocabulary).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from sklearn.svm import LinearSVC

from analysis.department import CIVIL_AFFAIRS, BusinessVocabulary, DepartmentMatch, judge_department
from analysis.kind_model import KindWeights
from analysis.sentiment.features import prepare, token_index, words

DEFAULT_DEPARTMENT_MODEL = Path(__file__).parent / "model" / "department.npz"
DEPARTMENT_FEATURES = 2**18
OPENING_CHARS = 300
SHIPPED_C = 0.1


def _grams(text: str, sizes: tuple[int, ...]) -> set[str]:
    return {text[i:i + n] for n in sizes for i in range(len(text) - n + 1)}


def department_features(text: str, title: str, match: DepartmentMatch) -> dict[str, float]:
    """Features: the vocabulary's verdict and scores, the title's words and character 1–3-grams, and
    the opening's words and character 2–3-grams (half weight). Character grams catch the names of
    places and things jieba cuts apart (垃圾站, 架空层) and the parts of words it never met."""
    opening, heading = prepare(text[:OPENING_CHARS]), prepare(title)
    found = {f"top:{match.department}": 1.0, **{f"lex:{name}": float(score) for name, score in match.scores}}
    found.update({"b:" + word: 0.5 for word in words(opening) if len(word) > 1})
    found.update({"t:" + word: 1.0 for word in words(heading) if len(word) > 1})
    found.update({"bc:" + gram: 0.5 for gram in _grams(opening, (2, 3))})
    found.update({"tc:" + gram: 1.0 for gram in _grams(heading, (1, 2, 3))})
    return found


def _matrix(rows: Sequence[dict[str, float]], n_features: int):
    return FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False).transform(rows).tocsr()


class DepartmentModel:
    """Suggests the department for a matter that is not the bureau's."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        self._params = KindWeights.load(Path(model_path) if model_path else DEFAULT_DEPARTMENT_MODEL)
        self._allowed = np.array([name not in (CIVIL_AFFAIRS, "") for name in self._params.kinds])

    def refine(self, text: str, title: str, match: DepartmentMatch) -> DepartmentMatch:
        """The vocabulary's match, with the other department replaced by the model's choice."""
        if match.ours or not match.department:
            return match
        found = department_features(text, title, match)
        columns = [token_index(name, self._params.weights.shape[1]) for name in found]
        scores = self._params.weights[:, columns] @ np.fromiter(found.values(), np.float32, len(found)) \
            + self._params.intercepts
        name = self._params.kinds[int(np.argmax(np.where(self._allowed, scores, -np.inf)))]
        if name == match.department:
            return match
        said = f"（用语判断原为{match.department}）"
        return DepartmentMatch(name, match.topic, match.words, match.scores,
                               [f"属{name}业务：部门模型据真实留言标注判断{said}，建议转办{name}"])

    @property
    def version(self) -> str:
        """``department`` plus the training stamp recorded in the weights file."""
        return f"department:{self._params.info.get('trained', 'unknown')}"


@cache
def shipped_department_model() -> DepartmentModel:
    """The department model that ships with the package, loaded once."""
    return DepartmentModel()


def train_department(texts: Sequence[str], titles: Sequence[str], departments: Sequence[str],
                     vocab: BusinessVocabulary, c: float = SHIPPED_C, info: dict | None = None) -> KindWeights:
    """Fit the model on posts, their titles and their hand-labelled departments."""
    rows = [department_features(text, title, judge_department(text, vocab, title)) for text, title in zip(texts, titles)]
    matrix = _matrix(rows, DEPARTMENT_FEATURES)
    model = LinearSVC(C=c, max_iter=20000).fit(matrix, list(departments))
    return KindWeights.fitted(model, matrix, {"c": c, "rows": len(rows), **(info or {})})


def train_shipped(vocab: BusinessVocabulary, out: Path = DEFAULT_DEPARTMENT_MODEL) -> Path:
    """Train on the real labels' train split (board letters and Weibo posts) with ``vocab`` and save to ``out``."""
    from analysis.real_labels import board_posts, weibo_posts
    from analysis.sentiment.training import training_stamp

    posts = [p for p in [*board_posts("train"), *weibo_posts("train")] if p.department]
    sources = ["analysis/data/labels/board.csv split=train", "analysis/data/labels/weibo.csv split=train"]
    weights = train_department([p.text for p in posts], [p.title for p in posts], [p.department for p in posts],
                               vocab, info={"trained": training_stamp(), "sources": sources})
    return weights.save(out)
