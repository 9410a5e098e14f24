"""The numpy GRU reader: the GRU equations, each text read over its own words whatever the
batch, and the blend with the linear model (context shift applied once, after the blend)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.sentiment import get_sentiment_model
from analysis.sentiment.ensemble import EnsembleSentiment
from analysis.sentiment.features import tokens
from analysis.sentiment.recurrent import MAX_WORDS, RecurrentScorer, RecurrentWeights, text_words, word_key

WORDS = ["低保", "没", "发", "谢谢", "很好"]


def random_weights(dimensions: int = 4, hidden: int = 3, seed: int = 1) -> RecurrentWeights:
    rng = np.random.default_rng(seed)
    vectors = np.vstack([np.zeros((1, dimensions)), rng.normal(size=(len(WORDS), dimensions))])
    return RecurrentWeights(
        keys=np.array([word_key(word) for word in WORDS], dtype=np.uint32), vectors=vectors,
        w_ih=rng.normal(size=(2, 3 * hidden, dimensions)), w_hh=rng.normal(size=(2, 3 * hidden, hidden)),
        b_ih=rng.normal(size=(2, 3 * hidden)), b_hh=rng.normal(size=(2, 3 * hidden)),
        out_w=rng.normal(size=2 * hidden), out_b=0.3, info={"trained": "test"},
    )


def scalar_gru(xs: list[float], w: RecurrentWeights, d: int) -> list[float]:
    """One-unit GRU written out gate by gate, as PyTorch documents it."""
    sig = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    (wir, wiz, win), (whr, whz, whn) = w.w_ih[d][:, 0], w.w_hh[d][:, 0]
    (bir, biz, bin_), (bhr, bhz, bhn) = w.b_ih[d], w.b_hh[d]
    h, states = 0.0, []
    for x in xs:
        r, z = sig(wir * x + bir + whr * h + bhr), sig(wiz * x + biz + whz * h + bhz)
        h = (1 - z) * math.tanh(win * x + bin_ + r * (whn * h + bhn)) + z * h
        states.append(h)
    return states


def test_one_unit_gru_matches_the_equations():
    weights = random_weights(dimensions=1, hidden=1)
    xs = [float(weights.vectors[1 + WORDS.index(word)][0]) for word in ("低保", "没", "发")]
    forward, backward = scalar_gru(xs, weights, 0), scalar_gru(xs[::-1], weights, 1)
    expected = max(forward) * weights.out_w[0] + max(backward) * weights.out_w[1] + weights.out_b
    assert RecurrentScorer(weights).logits([["低保", "没", "发"]])[0] == pytest.approx(expected)


def test_a_text_scores_the_same_alone_and_in_any_batch():
    scorer = RecurrentScorer(random_weights())
    texts = [["低保", "没", "发"], ["谢谢"], ["很好", "谢谢", "低保", "没", "发", "没", "发"], []]
    together = scorer.logits(texts)
    assert together == pytest.approx([scorer.logits([text])[0] for text in texts])


def test_unknown_words_are_skipped_and_long_texts_cut():
    scorer = RecurrentScorer(random_weights())
    assert scorer.word_ids(["低保", "外星人", "发"]) == scorer.word_ids(["低保", "发"])
    assert len(scorer.word_ids(["低保"] * (MAX_WORDS + 5))) == MAX_WORDS
    assert scorer.logits([["外星人"]])[0] == pytest.approx(scorer.logits([[]])[0])


def test_weights_round_trip(tmp_path):
    weights = random_weights()
    loaded = RecurrentWeights.load(weights.save(tmp_path / "r.npz"))
    texts = [["低保", "没", "发"], ["谢谢", "很好"]]
    assert RecurrentScorer(loaded).logits(texts) == pytest.approx(RecurrentScorer(weights).logits(texts), abs=1e-2)
    assert loaded.info == {"trained": "test"}


def test_matches_pytorch_gru():
    torch = pytest.importorskip("torch")
    weights = random_weights(dimensions=4, hidden=3)
    gru = torch.nn.GRU(4, 3, batch_first=True, bidirectional=True)
    with torch.no_grad():
        for name, value in (("weight_ih_l0", weights.w_ih[0]), ("weight_hh_l0", weights.w_hh[0]),
                            ("bias_ih_l0", weights.b_ih[0]), ("bias_hh_l0", weights.b_hh[0]),
                            ("weight_ih_l0_reverse", weights.w_ih[1]), ("weight_hh_l0_reverse", weights.w_hh[1]),
                            ("bias_ih_l0_reverse", weights.b_ih[1]), ("bias_hh_l0_reverse", weights.b_hh[1])):
            getattr(gru, name).copy_(torch.tensor(value, dtype=torch.float32))
        ids = [1 + WORDS.index(word) for word in ("低保", "没", "发", "谢谢")]
        states, _ = gru(torch.tensor(weights.vectors[ids][None], dtype=torch.float32))
        expected = states[0].max(dim=0).values.numpy() @ weights.out_w + weights.out_b
    assert RecurrentScorer(weights).logits([["低保", "没", "发", "谢谢"]])[0] == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("blend", [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.7, 0.4, -0.2)])
def test_the_ensemble_blends_log_odds_and_keeps_the_linear_cues(tmp_path, blend):
    weights = random_weights()
    weights.blend = np.array(blend)
    ensemble = EnsembleSentiment(recurrent_path=weights.save(tmp_path / "r.npz"))
    linear = get_sentiment_model("linear")
    texts = ["低保 没 发，打电话没人接", "谢谢 很好"]
    token_sets = [tokens(text) for text in texts]
    raw, shift = linear.params.log_odds(token_sets, shifted=False), linear.params.context_shift(token_sets)
    assert shift.tolist() == [1.0, 0.0]
    reader = RecurrentScorer(RecurrentWeights.load(tmp_path / "r.npz")).logits([text_words(t) for t in texts])
    expected = 1 / (1 + np.exp(-(blend[0] * raw + blend[1] * reader + blend[2] - shift)))
    results = ensemble.predict(texts)
    assert [r.positive for r in results] == pytest.approx(expected, abs=1e-4)
    if blend == (1.0, 0.0, 0.0):
        assert results == linear.predict(texts)
    assert ensemble.version.endswith("+test")


def test_yuqing_is_the_ensemble_and_reads_plain_cases():
    model = get_sentiment_model("yuqing")
    assert isinstance(model, EnsembleSentiment)
    calm, warm = model.predict(["低保材料交了三个月，打电话一直没人接", "谢谢社区的工作人员，很耐心，办得很快"])
    assert calm.label == "negative" and warm.label == "positive"


def test_shipped_reader_is_numbers_only():
    from analysis.sentiment.ensemble import DEFAULT_RECURRENT

    assert DEFAULT_RECURRENT.stat().st_size < 20 * 1024 * 1024
    with np.load(DEFAULT_RECURRENT, allow_pickle=False) as data:
        assert data["keys"].dtype == np.uint32 and data["vectors"].dtype == np.float16
        assert [name for name in data.files if data[name].dtype.kind == "U"] == ["info"]
