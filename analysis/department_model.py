"""The learned choice among other departments: which one a matter goes to when it is not ours.

The vocabulary in ``analysis.department`` decides whether a post is the bureau's business (it
tells civil affairs apart well, and its words are the reasons). Among the other departments it
is weaker, because real letters name a housing estate, a road and a shop in one breath; here a
linear support-vector classifier (one against the rest) over the vocabulary's scores and the
title's and opening's words and character n-grams, trained on the hand-labelled real board letters and Weibo posts (``train`` split), picks the
department to suggest for transfer (转办). When the vocabulary finds no department's words in an
open-web post that is not about the bureau, the model is asked too, and it may answer that the post
is no government business at all (the empty class, learned from Weibo chatter). Train with
``yuqing train-department`` (the profile gives the vocabulary).
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
from analysis.sentiment.features import prepare, words

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
        self._departments = np.array([name not in (CIVIL_AFFAIRS, "") for name in self._params.kinds])
        self._departments_or_none = np.array([name != CIVIL_AFFAIRS for name in self._params.kinds])

    def refine(self, text: str, title: str, match: DepartmentMatch, guess: bool = False) -> DepartmentMatch:
        """The vocabulary's match, with the other department replaced by the model's choice; with
        ``guess`` (a post not about the bureau), also a match that found no department's words, which
        the model may leave with none."""
        return self.refine_all([text], [title], [match], [guess])[0]

    def refine_all(self, texts: Sequence[str], titles: Sequence[str], matches: Sequence[DepartmentMatch],
                   guesses: Sequence[bool] | None = None) -> list[DepartmentMatch]:
        """``refine`` for many posts, hashed in one batch."""
        guesses = guesses if guesses is not None else [False] * len(matches)
        refined = list(matches)
        asked = [i for i, (match, guess) in enumerate(zip(matches, guesses))
                 if not match.ours and (match.department or guess)]
        if not asked:
            return refined
        rows = _matrix([department_features(texts[i], titles[i], matches[i]) for i in asked], self._params.weights.shape[1])
        scores = np.asarray(rows @ self._params.weights.T) + self._params.intercepts
        for i, row in zip(asked, scores):
            refined[i] = self._choose(matches[i], row)
        return refined

    def _choose(self, match: DepartmentMatch, scores: np.ndarray) -> DepartmentMatch:
        allowed = self._departments if match.department else self._departments_or_none
        name = self._params.kinds[int(np.argmax(np.where(allowed, scores, -np.inf)))]
        if name == match.department:
            return match
        said = f"（用语判断原为{match.department}）" if match.department else "（未命中部门用语）"
        return DepartmentMatch(name, match.topic, match.words, match.scores,
                               [f"属{name}业务：部门模型据真实标注判断{said}，建议转办{name}"])

    @property
    def version(self) -> str:
        """``department`` plus the training stamp recorded in the weights file."""
        return f"department:{self._params.info.get('trained', 'unknown')}"


@cache
def shipped_department_model() -> DepartmentModel:
    """The department model that ships with the package, loaded once."""
    return DepartmentModel()


def train_department(texts: Sequence[str], titles: Sequence[str], departments: Sequence[str],
                     vocab: BusinessVocabulary, c: float = SHIPPED_C, info: dict | None = None,
                     governments: Sequence[bool] | None = None) -> KindWeights:
    """Fit the model on cleaned posts, their titles and their hand-labelled departments (the empty one
    for no government business); ``governments`` says which posts address a government body (board
    letters), as ``judge_department`` reads it, all when not given."""
    governments = [True] * len(texts) if governments is None else governments
    rows = [department_features(text, title, judge_department(text, vocab, title, government=government))
            for text, title, government in zip(texts, titles, governments)]
    matrix = _matrix(rows, DEPARTMENT_FEATURES)
    model = LinearSVC(C=c, max_iter=20000).fit(matrix, list(departments))
    return KindWeights.fitted(model, matrix, {"c": c, "rows": len(rows), **(info or {})})


def train_shipped(vocab: BusinessVocabulary, out: Path = DEFAULT_DEPARTMENT_MODEL) -> Path:
    """Train on the real labels' train split (board letters and Weibo posts) with ``vocab`` and save to ``out``."""
    from analysis.normalize import clean_text
    from analysis.real_labels import board_posts, weibo_posts
    from analysis.sentiment.training import training_stamp

    letters, weibo = board_posts("train"), weibo_posts("train")
    posts = [*letters, *weibo]
    sources = ["analysis/data/labels/board.csv split=train", "analysis/data/labels/weibo.csv split=train"]
    weights = train_department([clean_text(p.text) for p in posts], [p.title for p in posts],
                               [p.department for p in posts], vocab, info={"trained": training_stamp(), "sources": sources},
                               governments=[True] * len(letters) + [False] * len(weibo))
    return weights.save(out)
