"""The learned kind classifier: a multinomial logistic regression over the same hashed text
features as sentiment, plus the rules' verdict and the sentiment label, trained on the kind
labels of the project's own 民政 domain set and of the hand-labelled real Weibo posts and board
letters. The rules in ``analysis.kind`` stay the first
opinion and the source of reasons; the model corrects them where the domain data disagrees."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from analysis.kind import KIND_NAMES, KindResult, classify_kind
from analysis.normalize import clean_text, post_text
from analysis.sentiment.base import SentimentResult
from analysis.sentiment.datasets import DOMAIN_CSV, read_rows
from analysis.sentiment.features import hash_tokens, readable_columns, tokens, with_tokens
from analysis.sentiment.registry import get_sentiment_model
from analysis.sentiment.training import training_stamp

DEFAULT_KIND_MODEL = Path(__file__).parent / "model" / "kind.npz"
KIND_FEATURES = 2**18
SHIPPED_C = 3.0
CUES_SHOWN = 3
PIPELINE_THRESHOLDS = {"negative_below": 0.4, "positive_above": 0.6}
"""The sentiment split of the packaged ``analysis.yaml``: the rules see the labels the pipeline gives."""
SENTIMENT_BINS = 5


def kind_extras(rule: str, positive: float) -> set[str]:
    """The kind model's tokens besides the text's own: the rules' verdict and which fifth of the
    probability-of-positive range its sentiment falls in."""
    return {f"rule:{rule}", f"sent:{min(int(positive * SENTIMENT_BINS), SENTIMENT_BINS - 1)}"}


def kind_tokens(text: str, rule: str, positive: float) -> frozenset[str]:
    """The feature tokens of a text for the kind model: its context-free words and n-grams and
    ``kind_extras``."""
    return tokens(text).plain | kind_extras(rule, positive)


@dataclass
class KindWeights:
    """The shipped parameters: one weight row per kind over hashed features, intercepts and
    provenance."""

    kinds: tuple[str, ...]
    weights: np.ndarray
    intercepts: np.ndarray
    info: dict = field(default_factory=dict)

    @classmethod
    def fitted(cls, model, matrix, info: dict) -> KindWeights:
        """The parameters of a fitted linear classifier, one row per class (a two-class fit's
        single row mirrored), with columns no training row used set to zero."""
        weights, intercepts = np.asarray(model.coef_, dtype=np.float32), np.asarray(model.intercept_)
        if len(model.classes_) == 2:
            weights, intercepts = np.vstack([-weights, weights]), np.concatenate([-intercepts, intercepts])
        weights[:, np.asarray(matrix.sum(axis=0)).ravel() == 0] = 0.0
        return cls(tuple(model.classes_), weights, intercepts, info)

    def save(self, path: str | Path) -> Path:
        """Write the non-zero weights to a compressed ``.npz`` file."""
        rows, columns = np.nonzero(self.weights)
        np.savez_compressed(
            path, kinds=np.array(self.kinds), rows=rows.astype(np.int8), columns=columns.astype(np.int32),
            values=self.weights[rows, columns].astype(np.float32), intercepts=self.intercepts.astype(np.float64),
            n_features=np.int64(self.weights.shape[1]), info=np.array(json.dumps(self.info, ensure_ascii=False)),
        )
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> KindWeights:
        """Read weights written by ``save``."""
        with np.load(path, allow_pickle=False) as data:
            kinds = tuple(str(kind) for kind in data["kinds"])
            weights = np.zeros((len(kinds), int(data["n_features"])), dtype=np.float32)
            weights[data["rows"], data["columns"]] = data["values"]
            return cls(kinds, weights, np.asarray(data["intercepts"]), json.loads(str(data["info"])))


def train_kind(texts: Sequence[str], kinds: Sequence[str], sentiments: Sequence[SentimentResult],
               c: float = SHIPPED_C, info: dict | None = None,
               row_weights: Sequence[float] | None = None) -> KindWeights:
    """Fit the kind model on cleaned texts, their labelled kinds and their sentiment results
    (``row_weights``: each row's weight, 1 when not given)."""
    token_sets = [kind_tokens(text, classify_kind(text, result).kind, result.positive)
                  for text, result in zip(texts, sentiments)]
    matrix = hash_tokens(token_sets, KIND_FEATURES)
    model = LogisticRegression(C=c, max_iter=5000).fit(matrix, list(kinds), sample_weight=row_weights)
    return KindWeights.fitted(model, matrix, {"c": c, "rows": len(token_sets), **(info or {})})


class KindModel:
    """Kinds from the rules, corrected by the learned model, with reasons a person can check."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        self.model_path = Path(model_path) if model_path else DEFAULT_KIND_MODEL
        self._params = KindWeights.load(self.model_path)

    def classify(self, text: str, sentiment: SentimentResult) -> KindResult:
        """The post's kind: the rules' verdict and reasons when the model agrees, else the model's
        kind with the words that decided it and what the rules had said."""
        return self.classify_all([text], [sentiment])[0]

    @property
    def width(self) -> int:
        """The number of hashed feature columns the weights read."""
        return int(self._params.weights.shape[1])

    def classify_all(self, texts: Sequence[str], sentiments: Sequence[SentimentResult],
                     rules: Sequence[KindResult] | None = None, plain: sparse.csr_matrix | None = None) -> list[KindResult]:
        """``classify`` for many posts, hashing them in one batch (``rules``: the rules' verdicts,
        ``plain``: the texts' ``plain_matrix``, when the caller has them already)."""
        if not texts:
            return []
        if rules is None:
            rules = [classify_kind(text, sentiment) for text, sentiment in zip(texts, sentiments)]
        matrix = with_tokens(texts, [kind_extras(rule.kind, sentiment.positive) for rule, sentiment in zip(rules, sentiments)],
                             self.width, plain)
        scores = np.asarray(matrix @ self._params.weights.T)
        return [self._settle(rule, text, row + self._params.intercepts)
                for rule, text, row in zip(rules, texts, scores)]

    def _settle(self, rule: KindResult, text: str, scores: np.ndarray) -> KindResult:
        if rule.kind not in self._params.kinds:
            return rule
        kind = self._params.kinds[int(np.argmax(scores))]
        if kind == rule.kind:
            return rule
        found = tokens(text)
        words = self._deciding_words({token: shown for token, shown in found.shown.items() if token in found.plain},
                                     kind, rule.kind)
        because = f"，依据“{'、'.join(words)}”" if words else ""
        said = f"（规则原判为{'；'.join(rule.reasons)}）"
        return KindResult(kind, [f"{KIND_NAMES[kind]}：类别模型据本局标注样本判断{because}{said}"])  # type: ignore[arg-type]

    def _deciding_words(self, found: Mapping[str, str], kind: str, rule_kind: str) -> list[str]:
        """Readable tokens that pushed most toward ``kind`` over the rules' kind."""
        weights, kinds = self._params.weights, self._params.kinds
        toward, away = weights[kinds.index(kind)], weights[kinds.index(rule_kind)]
        pushes = [(float(toward[column] - away[column]), text)
                  for column, text in readable_columns(found, weights.shape[1])]
        shown: list[str] = []
        for push, text in sorted(pushes, reverse=True):
            if push <= 0 or len(shown) == CUES_SHOWN:
                break
            if text not in shown:
                shown.append(text)
        return shown

    @property
    def version(self) -> str:
        """``kind`` plus the training stamp recorded in the weights file."""
        return f"kind:{self._params.info.get('trained', 'unknown')}"


@cache
def shipped_kind_model() -> KindModel:
    """The kind model that ships with the package, loaded once."""
    return KindModel()


REAL_WEIGHTS = {"weibo": 1.0, "board": 0.5}
"""Weight of a hand-labelled real row in the kind model's training, a domain row weighing 1: the
852 real Weibo training posts teach that a sad or angry post about one's own life, or a wish (加油,
希望早日…), needs nobody's answer (with 166 of them each weighed 3; at 852, weights 3, 1.5 and 1 gave
the same Weibo accuracy out of fold and weight 1 three more actionable domain posts); the 1,648 board
letters, nearly all complaints, weigh less so as not to drown the other kinds."""


def training_set() -> tuple[list[str], list[str], list[float], list[str]]:
    """Texts, kinds, row weights and sources of the shipped kind model: the domain train split and
    the real labels' train split, ``request`` (asks for an action without a grievance) included."""
    from analysis.real_labels import board_posts, weibo_posts

    domain = read_rows(DOMAIN_CSV, "train")
    texts = [clean_text(row["text"]) for row in domain]
    kinds = [row["kind"] for row in domain]
    weights = [1.0] * len(domain)
    for name, posts in (("weibo", weibo_posts("train")), ("board", board_posts("train"))):
        texts += [clean_text(post_text(p.title, p.text)) for p in posts]
        kinds += [p.kind for p in posts]
        weights += [REAL_WEIGHTS[name]] * len(posts)
    sources = ["analysis/data/domain.csv split=train",
               *(f"analysis/data/labels/{name}.csv split=train weight={w:g}" for name, w in REAL_WEIGHTS.items())]
    return texts, kinds, weights, sources


def main(argv: list[str] | None = None) -> None:
    """Train the shipped kind model on the domain and real train splits, read by the shipped
    sentiment model with the pipeline's label split."""
    parser = argparse.ArgumentParser(description="训练随包发布的类别模型（投诉/诉求/咨询/传闻/表扬/其他）")
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_KIND_MODEL)
    args = parser.parse_args(argv)
    texts, kinds, row_weights, sources = training_set()
    sentiments = get_sentiment_model("yuqing", **PIPELINE_THRESHOLDS).predict(texts)
    weights = train_kind(texts, kinds, sentiments, row_weights=row_weights,
                         info={"trained": training_stamp(), "sources": sources})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    print(f"已保存 {weights.save(args.out)}：{weights.info}")


if __name__ == "__main__":
    main()
