"""A small bidirectional GRU over word vectors, run in numpy: the second reader of the
sentiment ensemble. It sees word order and words the n-gram model never met in training,
through word vectors learned from unlabelled text. Only numbers are shipped: words are
stored as 32-bit MurmurHash3 keys beside their vectors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.utils import murmurhash3_32

from analysis.sentiment.features import prepare, words

MAX_WORDS = 80
BATCH = 128


def text_words(text: str) -> list[str]:
    """The words the reader sees: the text cut as the linear model's features cut it."""
    return words(prepare(text))


def word_key(word: str) -> int:
    """The 32-bit key a word is stored under."""
    return murmurhash3_32(word, seed=0, positive=True)


@dataclass
class RecurrentWeights:
    """Word vectors (row 0 is the empty text's zero vector), the GRU of each direction in
    PyTorch's layout (gates r, z, n), the output layer, the blend with the linear model, and
    provenance."""

    keys: np.ndarray
    vectors: np.ndarray
    w_ih: np.ndarray
    w_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray
    out_w: np.ndarray
    out_b: float
    blend: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0]))
    info: dict = field(default_factory=dict)

    def save(self, path: str | Path) -> Path:
        """Write the parameters to a compressed ``.npz`` file."""
        np.savez_compressed(
            path, keys=self.keys.astype(np.uint32), vectors=self.vectors.astype(np.float16),
            w_ih=self.w_ih.astype(np.float32), w_hh=self.w_hh.astype(np.float32),
            b_ih=self.b_ih.astype(np.float32), b_hh=self.b_hh.astype(np.float32),
            out_w=self.out_w.astype(np.float32), out_b=np.float64(self.out_b), blend=self.blend.astype(np.float64),
            info=np.array(json.dumps(self.info, ensure_ascii=False)),
        )
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> RecurrentWeights:
        """Read parameters written by ``save``."""
        with np.load(path, allow_pickle=False) as data:
            return cls(  # type: ignore[call-arg]  # the weight arrays are passed by *name
                data["keys"], data["vectors"].astype(np.float32), *(data[name].astype(np.float32) for name in
                                                                    ("w_ih", "w_hh", "b_ih", "b_hh", "out_w")),
                float(data["out_b"]), data["blend"], json.loads(str(data["info"])),
            )


def padded(rows: Sequence[Sequence[int]], width: int) -> np.ndarray:
    """Rows of vector ids as one array, each padded with row 0 (the zero vector) to ``width``."""
    index = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        index[i, :len(row)] = row
    return index


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class RecurrentScorer:
    """Log-odds of positive from word lists, batched."""

    def __init__(self, weights: RecurrentWeights) -> None:
        self.weights = weights
        order = np.argsort(weights.keys)
        self._keys = weights.keys[order]
        self._rows = order + 1

    def word_ids(self, words: Sequence[str]) -> list[int]:
        """Vector rows of the known words, in order, at most ``MAX_WORDS`` (unknown words are skipped)."""
        if not words:
            return []
        keys = np.array([word_key(word) for word in words], dtype=np.uint32)
        at = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        found = self._keys[at] == keys
        return self._rows[at[found]][:MAX_WORDS].tolist()

    def logits(self, word_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """One log-odds of positive per word list."""
        ids = [self.word_ids(words) or [0] for words in word_lists]
        out = np.empty(len(ids))
        order = np.argsort([len(row) for row in ids], kind="stable")
        for start in range(0, len(ids), BATCH):
            chosen = order[start:start + BATCH]
            out[chosen] = self._batch([ids[i] for i in chosen])
        return out

    def _batch(self, ids: list[list[int]]) -> np.ndarray:
        """Log-odds for rows of vector ids given shortest first."""
        w = self.weights
        lengths = np.array([len(row) for row in ids])
        inputs = w.vectors[padded(ids, int(lengths.max()))]
        pooled = [self._direction(inputs, lengths, d, reverse=bool(d)) for d in (0, 1)]
        return np.concatenate(pooled, axis=1) @ w.out_w + w.out_b

    def _direction(self, inputs: np.ndarray, lengths: np.ndarray, d: int, reverse: bool) -> np.ndarray:
        """Max over time of one direction's hidden states, each text read over its own words only.
        Rows come sorted by length, so the texts still being read at a step are a tail of the batch."""
        w = self.weights
        hidden = w.w_hh.shape[2]
        projected = inputs @ w.w_ih[d].T + w.b_ih[d]
        state = np.zeros((inputs.shape[0], hidden), dtype=np.float32)
        best = np.full((inputs.shape[0], hidden), -np.inf, dtype=np.float32)
        for t in (range(inputs.shape[1] - 1, -1, -1) if reverse else range(inputs.shape[1])):
            first = int(np.searchsorted(lengths, t, side="right"))
            before, x = state[first:], projected[first:, t]
            recurrent = before @ w.w_hh[d].T + w.b_hh[d]
            gates = _sigmoid(x[:, :2 * hidden] + recurrent[:, :2 * hidden])
            candidate = np.tanh(x[:, 2 * hidden:] + gates[:, :hidden] * recurrent[:, 2 * hidden:])
            state[first:] = candidate + gates[:, hidden:] * (before - candidate)
            np.maximum(best[first:], state[first:], out=best[first:])
        return best
